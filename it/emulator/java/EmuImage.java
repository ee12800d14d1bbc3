import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Puts one layer of application files on top of a {@code docker save} base image (the Java base image of
 * make-java-base.sh) and sets the image's entrypoint, deterministically: the base's layers are copied unchanged,
 * the new layer holds the given files with mtime SOURCE_DATE_EPOCH (default 0), uid/gid 0, modes 0755 (directories
 * and executable files) and 0644 (other files), entries in name order; the config is the base's with {@code Entrypoint} set and {@code Cmd}
 * removed, one more diff_id and one more history entry.
 *
 * <pre>
 * java -cp CORE_CLASSPATH it/emulator/java/EmuImage.java BASE.tar OUT.tar TAG IMAGE_PATH=HOST_FILE... -- ENTRYPOINT...
 * </pre>
 * IMAGE_PATH is absolute inside the image ({@code /app/attested.jar}). OUT.tar appears only when complete.
 */
public final class EmuImage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_JSON = 1 << 20;

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (Refused e) {
            System.err.println("EmuImage: " + e.getMessage());
            System.exit(2);
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("EmuImage: cannot make the image: " + e);
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        int dash = List.of(args).indexOf("--");
        if (args.length < 5 || dash < 4 || dash == args.length - 1) {
            System.err.println("usage: EmuImage BASE.tar OUT.tar TAG IMAGE_PATH=HOST_FILE... -- ENTRYPOINT...");
            System.exit(2);
        }
        Path base = Path.of(args[0]), out = Path.of(args[1]);
        String tag = args[2];
        Map<String, Path> files = new java.util.TreeMap<>();
        for (int i = 3; i < dash; i++) {
            int eq = args[i].indexOf('=');
            if (eq < 2 || !args[i].startsWith("/")) {
                fail("expected IMAGE_PATH=HOST_FILE with an absolute IMAGE_PATH, found " + args[i]);
            }
            Path src = Path.of(args[i].substring(eq + 1));
            if (!Files.isRegularFile(src)) {
                fail("no file at " + src);
            }
            files.put(args[i].substring(1, eq), src);
        }
        List<String> entrypoint = List.of(args).subList(dash + 1, args.length);
        long epochMillis = 1000L * Long.parseLong(System.getenv().getOrDefault("SOURCE_DATE_EPOCH", "0"));

        // The base tarball: JSON files in memory, layer blobs streamed to a work directory.
        Path work = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".emu-image-");
        try {
            Map<String, Path> blobs = new LinkedHashMap<>();
            Map<String, byte[]> small = new LinkedHashMap<>();
            try (InputStream in = Files.newInputStream(base); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
                for (TarArchiveEntry e; (e = t.getNextEntry()) != null; ) {
                    if (!e.isFile()) {
                        continue;
                    }
                    if (e.getName().endsWith(".json")) {
                        if (e.getSize() > MAX_JSON) {
                            fail(e.getName() + " in " + base + " is over " + MAX_JSON + " bytes");
                        }
                        small.put(e.getName(), t.readAllBytes());
                    } else {
                        Path p = work.resolve("blob-" + blobs.size());
                        Files.copy(t, p);
                        blobs.put(e.getName(), p);
                    }
                }
            }
            byte[] manifestBytes = small.get("manifest.json");
            if (manifestBytes == null) {
                fail(base + " is not a docker save tarball (no manifest.json)");
            }
            ArrayNode manifest = (ArrayNode) JSON.readTree(manifestBytes);
            if (manifest.size() != 1) {
                fail(base + " holds " + manifest.size() + " images; expected one");
            }
            ObjectNode image = (ObjectNode) manifest.get(0);
            byte[] configBytes = small.get(image.get("Config").asText());
            if (configBytes == null) {
                fail(base + " has no config " + image.get("Config"));
            }
            List<String> baseLayers = new ArrayList<>();
            image.get("Layers").forEach(l -> baseLayers.add(l.asText()));
            for (String l : baseLayers) {
                if (!blobs.containsKey(l)) {
                    fail(base + " lacks its layer " + l);
                }
            }

            // The new layer.
            ByteArrayOutputStream layer = new ByteArrayOutputStream();
            try (TarArchiveOutputStream t = new TarArchiveOutputStream(layer)) {
                t.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
                java.util.TreeSet<String> dirs = new java.util.TreeSet<>();
                for (String name : files.keySet()) {
                    for (int s = name.indexOf('/'); s > 0; s = name.indexOf('/', s + 1)) {
                        dirs.add(name.substring(0, s + 1));
                    }
                }
                java.util.TreeMap<String, Path> all = new java.util.TreeMap<>(files);
                dirs.forEach(d -> all.put(d, null));
                for (var f : all.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                    e.setModTime(epochMillis);
                    e.setIds(0, 0);
                    e.setUserName("");
                    e.setGroupName("");
                    if (f.getValue() == null) {
                        e.setMode(040755);
                        t.putArchiveEntry(e);
                    } else {
                        e.setMode(Files.isExecutable(f.getValue()) ? 0100755 : 0100644);
                        e.setSize(Files.size(f.getValue()));
                        t.putArchiveEntry(e);
                        Files.copy(f.getValue(), t);
                    }
                    t.closeArchiveEntry();
                }
            }
            byte[] layerBytes = layer.toByteArray();
            String layerSha = sha256(layerBytes);

            ObjectNode config = (ObjectNode) JSON.readTree(configBytes);
            ObjectNode c = config.has("config") ? (ObjectNode) config.get("config") : config.putObject("config");
            c.remove("Cmd");
            ArrayNode ep = c.putArray("Entrypoint");
            entrypoint.forEach(ep::add);
            ((ArrayNode) config.get("rootfs").get("diff_ids")).add("sha256:" + layerSha);
            if (config.has("history")) {
                ObjectNode h = ((ArrayNode) config.get("history")).addObject();
                h.put("created", config.path("created").asText("1970-01-01T00:00:00Z"));
                h.put("created_by", "it/emulator EmuImage");
            }
            byte[] newConfig = JSON.writeValueAsBytes(config);
            String configName = sha256(newConfig) + ".json";
            ObjectNode newImage = JSON.createObjectNode();
            newImage.put("Config", configName);
            newImage.putArray("RepoTags").add(tag);
            ArrayNode layers = newImage.putArray("Layers");
            baseLayers.forEach(layers::add);
            layers.add(layerSha + "/layer.tar");
            byte[] newManifest = JSON.writeValueAsBytes(JSON.createArrayNode().add(newImage));

            Path tmp = work.resolve("out.tar");
            try (OutputStream os = Files.newOutputStream(tmp); TarArchiveOutputStream t = new TarArchiveOutputStream(os)) {
                t.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
                java.util.TreeMap<String, Object> entries = new java.util.TreeMap<>();
                entries.put("manifest.json", newManifest);
                entries.put(configName, newConfig);
                for (String l : baseLayers) {
                    entries.put(l, blobs.get(l));
                }
                entries.put(layerSha + "/layer.tar", layerBytes);
                for (var en : entries.entrySet()) {
                    TarArchiveEntry e = new TarArchiveEntry(en.getKey());
                    e.setModTime(epochMillis);
                    e.setIds(0, 0);
                    e.setUserName("");
                    e.setGroupName("");
                    e.setMode(0100644);
                    if (en.getValue() instanceof byte[] b) {
                        e.setSize(b.length);
                        t.putArchiveEntry(e);
                        t.write(b);
                    } else {
                        Path p = (Path) en.getValue();
                        e.setSize(Files.size(p));
                        t.putArchiveEntry(e);
                        Files.copy(p, t);
                    }
                    t.closeArchiveEntry();
                }
            }
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("image " + out + " (" + tag + "): base " + base.getFileName() + " + layer sha256:"
                    + layerSha + " " + files.keySet() + ", entrypoint " + entrypoint);
        } finally {
            try (var s = Files.walk(work)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** A refused input: the message says what is wrong (the work directory is removed on the way out). */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private static void fail(String message) {
        throw new Refused(message);
    }
}

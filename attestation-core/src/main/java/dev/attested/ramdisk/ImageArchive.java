package dev.attested.ramdisk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.ReadAheadInputStream;

/**
 * A container image stored as one tarball: an OCI image layout ({@code index.json}, {@code blobs/sha256/…}; what
 * Jib's {@code TarImage} writes in OCI format) or a {@code docker save} archive ({@code manifest.json}). Gives the
 * image config and the layers, in order, as uncompressed tar streams. The tarball is read in place (random
 * access), never unpacked.
 */
public final class ImageArchive implements Closeable {
    /** Upper bound for the JSON documents (index, manifest, config) read into memory. */
    static final long MAX_JSON_BYTES = 8L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    private final Path path;
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();
    private final ImageConfig config;
    private final List<String> layers;

    private ImageArchive(Path path, TarFile tar) {
        this.path = path;
        this.tar = tar;
        for (TarArchiveEntry e : tar.getEntries()) {
            if (e.isFile()) {
                entries.put(normalize(e.getName()), e);
            }
        }
        List<String> layerPaths = new ArrayList<>();
        JsonNode configJson;
        if (entries.containsKey("manifest.json")) {
            JsonNode manifest = json("manifest.json");
            if (!manifest.isArray() || manifest.size() != 1) {
                throw malformed("manifest.json must list exactly one image, found "
                        + (manifest.isArray() ? manifest.size() : "no list") + ". Save a single image.");
            }
            JsonNode m = manifest.get(0);
            configJson = json(normalize(text(m, "Config", "manifest.json")));
            for (JsonNode l : array(m, "Layers", "manifest.json")) {
                layerPaths.add(normalize(l.asText()));
            }
        } else if (entries.containsKey("index.json")) {
            JsonNode manifest = resolveManifest(json("index.json"), "index.json");
            configJson = json(blobPath(text(manifest.path("config"), "digest", "config descriptor")));
            for (JsonNode l : array(manifest, "layers", "image manifest")) {
                String mediaType = l.path("mediaType").asText("");
                if (mediaType.contains("zstd")) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, path + ": layer "
                            + l.path("digest").asText() + " is zstd-compressed (" + mediaType
                            + "); use gzip or uncompressed layers.");
                }
                layerPaths.add(blobPath(text(l, "digest", "layer descriptor")));
            }
        } else {
            throw malformed("neither index.json (OCI image layout) nor manifest.json (docker save) found. "
                    + "Pass an image tarball written by Jib, 'docker save' or an OCI tool.");
        }
        for (String l : layerPaths) {
            if (!entries.containsKey(l)) {
                throw malformed("layer " + l + " is listed but not in the archive");
            }
        }
        this.layers = List.copyOf(layerPaths);
        this.config = parseConfig(configJson);
    }

    /**
     * Opens an image tarball.
     *
     * @throws RamdiskException {@code IMAGE_UNREADABLE} if it cannot be read as tar, {@code IMAGE_MALFORMED} if
     *                          it holds no recognisable image
     */
    public static ImageArchive open(Path tarball) {
        TarFile tar;
        try {
            tar = new TarFile(tarball, "UTF-8");
        } catch (NoSuchFileException e) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE,
                    "image tarball " + tarball + " does not exist");
        } catch (IOException | RuntimeException e) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE,
                    "cannot read image tarball " + tarball + " as a tar archive: " + e.getMessage(), e);
        }
        try {
            return new ImageArchive(tarball, tar);
        } catch (RuntimeException e) {
            closeQuietly(tar);
            throw e;
        }
    }

    /** The image config. */
    public ImageConfig config() {
        return config;
    }

    /** Number of layers. */
    public int layerCount() {
        return layers.size();
    }

    /** Layer {@code i} (0 = bottom) as an uncompressed tar stream; gzip is detected by its magic number. */
    public InputStream openLayer(int i) throws IOException {
        String name = layers.get(i);
        InputStream raw = new BufferedInputStream(tar.getInputStream(entries.get(name)), 64 * 1024);
        raw.mark(4);
        byte[] magic = raw.readNBytes(4);
        raw.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            GzipCompressorInputStream gzip;
            try {
                gzip = GzipCompressorInputStream.builder().setInputStream(raw).setDecompressConcatenated(true).get();
            } catch (IOException bad) { // the gzip header is read here: a corrupt one is the layer's fault, not I/O
                raw.close();
                throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, path + ": layer " + name
                        + " starts like gzip but its header is corrupt (" + bad.getMessage() + "); save the image again", bad);
            }
            // Inflating runs one megabyte ahead on a thread of its own, beside the caller's tar parsing and spooling.
            return ReadAheadInputStream.builder().setInputStream(gzip).setBufferSize(1 << 20).get();
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
                && (magic[3] & 0xff) == 0xfd) {
            raw.close();
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED,
                    path + ": layer " + name + " is zstd-compressed; use gzip or uncompressed layers.");
        }
        return raw;
    }

    /** Name of layer {@code i} inside the tarball, for messages. */
    public String layerName(int i) {
        return layers.get(i);
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }

    private JsonNode resolveManifest(JsonNode index, String source) {
        for (int depth = 0; depth < 4; depth++) {
            JsonNode manifests = array(index, "manifests", source);
            if (manifests.size() != 1) {
                throw malformed(source + " lists " + manifests.size() + " manifests; a single-platform image "
                        + "with exactly one manifest is needed (build the image for one architecture).");
            }
            JsonNode desc = manifests.get(0);
            String blob = blobPath(text(desc, "digest", source));
            JsonNode next = json(blob);
            String mediaType = next.path("mediaType").asText(desc.path("mediaType").asText(""));
            if (!(OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType))) {
                return next;
            }
            index = next;
            source = blob;
        }
        throw malformed("image indexes nested too deeply");
    }

    private static ImageConfig parseConfig(JsonNode root) {
        JsonNode c = root.path("config");
        return new ImageConfig(strings(c.path("Cmd")), strings(c.path("Entrypoint")), strings(c.path("Env")),
                c.path("WorkingDir").asText(""), root.path("architecture").asText(""));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private JsonNode json(String name) {
        TarArchiveEntry e = entries.get(name);
        if (e == null) {
            throw malformed(name + " is referenced but not in the archive");
        }
        if (e.getSize() > MAX_JSON_BYTES) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, path + ": " + name + " is " + e.getSize()
                    + " bytes; image metadata above " + MAX_JSON_BYTES + " bytes is refused");
        }
        try (InputStream in = tar.getInputStream(e)) {
            JsonNode node = JSON.readTree(in.readNBytes((int) e.getSize()));
            if (node == null || node.isMissingNode()) {
                throw malformed(name + " is empty");
            }
            return node;
        } catch (IOException ex) {
            throw malformed(name + " is not valid JSON: " + ex.getMessage());
        }
    }

    private String text(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw malformed(source + " has no string field '" + field + "'");
        }
        return v.asText();
    }

    private JsonNode array(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray()) {
            throw malformed(source + " has no array '" + field + "'");
        }
        return v;
    }

    private String blobPath(String digest) {
        int colon = digest.indexOf(':');
        if (colon <= 0 || !digest.substring(colon + 1).matches("[0-9a-f]{32,128}")) {
            throw malformed("bad digest '" + digest + "'");
        }
        return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
    }

    private RamdiskException malformed(String detail) {
        return new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, path + ": " + detail);
    }

    private static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // the original error is the one worth reporting
        }
    }
}

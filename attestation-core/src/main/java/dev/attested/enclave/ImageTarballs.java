package dev.attested.enclave;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.internal.io.FileDigest;
import dev.attested.pcr.PcrManifest;
import dev.attested.internal.ramdisk.ImageArchive;
import dev.attested.enclave.RamdiskException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * Image tarballs as build inputs: {@code tar://} references resolved against the project's base directory (never
 * the working directory), and their description for the PCR manifest by content — the tarball's SHA-256, the
 * image config and layer digests, and a path relative to the project (or none), so that the same commit gives the
 * same manifest in every checkout directory.
 */
public final class ImageTarballs {
    /** Prefix of base image references that name a {@code docker save} tarball. */
    public static final String TAR_PREFIX = "tar://";
    /** Upper bound of the JSON documents read to find the config (as {@code ImageArchive}). */
    static final long MAX_JSON_BYTES = 8L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageTarballs() {}

    /** True for {@code tar://…} references. */
    public static boolean isTarReference(String reference) {
        return reference != null && reference.trim().startsWith(TAR_PREFIX);
    }

    /**
     * The file a {@code tar://} reference names: {@code tar:///abs/x.tar} as it is, {@code tar://base/x.tar}
     * relative to {@code projectDir}.
     */
    public static Path file(String tarReference, Path projectDir) {
        String path = tarReference.trim().substring(TAR_PREFIX.length());
        if (path.isEmpty()) {
            throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID, "baseImage '" + tarReference
                    + "' names no file: use tar://<path of a docker save tarball, relative to the project>");
        }
        return projectDir.resolve(path).toAbsolutePath().normalize();
    }

    /**
     * A base image reference as the manifest records it: {@code tar://<path relative to the project>} for a
     * tarball inside the project, null for one outside it (its content is recorded instead), anything else as
     * given.
     */
    public static String recordedReference(String reference, Path projectDir) {
        if (!isTarReference(reference)) {
            return reference == null ? null : reference.trim();
        }
        String relative = projectRelative(file(reference, projectDir), projectDir);
        return relative == null ? null : TAR_PREFIX + relative;
    }

    /** {@code file} relative to {@code projectDir} with {@code /} separators, or null when it lies outside. */
    public static String projectRelative(Path file, Path projectDir) {
        Path dir = real(projectDir.toAbsolutePath().normalize());
        Path f = real(file.toAbsolutePath().normalize());
        if (!f.startsWith(dir) || f.equals(dir)) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        dir.relativize(f).forEach(p -> parts.add(p.toString()));
        return String.join("/", parts);
    }

    /**
     * Describes an image tarball by content. The tarball is first opened as the build will read it, so an
     * unreadable or malformed one fails with the image reader's codes ({@code IMAGE_UNREADABLE},
     * {@code IMAGE_MALFORMED}).
     */
    public static PcrManifest.Tarball describe(Path tarball, Path projectDir) {
        List<String> layerNames = new ArrayList<>();
        try (ImageArchive archive = ImageArchive.open(tarball)) {
            for (int i = 0; i < archive.layerCount(); i++) {
                layerNames.add(archive.layerName(i));
            }
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.OUTPUT_IO, "cannot close " + tarball + ": " + e, e);
        }
        try (TarFile tar = new TarFile(tarball, "UTF-8")) {
            Map<String, TarArchiveEntry> entries = new HashMap<>();
            for (TarArchiveEntry e : tar.getEntries()) {
                if (e.isFile()) {
                    entries.put(normalize(e.getName()), e);
                }
            }
            String configName = configName(tarball, tar, entries);
            String config = digest(tar, entries.get(configName));
            List<String> layers = new ArrayList<>();
            for (String name : layerNames) {
                layers.add(digest(tar, entries.get(name)));
            }
            return new PcrManifest.Tarball(projectRelative(tarball, projectDir), FileDigest.sha256(tarball), config,
                    layers);
        } catch (IOException e) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNREADABLE,
                    "cannot read image tarball " + tarball + ": " + e.getMessage(), e);
        }
    }

    /** The archive entry holding the image config: {@code docker save}'s Config, or the OCI manifest's config. */
    private static String configName(Path tarball, TarFile tar, Map<String, TarArchiveEntry> entries) throws IOException {
        if (entries.containsKey("manifest.json")) {
            return normalize(json(tarball, tar, entries, "manifest.json").path(0).path("Config").asText());
        }
        JsonNode node = json(tarball, tar, entries, "index.json");
        for (int depth = 0; depth < 4; depth++) {
            JsonNode manifests = node.path("manifests");
            if (manifests.isArray()) {
                node = json(tarball, tar, entries, blobPath(manifests.path(0).path("digest").asText()));
                continue;
            }
            return blobPath(node.path("config").path("digest").asText());
        }
        throw malformed(tarball, "image indexes nested too deeply");
    }

    private static JsonNode json(Path tarball, TarFile tar, Map<String, TarArchiveEntry> entries, String name)
            throws IOException {
        TarArchiveEntry e = entries.get(name);
        if (e == null) {
            throw malformed(tarball, name + " is referenced but not in the archive");
        }
        if (e.getSize() > MAX_JSON_BYTES) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, tarball + ": " + name + " is "
                    + e.getSize() + " bytes; image metadata above " + MAX_JSON_BYTES + " bytes is refused");
        }
        try (InputStream in = tar.getInputStream(e)) {
            return JSON.readTree(in.readNBytes((int) e.getSize()));
        }
    }

    private static String digest(TarFile tar, TarArchiveEntry entry) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        try (InputStream in = new DigestInputStream(tar.getInputStream(entry), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    private static String blobPath(String digest) {
        int colon = digest.indexOf(':');
        return colon <= 0 ? digest : "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
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

    private static Path real(Path p) {
        try {
            return Files.exists(p) ? p.toRealPath() : p;
        } catch (IOException e) {
            return p;
        }
    }

    private static RamdiskException malformed(Path tarball, String detail) {
        return new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, tarball + ": " + detail);
    }
}

package dev.attested.internal.ramdisk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Builds small image tarballs (docker save or OCI layout) for tests. */
public final class TestImages {
    private TestImages() {}

    /** One layer under construction. */
    public static final class Layer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8");

        public Layer() {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        }

        public Layer dir(String name, int mode, long mtime) {
            TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
            e.setMode(040000 | mode);
            e.setModTime(mtime * 1000);
            return put(e, null);
        }

        public Layer file(String name, int mode, long mtime, String content) {
            return file(name, mode, 0, 0, mtime, content);
        }

        public Layer file(String name, int mode, int uid, int gid, long mtime, String content) {
            return file(name, mode, uid, gid, mtime, content.getBytes(StandardCharsets.UTF_8));
        }

        public Layer file(String name, int mode, int uid, int gid, long mtime, byte[] data) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(0100000 | mode);
            e.setIds(uid, gid);
            e.setModTime(mtime * 1000);
            e.setSize(data.length);
            return put(e, data);
        }

        public Layer symlink(String name, String target, long mtime) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
            e.setLinkName(target);
            e.setMode(0120755); // what some tools write; unpacked, it is 0777 anyway
            e.setModTime(mtime * 1000);
            return put(e, null);
        }

        public Layer hardlink(String name, String target) {
            TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
            e.setLinkName(target);
            e.setModTime(0);
            return put(e, null);
        }

        public Layer whiteout(String path) {
            int slash = path.lastIndexOf('/');
            String name = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
            return file(name, 0644, 0, "");
        }

        public Layer opaque(String dir) {
            return file(dir + "/.wh..wh..opq", 0644, 0, "");
        }

        private Layer put(TarArchiveEntry e, byte[] data) {
            try {
                tar.putArchiveEntry(e);
                if (data != null) {
                    tar.write(data);
                }
                tar.closeArchiveEntry();
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
            return this;
        }

        public byte[] tarBytes() {
            try {
                tar.finish();
            } catch (IOException ex) {
                throw new IllegalStateException(ex);
            }
            return bytes.toByteArray();
        }
    }

    public static String config(String cmdJson, String entrypointJson, String envJson) {
        StringBuilder c = new StringBuilder("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{");
        List<String> parts = new ArrayList<>();
        if (cmdJson != null) {
            parts.add("\"Cmd\":" + cmdJson);
        }
        if (entrypointJson != null) {
            parts.add("\"Entrypoint\":" + entrypointJson);
        }
        if (envJson != null) {
            parts.add("\"Env\":" + envJson);
        }
        c.append(String.join(",", parts)).append("},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        return c.toString();
    }

    /** A {@code docker save} tarball with gzip-compressed layers. */
    public static Path dockerSave(Path file, String config, Layer... layers) throws IOException {
        byte[][] tars = new byte[layers.length][];
        for (int i = 0; i < layers.length; i++) {
            tars[i] = layers[i].tarBytes();
        }
        return dockerSave(file, config, true, tars);
    }

    /** A {@code docker save} tarball of layer tars given as bytes (possibly broken), gzip-compressed or not. */
    public static Path dockerSave(Path file, String config, boolean gzipLayers, byte[]... layerTars) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < layerTars.length; i++) {
                String name = "layer" + i + "/layer.tar";
                add(out, name, gzipLayers ? gzip(layerTars[i]) : layerTars[i]);
                names.add("\"" + name + "\"");
            }
            add(out, "config.json", config.getBytes(StandardCharsets.UTF_8));
            add(out, "manifest.json", ("[{\"Config\":\"config.json\",\"RepoTags\":[\"app:1\"],\"Layers\":["
                    + String.join(",", names) + "]}]").getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    /** An OCI image layout tarball (uncompressed layers). */
    public static Path ociLayout(Path file, String config, Layer... layers) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            add(out, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            List<String> descs = new ArrayList<>();
            for (Layer l : layers) {
                byte[] b = l.tarBytes();
                String d = sha256(b);
                add(out, "blobs/sha256/" + d, b);
                descs.add("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:" + d
                        + "\",\"size\":" + b.length + "}");
            }
            byte[] cfg = config.getBytes(StandardCharsets.UTF_8);
            String cd = sha256(cfg);
            add(out, "blobs/sha256/" + cd, cfg);
            byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                    + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + cd
                    + "\",\"size\":" + cfg.length + "},\"layers\":[" + String.join(",", descs) + "]}")
                    .getBytes(StandardCharsets.UTF_8);
            String md = sha256(manifest);
            add(out, "blobs/sha256/" + md, manifest);
            add(out, "index.json", ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                    + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + md + "\",\"size\":"
                    + manifest.length + "}]}").getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static void add(TarArchiveOutputStream out, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setModTime(0);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(data);
        }
        return b.toByteArray();
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code size} pseudo-random bytes from {@code seed}. */
    public static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    /** CRC-32 (zlib) of {@code bytes}. */
    public static long crc32(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}

package dev.attested.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes a minimal {@code docker save} tarball (one uncompressed layer) for tests. */
public final class DockerSaveTarball {
    private DockerSaveTarball() {}

    public static Path withOneFile(Path file, String name, String content) throws Exception {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(layer)) {
            String dir = name.substring(0, name.lastIndexOf('/') + 1);
            TarArchiveEntry d = new TarArchiveEntry(dir);
            d.setModTime(1000L * 1000);
            t.putArchiveEntry(d);
            t.closeArchiveEntry();
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry f = new TarArchiveEntry(name);
            f.setSize(data.length);
            f.setMode(0100644);
            f.setModTime(1000L * 1000);
            t.putArchiveEntry(f);
            t.write(data);
            t.closeArchiveEntry();
        }
        byte[] layerBytes = layer.toByteArray();
        String diffId = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(layerBytes));
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"base:1\"],\"Layers\":[\"layer/layer.tar\"]}]"
                .getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(file); TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            add(out, "layer/layer.tar", layerBytes);
            add(out, "config.json", config);
            add(out, "manifest.json", manifest);
        }
        return file;
    }

    private static void add(TarArchiveOutputStream out, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
    }
}

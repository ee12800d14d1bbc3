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

/**
 * Writes a minimal {@code docker save} tarball (one uncompressed layer) for tests. The bytes depend only on the
 * arguments: every entry has a fixed time and no owner names (Commons Compress would otherwise stamp the clock and
 * {@code user.name}), so two projects made in different seconds hold the same base tarball.
 */
public final class DockerSaveTarball {
    /** The time of every entry (1970-01-01T00:16:40Z). */
    private static final long FIXED_TIME_MILLIS = 1000L * 1000;

    private DockerSaveTarball() {}

    public static Path withOneFile(Path file, String name, String content) throws Exception {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(layer)) {
            String dir = name.substring(0, name.lastIndexOf('/') + 1);
            TarArchiveEntry d = entry(dir);
            t.putArchiveEntry(d);
            t.closeArchiveEntry();
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry f = entry(name);
            f.setSize(data.length);
            f.setMode(0100644);
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

    /** An entry with a fixed time and no user or group name. */
    private static TarArchiveEntry entry(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setModTime(FIXED_TIME_MILLIS);
        e.setUserName("");
        e.setGroupName("");
        return e;
    }

    private static void add(TarArchiveOutputStream out, String name, byte[] data) throws IOException {
        TarArchiveEntry e = entry(name);
        e.setSize(data.length);
        out.putArchiveEntry(e);
        out.write(data);
        out.closeArchiveEntry();
    }
}

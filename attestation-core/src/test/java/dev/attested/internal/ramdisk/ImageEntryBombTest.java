package dev.attested.internal.ramdisk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: an image of 1.5 million empty files (a few megabytes of gzip) exhausted a 256 MB heap. With the
 * default limits it stops at entry 1,000,001 with {@code IMAGE_LIMIT}, in a JVM limited to 256 MiB of heap, and
 * the tree of the million distinct paths it read takes well under 200 bytes per path.
 */
class ImageEntryBombTest {
    private static final int FILES = 1_500_000;
    private static final long MAX_HEAP = 256L << 20;

    @Test
    void aMillionAndAHalfEmptyFilesStopAtTheEntryLimitInA256MibHeap(@TempDir Path dir) throws Exception {
        Path image = TestImages.dockerSave(dir.resolve("bomb.tar"), TestImages.config("[\"/x\"]", null, null), false,
                bombLayer());
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(javaBin.toString(), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ImageEntryBombFork.class.getName(), image.toString(),
                dir.resolve("work").toString())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);

        assertTrue(Long.parseLong(line(out, "maxMemory ")) <= MAX_HEAP, out);
        assertEquals("IMAGE_LIMIT", line(out, "code "), out);
        assertTrue(line(out, "message ").contains("more than 1000000 entries (maxImageEntries; entry 1000001 is "), out);
        assertEquals(1_000_001, Long.parseLong(line(out, "entries ")), out);
        long perEntry = Long.parseLong(line(out, "treeBytes ")) / 1_000_000;
        System.out.println("1.5M-entry image under -Xmx256m: " + line(out, "code ") + " after " + line(out, "millis ")
                + " ms, " + perEntry + " bytes of heap per path read");
        assertTrue(perEntry < 200, "heap per path read: " + perEntry + " bytes\n" + out);
    }

    /** 1.5 million distinct empty files, 1000 per directory, as one gzip layer. */
    private static byte[] bombLayer() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(gz, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }, "UTF-8")) {
            for (int i = 0; i < FILES; i++) {
                TarArchiveEntry e = new TarArchiveEntry("d" + i / 1000 + "/f" + i % 1000);
                e.setMode(0100644);
                tar.putArchiveEntry(e);
                tar.closeArchiveEntry();
            }
        }
        return gz.toByteArray();
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(out))
                .substring(prefix.length());
    }
}

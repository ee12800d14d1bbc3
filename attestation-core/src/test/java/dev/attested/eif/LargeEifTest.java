package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.Pcr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory does not grow with the image: a 512 MiB EIF is written and described in a JVM limited to 64 MiB of heap. */
class LargeEifTest {
    private static final long MIB = 512;

    @Test
    void writingAndDescribingA512MibEifFitsIn64MibOfHeap(@TempDir Path dir) throws Exception {
        Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(javaBin.toString(), "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                LargeEifFork.class.getName(), dir.toString(), Long.toString(MIB)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), out);
        assertEquals(0, p.exitValue(), out);

        assertTrue(out.contains("maxMemory ") && Long.parseLong(line(out, "maxMemory ")) <= 64L << 20, out);
        assertEquals((MIB << 20) + 548 + 5 * 12 + 1 + 1 + EifMetadata.of("large", "1",
                EifMetadata.BuildMetadata.of(java.time.Instant.EPOCH, "t", "1", "OS", "k")).toSectionBytes().length,
                Long.parseLong(line(out, "size ")));
        assertEquals(line(out, "written "), line(out, "read "), out);
        assertTrue(out.contains("\"CheckCRC\": true"), out);

        MessageDigest app = MessageDigest.getInstance("SHA-384");
        byte[] zeros = new byte[1 << 20];
        for (long i = 0; i < MIB - 16; i++) {
            app.update(zeros);
        }
        assertTrue(out.contains("\"PCR2\": \"" + Pcr.ofContentDigest(app.digest()).hex() + "\""), out);
    }

    private static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length());
    }
}

package dev.attested.build;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducibleJarTest {
    @TempDir
    Path dir;

    private Path jar(String name, int dirMode, int fileMode) throws IOException {
        Path file = dir.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(file.toFile())) {
            ZipArchiveEntry d = new ZipArchiveEntry("com/");
            d.setUnixMode(040000 | dirMode);
            d.setTime(1767225600000L);
            z.putArchiveEntry(d);
            z.closeArchiveEntry();
            ZipArchiveEntry f = new ZipArchiveEntry("com/A.class");
            f.setUnixMode(0100000 | fileMode);
            f.setTime(1767225600000L);
            z.putArchiveEntry(f);
            z.write("bytecode".repeat(100).getBytes(StandardCharsets.US_ASCII));
            z.closeArchiveEntry();
        }
        return file;
    }

    /** Maven's jar plugin records the build machine's permissions; umask 077 and 022 must give the same image. */
    @Test
    void jarsThatDifferOnlyInRecordedPermissionsBecomeIdentical() throws IOException {
        Path a = jar("a.jar", 0755, 0644);
        Path b = jar("b.jar", 0700, 0600);
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
        ReproducibleJar.normalize(a, dir.resolve("out/a.jar"));
        ReproducibleJar.normalize(b, dir.resolve("out/b.jar"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("out/a.jar")), Files.readAllBytes(dir.resolve("out/b.jar")));
    }

    @Test
    void contentOrderAndTimesAreKept() throws IOException {
        Path b = jar("b.jar", 0700, 0600);
        ReproducibleJar.normalize(b, dir.resolve("n.jar"));
        List<String> names = new ArrayList<>();
        try (ZipFile z = ZipFile.builder().setPath(dir.resolve("n.jar")).get()) {
            z.getEntriesInPhysicalOrder().asIterator().forEachRemaining(e -> names.add(e.getName()
                    + " " + Integer.toOctalString(e.getUnixMode()) + " " + e.getTime()));
            assertEquals("bytecode".repeat(100), new String(z.getInputStream(z.getEntry("com/A.class")).readAllBytes(),
                    StandardCharsets.US_ASCII));
        }
        assertEquals(List.of("com/ 40755 1767225600000", "com/A.class 100644 1767225600000"), names);
    }

    @Test
    void notAJarIsInputInvalid() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.jar"), "not a zip");
        BuildException e = assertThrows(BuildException.class, () -> ReproducibleJar.normalize(junk, dir.resolve("o.jar")));
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
    }
}

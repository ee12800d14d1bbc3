package dev.attested.enclave;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproducibleJarTest {
    /** Zones with DST and offsets that are not whole hours; the normalized bytes must not depend on them. */
    private static final List<String> ZONES = List.of("UTC", "Pacific/Chatham", "America/St_Johns", "Asia/Kathmandu",
            "America/New_York", "Pacific/Kiritimati");
    private static final TimeZone ORIGINAL_ZONE = TimeZone.getDefault();

    @TempDir
    Path dir;

    @AfterEach
    void restoreZone() {
        TimeZone.setDefault(ORIGINAL_ZONE);
    }

    /** A jar as Maven's jar plugin writes it: Unix permissions of the build machine, fixed DOS times. */
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

    /**
     * A jar like many on Maven Central (jackson-annotations-2.20.jar, jackson-databind-2.20.1.jar): every entry
     * carries an extended-timestamp extra field (UTC seconds) beside its DOS time; here also Unix permissions of
     * a {@code umask 077} build, so that the permission rewrite has something to do.
     */
    private Path jarWithExtendedTimestamps(String name) throws IOException {
        Path file = dir.resolve(name);
        FileTime mtime = FileTime.from(Instant.parse("2025-08-28T22:50:34Z"));
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(file.toFile())) {
            for (String entry : List.of("META-INF/", "META-INF/MANIFEST.MF", "com/", "com/A.class")) {
                ZipArchiveEntry e = new ZipArchiveEntry(entry);
                e.setUnixMode(entry.endsWith("/") ? 040700 : 0100600);
                e.setLastModifiedTime(mtime);
                z.putArchiveEntry(e);
                if (!entry.endsWith("/")) {
                    z.write(("content of " + entry).repeat(20).getBytes(StandardCharsets.US_ASCII));
                }
                z.closeArchiveEntry();
            }
        }
        try (ZipFile z = ZipFile.builder().setPath(file).get()) {
            assertTrue(z.getEntry("com/A.class").getExtraField(X5455_ExtendedTimestamp.HEADER_ID) != null,
                    "fixture carries the extended timestamp");
        }
        return file;
    }

    private byte[] normalizedUnder(String zone, Path jar) throws IOException {
        TimeZone.setDefault(TimeZone.getTimeZone(zone));
        Path out = dir.resolve("out-" + zone.replace('/', '_') + "-" + jar.getFileName());
        ReproducibleJar.normalize(jar, out);
        return Files.readAllBytes(out);
    }

    /** Maven's jar plugin records the build machine's permissions; umask 077 and 022 must give the same image. */
    @Test
    void jarsThatDifferOnlyInRecordedPermissionsBecomeIdentical() throws IOException {
        Path a = jar("a.jar", 0755, 0644);
        Path b = jar("b.jar", 0700, 0600);
        assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)));
        ReproducibleJar.normalize(a, dir.resolve("out/a.jar"));
        ReproducibleJar.normalize(b, dir.resolve("out/b.jar"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("out/a.jar")), Files.readAllBytes(dir.resolve("out/b.jar")));
    }

    /** The bug of issue #11: the DOS times were recomputed through the JVM's default time zone. */
    @Test
    void jarWithExtendedTimestampsNormalizesToTheSameBytesInEveryTimeZone() throws IOException {
        Path jar = jarWithExtendedTimestamps("ext.jar");
        byte[] first = normalizedUnder(ZONES.get(0), jar);
        for (String zone : ZONES.subList(1, ZONES.size())) {
            assertArrayEquals(first, normalizedUnder(zone, jar), "normalized under " + zone);
        }
    }

    /** A DOS time inside a DST gap (02:30 on a spring-forward night) is a local time that some zones lack. */
    @Test
    void dosTimeInADaylightSavingGapIsKeptInEveryTimeZone() throws IOException {
        Path jar = dir.resolve("gap.jar");
        try (OutputStream os = Files.newOutputStream(jar); ZipOutputStream z = new ZipOutputStream(os)) {
            ZipEntry e = new ZipEntry("gap.txt");
            e.setTimeLocal(java.time.LocalDateTime.of(2026, 3, 8, 2, 30, 0)); // no such time in America/New_York
            z.putNextEntry(e);
            z.write("x".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        }
        byte[] input = Files.readAllBytes(jar);
        for (String zone : ZONES) {
            assertArrayEquals(input, normalizedUnder(zone, jar), "a jar without Unix permissions is copied as it is, under " + zone);
        }
    }

    @Test
    void onlyThePermissionFieldsChange() throws IOException {
        Path jar = jarWithExtendedTimestamps("ext.jar");
        byte[] in = Files.readAllBytes(jar);
        byte[] out = normalizedUnder("UTC", jar);
        assertEquals(in.length, out.length);
        int differing = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] != out[i]) {
                differing++;
            }
        }
        assertTrue(differing > 0 && differing <= 4 * 4, "only the external attributes of the 4 entries: " + differing);
    }

    @Test
    void alreadyNormalJarIsCopiedByteForByte() throws IOException {
        Path a = jar("a.jar", 0755, 0644);
        ReproducibleJar.normalize(a, dir.resolve("n.jar"));
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(dir.resolve("n.jar")));
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
    void zip64JarIsNormalized() throws IOException {
        Path jar = dir.resolve("z64.jar");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(jar.toFile())) {
            z.setUseZip64(Zip64Mode.Always);
            ZipArchiveEntry f = new ZipArchiveEntry("a.txt");
            f.setUnixMode(0100600);
            f.setTime(1767225600000L);
            z.putArchiveEntry(f);
            z.write("zip64".getBytes(StandardCharsets.US_ASCII));
            z.closeArchiveEntry();
        }
        ReproducibleJar.normalize(jar, dir.resolve("n.jar"));
        try (ZipFile z = ZipFile.builder().setPath(dir.resolve("n.jar")).get()) {
            assertEquals(0100644, z.getEntry("a.txt").getUnixMode());
            assertEquals("zip64", new String(z.getInputStream(z.getEntry("a.txt")).readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void notAJarIsInputInvalid() throws IOException {
        Path junk = Files.writeString(dir.resolve("junk.jar"), "not a zip");
        BuildException e = assertThrows(BuildException.class, () -> ReproducibleJar.normalize(junk, dir.resolve("o.jar")));
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
        assertFalse(Files.exists(dir.resolve("o.jar")));
    }

    @Test
    void truncatedCentralDirectoryIsInputInvalidAndLeavesNoOutput() throws IOException {
        byte[] good = Files.readAllBytes(jar("a.jar", 0700, 0600));
        // Cut 30 bytes out of the middle of the central directory, keep the end record.
        int eocd = good.length - 22;
        byte[] cut = new byte[good.length - 30];
        System.arraycopy(good, 0, cut, 0, eocd - 40);
        System.arraycopy(good, eocd - 10, cut, eocd - 40, good.length - (eocd - 10));
        Path broken = Files.write(dir.resolve("broken.jar"), cut);
        BuildException e = assertThrows(BuildException.class, () -> ReproducibleJar.normalize(broken, dir.resolve("o.jar")));
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
        assertTrue(e.getMessage().contains("broken.jar"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("o.jar")));
    }
}

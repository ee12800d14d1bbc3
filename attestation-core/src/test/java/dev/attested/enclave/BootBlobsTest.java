package dev.attested.enclave;

import dev.attested.testkit.FakeBlobs;
import dev.attested.eif.EifArchitecture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootBlobsTest {
    @TempDir
    Path dir;

    @Test
    void configuredDirectoryWinsOverEnvironmentWhichWinsOverDefault() {
        Map<String, String> env = Map.of("NITRO_CLI_BLOBS", "/from/env");
        assertEquals(Path.of("/conf"), BootBlobs.locate("/conf", env).directory());
        assertEquals(Path.of("/from/env"), BootBlobs.locate("", env).directory());
        assertEquals(Path.of("/usr/share/nitro_enclaves/blobs"), BootBlobs.locate(null, Map.of()).directory());
    }

    @Test
    void completeX86SetLoadsWithTrimmedCmdline() throws IOException {
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(dir));
        assertEquals(EifArchitecture.X86_64, blobs.arch());
        assertEquals(FakeBlobs.CMDLINE, blobs.cmdlineText());
        assertEquals(119, blobs.cmdlineText().length(), "docs/spec/eif-format.md §3.2: the x86_64 cmdline is 119 bytes");
    }

    /** eif-format.md §3.3: line 3 of the config split on space, '/', '-' → tokens 1 and 3. */
    @Test
    void operatingSystemAndKernelVersionComeFromLine3OfTheConfig() throws IOException {
        assertEquals(List.of("Linux", "4.14.256"), BootBlobs.load(FakeBlobs.create(dir)).kernelOsAndVersion());
    }

    @Test
    void missingDirectoryIsBlobsNotFound() {
        BuildException e = assertThrows(BuildException.class, () -> BootBlobs.load(dir.resolve("absent")));
        assertEquals(BuildException.Code.BLOBS_NOT_FOUND, e.code());
    }

    @Test
    void incompleteSetNamesEveryMissingFile() throws IOException {
        FakeBlobs.create(dir);
        Files.delete(dir.resolve("nsm.ko"));
        Files.delete(dir.resolve("bzImage.config"));
        BuildException e = assertThrows(BuildException.class, () -> BootBlobs.load(dir));
        assertEquals(BuildException.Code.BLOBS_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("bzImage.config, nsm.ko"), e.getMessage());
    }

    @Test
    void blobHashesAreSha256ByFileName() throws IOException {
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(dir));
        assertEquals(List.of("bzImage", "bzImage.config", "cmdline", "init", "nsm.ko"),
                List.copyOf(blobs.sha256().keySet()));
        assertEquals(BootBlobs.sha256(dir.resolve("init")), blobs.sha256().get("init"));
    }

    @Test
    void zipIsDeterministicAndRoundTrips() throws IOException {
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(dir.resolve("a")));
        ByteArrayOutputStream z1 = new ByteArrayOutputStream();
        blobs.writeZip(z1);
        Files.setLastModifiedTime(dir.resolve("a/init"), java.nio.file.attribute.FileTime.fromMillis(12345678));
        ByteArrayOutputStream z2 = new ByteArrayOutputStream();
        blobs.writeZip(z2);
        assertArrayEquals(z1.toByteArray(), z2.toByteArray(), "file times never reach the zip");

        Path zip = Files.write(dir.resolve("blobs.zip"), z1.toByteArray());
        BootBlobs back = BootBlobs.unzip(zip, dir.resolve("b"), Optional.empty());
        assertEquals(blobs.sha256(), back.sha256());
    }

    @Test
    void zipEntriesWithPathsAreRefused() throws IOException {
        Path zip = dir.resolve("evil.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("../init"));
            z.write(1);
            z.closeEntry();
        }
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip, dir.resolve("out"), Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
    }

    /** A zip of the given files (name → content), written with commons-compress so that Unix modes can be set. */
    private Path zip(String name, Map<String, byte[]> files) throws IOException {
        Path zip = dir.resolve(name);
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(zip)))) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                z.putArchiveEntry(new ZipArchiveEntry(f.getKey()));
                z.write(f.getValue());
                z.closeArchiveEntry();
            }
        }
        return zip;
    }

    private static Map<String, byte[]> blobSet(Path blobsDir) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(blobsDir)) {
            for (Path p : s.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Issue 13: artifact B lacks init; A's init, unpacked earlier into the same directory, must not fill in. */
    @Test
    void blobsOfAnEarlierZipNeverFillInWhatTheNextLacks() throws IOException {
        Map<String, byte[]> a = blobSet(FakeBlobs.create(dir.resolve("a")));
        Map<String, byte[]> b = new TreeMap<>(a);
        b.remove("init");
        b.put("nsm.ko", "B's nsm.ko".getBytes(StandardCharsets.US_ASCII));
        Path unpacked = dir.resolve("work/blobs");
        BootBlobs.unzip(zip("a.zip", a), unpacked, Optional.empty());
        assertEquals(List.of("bzImage", "bzImage.config", "cmdline", "init", "nsm.ko"), names(unpacked));

        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip("b.zip", b), unpacked, Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("lack init"), e.getMessage());
        assertEquals(List.of("bzImage", "bzImage.config", "cmdline", "nsm.ko"), names(unpacked), "exactly B's files");
        assertArrayEquals(b.get("nsm.ko"), Files.readAllBytes(unpacked.resolve("nsm.ko")));
        assertEquals(List.of("blobs"), names(dir.resolve("work")), "no temporary directory is left");
    }

    /** An x86_64 set, then an aarch64 set: the second replaces the first, instead of making the arch ambiguous. */
    @Test
    void aLaterZipReplacesTheEarlierDirectoryEntirely() throws IOException {
        Map<String, byte[]> x86 = blobSet(FakeBlobs.create(dir.resolve("a")));
        Map<String, byte[]> arm = new TreeMap<>();
        arm.put("Image", "arm kernel".getBytes(StandardCharsets.US_ASCII));
        arm.put("Image.config", x86.get("bzImage.config"));
        arm.put("cmdline", x86.get("cmdline"));
        arm.put("init", "arm init".getBytes(StandardCharsets.US_ASCII));
        arm.put("nsm.ko", "arm nsm.ko".getBytes(StandardCharsets.US_ASCII));
        Path unpacked = dir.resolve("work/blobs");
        BootBlobs.unzip(zip("x86.zip", x86), unpacked, Optional.empty());
        BootBlobs back = BootBlobs.unzip(zip("arm.zip", arm), unpacked, Optional.empty());
        assertEquals(EifArchitecture.AARCH64, back.arch());
        assertEquals(List.of("Image", "Image.config", "cmdline", "init", "nsm.ko"), names(unpacked));
        assertEquals(BootBlobs.sha256(dir.resolve("arm.zip").resolveSibling("a").resolve("cmdline")),
                back.sha256().get("cmdline"));
        assertEquals(List.of("blobs"), names(dir.resolve("work")));
    }

    /** A refused zip leaves the earlier directory as it was, and no partial directory. */
    @Test
    void aRefusedZipLeavesNoPartialDirectory() throws IOException {
        Map<String, byte[]> a = blobSet(FakeBlobs.create(dir.resolve("a")));
        Path unpacked = dir.resolve("work/blobs");
        BootBlobs.unzip(zip("a.zip", a), unpacked, Optional.empty());
        Map<String, byte[]> evil = new TreeMap<>(a);
        evil.put("README", new byte[1]);
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip("evil.zip", evil), unpacked, Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
        assertTrue(e.getMessage().contains("entry 'README' is not a plain blob file"), e.getMessage());
        assertEquals(List.of("blobs"), names(dir.resolve("work")));
        assertEquals(a.keySet().stream().sorted().toList(), names(unpacked));
    }

    @Test
    void missingZipIsBlobsNotFound() {
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(dir.resolve("absent.zip"), dir.resolve("out"), Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_NOT_FOUND, e.code());
        assertTrue(!Files.exists(dir.resolve("out")));
    }

    @Test
    void symlinkEntriesAreRefused() throws IOException {
        Path zip = dir.resolve("link.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(zip)))) {
            ZipArchiveEntry link = new ZipArchiveEntry("init");
            link.setUnixMode(0120777);
            z.putArchiveEntry(link);
            z.write("/etc/passwd".getBytes(StandardCharsets.US_ASCII));
            z.closeArchiveEntry();
        }
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip, dir.resolve("out"), Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
        assertTrue(e.getMessage().contains("entry 'init' is not a plain blob file"), e.getMessage());
        assertEquals(List.of("link.zip"), names(dir));
    }

    @Test
    void duplicateEntriesAreRefused() throws IOException {
        Path zip = dir.resolve("twice.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(zip)))) {
            for (String content : List.of("first", "second")) {
                z.putArchiveEntry(new ZipArchiveEntry("init"));
                z.write(content.getBytes(StandardCharsets.US_ASCII));
                z.closeArchiveEntry();
            }
        }
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip, dir.resolve("out"), Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
        assertTrue(e.getMessage().contains("entry 'init' appears twice"), e.getMessage());
    }

    @Test
    void moreThan16EntriesAreRefused() throws IOException {
        Map<String, byte[]> many = new TreeMap<>();
        for (int i = 0; i < 17; i++) {
            many.put("f" + i, new byte[0]);
        }
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip("many.zip", many), dir.resolve("out"), Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
        assertTrue(e.getMessage().contains("it holds 17 entries, more than 16"), e.getMessage());
    }

    /** 5000 long names: the central directory alone passes 1 MiB and is refused before it is all in memory. */
    @Test
    void oversizedCentralDirectoryIsRefusedWhileItIsRead() throws IOException {
        Path zip = dir.resolve("cd.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(zip)))) {
            for (int i = 0; i < 5000; i++) {
                z.putArchiveEntry(new ZipArchiveEntry("entry-" + i + "-" + "x".repeat(200)));
                z.closeArchiveEntry();
            }
        }
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip, dir.resolve("out"), Optional.empty()));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
        assertTrue(e.getMessage().contains("its central directory takes more than 1048576 bytes"), e.getMessage());
    }

    /**
     * A blob that inflates past the limit is refused as it inflates: 64 MiB of zeros (a zip of 64 KiB) against a
     * limit of 1 MiB; {@code unzip} applies {@value BootBlobs#MAX_ZIP_BYTES} bytes the same way.
     */
    @Test
    void zipBombIsRefusedWhileItInflates() throws IOException {
        Path zip = dir.resolve("bomb.zip");
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(zip)))) {
            z.putArchiveEntry(new ZipArchiveEntry("bzImage"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++) {
                z.write(zeros);
            }
            z.closeArchiveEntry();
        }
        assertTrue(Files.size(zip) < 1 << 20, "a small zip: " + Files.size(zip));
        Path out = dir.resolve("work/blobs");
        BuildException e = assertThrows(BuildException.class,
                () -> BootBlobs.unzip(zip, out, Optional.empty(), 1 << 20));
        assertEquals(BuildException.Code.BLOBS_INVALID, e.code());
        assertTrue(e.getMessage().contains("it unpacks to more than 1048576 bytes"), e.getMessage());
        assertEquals(List.of(), names(dir.resolve("work")), "the partial unpack is gone");
    }
}

package dev.attested.build;

import dev.attested.eif.EifArchitecture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
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
        assertEquals(119, blobs.cmdlineText().length(), "EIF.md §4.2: the x86_64 cmdline is 119 bytes");
    }

    /** EIF.md §4.3: line 3 of the config split on space, '/', '-' → tokens 1 and 3. */
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
}

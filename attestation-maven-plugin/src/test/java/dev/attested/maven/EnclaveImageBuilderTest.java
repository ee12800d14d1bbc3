package dev.attested.maven;

import dev.attested.eif.EifArchitecture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.enclave.BuildException;
import dev.attested.internal.ramdisk.CustomerRamdisk;
import dev.attested.internal.ramdisk.ImageArchive;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnclaveImageBuilderTest {
    @TempDir
    Path dir;

    private EnclaveImageBuilder builder(String base) throws IOException {
        Path jar = TestJars.write(dir.resolve("app-1.0.jar"), 0755, 0644, "Main");
        Path dep = TestJars.write(dir.resolve("lib-2.0.jar"), 0755, 0644, "Lib");
        return new EnclaveImageBuilder(base, jar, List.of(dep), null, List.of(), "com.example.Main",
                Map.of("APP_MODE", "enclave"), Instant.parse("2026-01-01T00:00:00Z"), EifArchitecture.X86_64);
    }

    @Test
    void scratchImageIsAnOciTarballWithEntrypointAndEnvironment() throws IOException {
        EnclaveImageBuilder.BuiltImage image = builder("scratch").toTarball(dir.resolve("out/image.tar"), "app:1.0",
                dir.resolve("cache"));
        assertTrue(image.digest().matches("sha256:[0-9a-f]{64}"), image.digest());
        try (ImageArchive archive = ImageArchive.open(image.tarball())) {
            assertEquals(List.of("java", "-cp", "/app/app-1.0.jar:/app/lib/*", "com.example.Main"),
                    archive.config().entrypoint());
            assertEquals(List.of("APP_MODE=enclave"), archive.config().env());
            assertEquals("amd64", archive.config().architecture());
        }
    }

    @Test
    void twoBuildsGiveTheSameTarballAndRamdisk() throws IOException {
        Path a = builder("scratch").toTarball(dir.resolve("a/image.tar"), "app:1.0", dir.resolve("cache-a")).tarball();
        Path b = builder("scratch").toTarball(dir.resolve("b/image.tar"), "app:1.0", dir.resolve("cache-b")).tarball();
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        ByteArrayOutputStream ra = new ByteArrayOutputStream();
        CustomerRamdisk.write(a, dir.resolve("work"), ra);
        assertTrue(ra.size() > 0);
    }

    @Test
    void unpinnedRegistryBaseIsRefused() throws IOException {
        BuildException e = assertThrows(BuildException.class, () -> builder("eclipse-temurin:21").validateBase());
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
    }

    @Test
    void missingBaseTarballIsRefused() throws IOException {
        BuildException e = assertThrows(BuildException.class,
                () -> builder("tar://" + dir.resolve("absent.tar")).validateBase());
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
    }

    @Test
    void ociTarballAsBaseIsRefusedWithAHint() throws IOException {
        Path oci = builder("scratch").toTarball(dir.resolve("base/base.tar"), "base:1", dir.resolve("c1")).tarball();
        BuildException e = assertThrows(BuildException.class, () -> builder("tar://" + oci).validateBase());
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
        assertTrue(e.getMessage().contains("docker save"), e.getMessage());
    }

    @Test
    void imageOnADockerSaveBaseKeepsTheBaseLayer() throws Exception {
        Path base = DockerSaveTarball.withOneFile(dir.resolve("base.tar"), "etc/base-release", "base 1\n");
        Path jar2 = TestJars.write(dir.resolve("other.jar"), 0755, 0644, "Other");
        EnclaveImageBuilder onTop = new EnclaveImageBuilder("tar://" + base, jar2, List.of(), null,
                List.of("/bin/app"), null, Map.of(), Instant.parse("2026-01-01T00:00:00Z"), EifArchitecture.X86_64);
        Path image = onTop.toTarball(dir.resolve("top/image.tar"), "top:1", dir.resolve("c2")).tarball();
        try (ImageArchive archive = ImageArchive.open(image)) {
            assertEquals(2, archive.layerCount(), "base layer + application layer");
            assertEquals(List.of("/bin/app"), archive.config().entrypoint());
        }
        ByteArrayOutputStream ramdisk = new ByteArrayOutputStream();
        CustomerRamdisk.write(image, dir.resolve("work"), ramdisk);
        String text = ramdisk.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("rootfs/etc/base-release"), "base file in the ramdisk");
        assertTrue(text.contains("rootfs/app/other.jar"), "application jar in the ramdisk");
    }
}

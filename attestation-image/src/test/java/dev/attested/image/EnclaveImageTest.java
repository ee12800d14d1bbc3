package dev.attested.image;

import dev.attested.testkit.TestJars;
import dev.attested.testkit.DockerSaveTarball;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.attested.eif.EifArchitecture;
import dev.attested.enclave.BuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image layout that decides PCR2 (moved here from the Maven plugin with the builder). */
class EnclaveImageTest {
    static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private ImageSource.JavaApplication app(BaseImage base) throws IOException {
        Path jar = TestJars.write(dir.resolve("app-1.0.jar"), 0755, 0644, "Main");
        Path dep = TestJars.write(dir.resolve("lib-2.0.jar"), 0755, 0644, "Lib");
        return new ImageSource.JavaApplication(Optional.of(jar), List.of(dep), new Launch.MainClass("com.example.Main"),
                base, Optional.empty(), Map.of("APP_MODE", "enclave"));
    }

    private EnclaveImage builder(BaseImage base) throws IOException {
        return new EnclaveImage(app(base), TIME, EifArchitecture.X86_64);
    }

    @Test
    void scratchImageIsAnOciTarballWithEntrypointAndEnvironment() throws IOException {
        EnclaveBuild.BuiltImage image = builder(BaseImage.SCRATCH).toTarball(dir.resolve("out/image.tar"), "app:1.0",
                dir.resolve("cache"));
        assertTrue(image.digest().matches("sha256:[0-9a-f]{64}"), image.digest());
        JsonNode config = OciTarballs.config(image.tarball());
        assertEquals("[\"java\",\"-cp\",\"/app/app-1.0.jar:/app/lib/*\",\"com.example.Main\"]",
                config.at("/config/Entrypoint").toString());
        assertEquals("[\"APP_MODE=enclave\"]", config.at("/config/Env").toString());
        assertEquals("amd64", config.at("/architecture").asText());
        assertEquals(2, OciTarballs.manifest(image.tarball()).at("/layers").size(),
                "dependencies layer + application layer");
    }

    @Test
    void twoBuildsGiveTheSameTarball() throws IOException {
        Path a = builder(BaseImage.SCRATCH).toTarball(dir.resolve("a/image.tar"), "app:1.0", dir.resolve("cache-a"))
                .tarball();
        Path b = builder(BaseImage.SCRATCH).toTarball(dir.resolve("b/image.tar"), "app:1.0", dir.resolve("cache-b"))
                .tarball();
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void commandIsTheEntrypointElseJavaCpMainClassElseJavaJar() throws IOException {
        ImageSource.JavaApplication app = app(BaseImage.SCRATCH);
        assertEquals(List.of("java", "-cp", "/app/app-1.0.jar:/app/lib/*", "com.example.Main"), EnclaveBuild.command(app));
        assertEquals(List.of("java", "-jar", "/app/app-1.0.jar"), EnclaveBuild.command(new ImageSource.JavaApplication(
                app.jar(), app.runtimeClasspath(), Launch.EXECUTABLE_JAR, app.base(), Optional.empty(), Map.of())));
        assertEquals(List.of("/bin/app", "x"), EnclaveBuild.command(new ImageSource.JavaApplication(app.jar(),
                List.of(), new Launch.Entrypoint(List.of("/bin/app", "x")), app.base(), Optional.empty(), Map.of())));
        assertEquals(List.of(), EnclaveBuild.command(new ImageSource.JavaApplication(Optional.empty(), List.of(),
                Launch.EXECUTABLE_JAR, app.base(), Optional.empty(), Map.of())));
    }

    @Test
    void unpinnedRegistryBaseIsRefused() {
        BuildException e = assertThrows(BuildException.class, () -> BaseImage.parse("eclipse-temurin:21", dir));
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
        assertEquals(BaseImage.SCRATCH, BaseImage.parse(" scratch ", dir));
        assertEquals(new BaseImage.Tarball(dir.resolve("base/jre.tar")), BaseImage.parse("tar://base/jre.tar", dir));
        String pinned = "eclipse-temurin@sha256:" + "0".repeat(64);
        assertEquals(new BaseImage.Registry(pinned), BaseImage.parse(pinned, dir));
    }

    @Test
    void missingBaseTarballIsRefused() throws IOException {
        BuildException e = assertThrows(BuildException.class,
                () -> builder(new BaseImage.Tarball(dir.resolve("absent.tar"))).validateBase());
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
    }

    @Test
    void javaOnScratchIsRefusedBeforeAnythingIsBuilt() throws IOException {
        BuildException e = assertThrows(BuildException.class, () -> builder(BaseImage.SCRATCH).validateBase());
        assertEquals(BuildException.Code.ENTRYPOINT_NOT_IN_IMAGE, e.code());
        assertTrue(e.getMessage().contains("Java runtime"), e.getMessage());
    }

    @Test
    void ociTarballAsBaseIsRefusedWithAHint() throws IOException {
        Path oci = builder(BaseImage.SCRATCH).toTarball(dir.resolve("base/base.tar"), "base:1", dir.resolve("c1"))
                .tarball();
        BuildException e = assertThrows(BuildException.class,
                () -> builder(new BaseImage.Tarball(oci)).validateBase());
        assertEquals(BuildException.Code.BASE_IMAGE_INVALID, e.code());
        assertTrue(e.getMessage().contains("docker save"), e.getMessage());
    }

    @Test
    void imageOnADockerSaveBaseKeepsTheBaseLayer() throws Exception {
        Path base = DockerSaveTarball.withOneFile(dir.resolve("base.tar"), "etc/base-release", "base 1\n");
        Path jar2 = TestJars.write(dir.resolve("other.jar"), 0755, 0644, "Other");
        EnclaveImage onTop = new EnclaveImage(new ImageSource.JavaApplication(Optional.of(jar2), List.of(),
                new Launch.Entrypoint(List.of("/bin/app")), new BaseImage.Tarball(base), Optional.empty(), Map.of()),
                TIME, EifArchitecture.X86_64);
        Path image = onTop.toTarball(dir.resolve("top/image.tar"), "top:1", dir.resolve("c2")).tarball();
        assertEquals(2, OciTarballs.manifest(image).at("/layers").size(), "base layer + application layer");
        assertEquals("[\"/bin/app\"]", OciTarballs.config(image).at("/config/Entrypoint").toString());
    }
}

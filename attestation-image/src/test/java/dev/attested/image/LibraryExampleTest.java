package dev.attested.image;

import dev.attested.testkit.TestJars;
import dev.attested.testkit.DockerSaveTarball;
import dev.attested.testkit.FakeBlobs;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.eif.EifReader;
import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.BuildException;
import dev.attested.enclave.EifBuild;
import dev.attested.pcr.PcrManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example of docs/library.md, "Building an EIF from Java", kept compiling and passing here. */
class LibraryExampleTest {
    @TempDir
    Path dir;

    /** docs/library.md, verbatim between the markers. */
    private static EnclaveBuild.Result example(Path project, Path appJar, List<Path> dependencyJars, Path blobsDir,
            Path outputDir) {
        // --- docs/library.md example ---
        ImageSource.JavaApplication app = new ImageSource.JavaApplication(
                Optional.of(appJar),                              // -> /app/app-1.0.jar
                dependencyJars,                                   // -> /app/lib/<file name>
                new Launch.MainClass("com.example.Main"),         // java -cp /app/app-1.0.jar:/app/lib/* com.example.Main
                BaseImage.parse("tar://base/jre.tar", project),   // or "scratch", or "name@sha256:<64 hex>"
                Optional.of(project.resolve("src/main/enclave")), // extra files at the image root
                Map.of("APP_MODE", "enclave"));

        EnclaveBuild.Request request = EnclaveBuild.Request.builder(
                        app,
                        BootBlobs.load(blobsDir),
                        new EifBuild.BuildTool("attested", "1.0"),    // recorded in the EIF metadata and the manifest
                        outputDir,
                        "app-1.0")                                    // app-1.0.eif, app-1.0-image.tar
                .imageName("app", "1.0")
                .buildTime(Instant.parse("2026-01-01T00:00:00Z"))     // never the wall clock
                .projectDirectory(project)
                .build();

        EnclaveBuild.Result result = EnclaveBuild.build(request);
        PcrManifest manifest = result.eif().manifest();               // also written as pcr-manifest.json
        System.out.println("PCR0 " + manifest.pcrs().get(0));
        // --- end of example ---
        return result;
    }

    private Path project() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        DockerSaveTarball.withOneFile(Files.createDirectories(project.resolve("base")).resolve("jre.tar"),
                "usr/bin/java", "#!/bin/sh\n");
        Files.createDirectories(project.resolve("src/main/enclave/etc"));
        Files.writeString(project.resolve("src/main/enclave/etc/app.conf"), "mode=enclave\n");
        return project;
    }

    @Test
    void theDocumentedExampleBuildsTheEifTheManifestDescribes() throws Exception {
        Path project = project();
        Path jar = TestJars.write(dir.resolve("app-1.0.jar"), 0755, 0644, "Main");
        Path dep = TestJars.write(dir.resolve("lib-2.0.jar"), 0755, 0644, "Lib");
        Path blobs = FakeBlobs.create(dir.resolve("blobs"));

        EnclaveBuild.Result a = example(project, jar, List.of(dep), blobs, dir.resolve("a"));
        PcrManifest m = a.eif().manifest();
        assertEquals(dir.resolve("a/app-1.0.eif"), a.eif().eif());
        assertEquals(dir.resolve("a/app-1.0-image.tar"), a.image().orElseThrow().tarball());
        assertEquals(m.pcrValues(), EifReader.read(a.eif().eif()).measurements().asMap());
        assertEquals(Map.of("attested", "1.0"), m.tools(), "the caller's tool, nothing of the machine");
        assertEquals("native", m.mode());
        assertEquals("tar://base/jre.tar", m.image().base(), "a base inside the project is recorded relative to it");
        assertEquals(a.image().get().digest(), m.image().digest());
        assertEquals(List.of("java", "-cp", "/app/app-1.0.jar:/app/lib/*", "com.example.Main"),
                a.eif().imageConfig().entrypoint());

        // Same inputs elsewhere: the same bytes.
        EnclaveBuild.Result b = example(project, jar, List.of(dep), blobs, dir.resolve("b"));
        assertArrayEquals(Files.readAllBytes(a.eif().eif()), Files.readAllBytes(b.eif().eif()));
        assertArrayEquals(Files.readAllBytes(a.eif().manifestFile()), Files.readAllBytes(b.eif().manifestFile()));
    }

    @Test
    void aReadyImageTarballIsUsedAsItIsAndRecordedByContent() throws Exception {
        Path project = project();
        Path blobs = FakeBlobs.create(dir.resolve("blobs"));
        EnclaveBuild.Result built = example(project, TestJars.write(dir.resolve("app-1.0.jar"), 0755, 0644, "Main"),
                List.of(), blobs, dir.resolve("a"));
        Path tarball = built.image().orElseThrow().tarball();

        EnclaveBuild.Result ready = EnclaveBuild.build(EnclaveBuild.Request.builder(new ImageSource.ImageTarball(tarball),
                        BootBlobs.load(blobs), new EifBuild.BuildTool("attested", "1.0"), dir.resolve("r"), "app-1.0")
                .imageName("app", "1.0").buildTime(Instant.parse("2026-01-01T00:00:00Z")).projectDirectory(project)
                .build());
        assertTrue(ready.image().isEmpty());
        assertEquals(built.eif().manifest().pcrs(), ready.eif().manifest().pcrs(), "same image, same PCRs");
        assertEquals(null, ready.eif().manifest().image().digest());
        assertTrue(ready.eif().manifest().image().tarball() != null, "the tarball is described by content");
    }

    @Test
    void nitroCliIsOnlyForAnImageBuiltHere() throws Exception {
        Path blobs = FakeBlobs.create(dir.resolve("blobs"));
        BuildException e = assertThrows(BuildException.class, () -> EnclaveBuild.Request.builder(
                        new ImageSource.ImageTarball(dir.resolve("image.tar")), BootBlobs.load(blobs),
                        new EifBuild.BuildTool("attested", "1.0"), dir.resolve("out"), "app-1.0")
                .backend(new EnclaveBuild.NitroCli("nitro-cli", Optional.empty(), Duration.ofMinutes(1))).build());
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
    }

    @Test
    void javaOnScratchFailsBeforeAnyFileIsWritten() throws Exception {
        Path jar = TestJars.write(dir.resolve("app-1.0.jar"), 0755, 0644, "Main");
        EnclaveBuild.Request request = EnclaveBuild.Request.builder(ImageSource.JavaApplication.of(jar, BaseImage.SCRATCH),
                BootBlobs.load(FakeBlobs.create(dir.resolve("blobs"))), new EifBuild.BuildTool("attested", "1.0"),
                dir.resolve("out"), "app-1.0").build();
        BuildException e = assertThrows(BuildException.class, () -> EnclaveBuild.build(request));
        assertEquals(BuildException.Code.ENTRYPOINT_NOT_IN_IMAGE, e.code());
        assertTrue(!Files.exists(dir.resolve("out")) || Files.list(dir.resolve("out")).findAny().isEmpty());
    }
}

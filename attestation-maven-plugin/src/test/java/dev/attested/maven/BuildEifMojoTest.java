package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildEifMojoTest {
    @TempDir
    Path dir;

    /** Collects info and warn lines. */
    static final class Lines extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            lines.add(content.toString());
        }

        @Override
        public void warn(CharSequence content) {
            lines.add("WARN " + content);
        }
    }

    private List<String> outputFiles(Path project) throws IOException {
        Path out = project.resolve("target/attestation");
        if (!Files.exists(out)) {
            return List.of();
        }
        try (var s = Files.list(out)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("work")).sorted().toList();
        }
    }

    @Test
    void buildWritesEifManifestAndImageAndTheLogEndsWithThePcrTable() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        Lines log = new Lines();
        mojo.setLog(log);
        mojo.execute();
        assertEquals(List.of("app-1.0-image.tar", "app-1.0.eif", "pcr-manifest.json"), outputFiles(project));
        PcrManifest m = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json"));
        assertTrue(m.image().digest().startsWith("sha256:"));
        assertEquals("tar://base/jre.tar", m.image().base());
        List<String> tail = log.lines.subList(log.lines.size() - 7, log.lines.size());
        assertTrue(tail.get(1).startsWith("| PCR  | SHA384"), tail.toString());
        assertEquals("| PCR0 | " + m.pcrs().get(0) + " |", tail.get(3));
        assertEquals("| PCR2 | " + m.pcrs().get(2) + " |", tail.get(5));
        assertEquals("| PCR1 | " + m.pcrs().get(1) + " |", tail.get(4));
        assertTrue(tail.get(6).startsWith("+------+"), "the table closes the log");
    }

    @Test
    void tarBaseIsRecordedByContentAndByItsPathInTheProject() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.setLog(new Lines());
        mojo.execute();
        PcrManifest.Image image = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json")).image();
        Path base = project.resolve("base/jre.tar");
        assertEquals("tar://base/jre.tar", image.base());
        assertEquals("base/jre.tar", image.baseTarball().path());
        assertEquals(sha256(Files.readAllBytes(base)), image.baseTarball().sha256());
        assertEquals("sha256:" + sha256(entry(base, "config.json")), image.baseTarball().config());
        assertEquals(List.of("sha256:" + sha256(entry(base, "layer/layer.tar"))), image.baseTarball().layers());
        assertEquals(null, image.tarball());
    }

    /** {@code tar://${project.basedir}/base/x.tar} used to put the checkout's directory into the manifest. */
    @Test
    void absoluteAndRelativeTarBaseGiveTheSameManifestInAnyDirectory() throws Exception {
        Path a = MojoProjects.create(dir.resolve("first"));
        Path b = MojoProjects.create(dir.resolve("elsewhere/second"));
        BuildEifMojo relative = MojoProjects.mojo(a);
        relative.setLog(new Lines());
        relative.execute();
        BuildEifMojo absolute = MojoProjects.mojo(b);
        absolute.baseImage = "tar://" + b.resolve("base/jre.tar");
        absolute.setLog(new Lines());
        absolute.execute();
        assertEquals(Files.readString(a.resolve("target/attestation/pcr-manifest.json")),
                Files.readString(b.resolve("target/attestation/pcr-manifest.json")));
        assertFalse(Files.readString(b.resolve("target/attestation/pcr-manifest.json")).contains(dir.toString()),
                "no build machine path in the manifest");
    }

    /** A relative tar:// base is the project's file even when Maven runs elsewhere ({@code mvn -f other/pom.xml}). */
    @Test
    void relativeTarBaseResolvesAgainstTheProjectNotTheWorkingDirectory() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        assertFalse(Files.exists(Path.of("base/jre.tar")), "the working directory has no such file");
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.setLog(new Lines());
        mojo.execute();
        assertTrue(Files.isRegularFile(project.resolve("target/attestation/app-1.0.eif")));
    }

    @Test
    void tarBaseOutsideTheProjectIsRecordedWithoutAPath() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        Path outside = Files.copy(project.resolve("base/jre.tar"), dir.resolve("shared-jre.tar"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.baseImage = "tar://" + outside;
        mojo.setLog(new Lines());
        mojo.execute();
        String json = Files.readString(project.resolve("target/attestation/pcr-manifest.json"));
        PcrManifest.Image image = PcrManifest.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "m").image();
        assertEquals(null, image.base());
        assertEquals(null, image.baseTarball().path());
        assertEquals(sha256(Files.readAllBytes(outside)), image.baseTarball().sha256());
        assertFalse(json.contains(dir.toString()), json);
    }

    @Test
    void readyImageTarballIsRecordedByContent() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo first = MojoProjects.mojo(project);
        first.setLog(new Lines());
        first.execute();
        Path ready = Files.copy(project.resolve("target/attestation/app-1.0-image.tar"), project.resolve("image.tar"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.imageTarball = ready.toFile();
        mojo.setLog(new Lines());
        mojo.execute();
        PcrManifest.Image image = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json")).image();
        assertEquals("image.tar", image.tarball().path());
        assertEquals(sha256(Files.readAllBytes(ready)), image.tarball().sha256());
        assertEquals(4, image.tarball().layers().size(), "base, dependencies, application, extra files");
        assertTrue(image.tarball().config().matches("sha256:[0-9a-f]{64}"));
        assertEquals(null, image.base());
    }

    @Test
    void manifestRecordsNoJdkOfTheMachineThatRanTheBuild() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.setLog(new Lines());
        mojo.execute();
        PcrManifest m = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json"));
        assertEquals(java.util.Set.of("attestation-maven-plugin"), m.tools().keySet());
    }

    @Test
    void scratchWithAJavaCommandFailsWithEntrypointNotInImageAndNoFiles() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.baseImage = "scratch";
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("ENTRYPOINT_NOT_IN_IMAGE"), e.getMessage());
        assertTrue(e.getMessage().contains("without a Java runtime") && e.getMessage().contains("tar://base/jre.tar")
                && e.getMessage().contains("@sha256:"), e.getMessage());
        assertEquals(List.of(), outputFiles(project));
    }

    @Test
    void scratchWithAProgramFromExtraFilesBuilds() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        Files.createDirectories(project.resolve("src/main/enclave/bin"));
        Files.writeString(project.resolve("src/main/enclave/bin/server"), "#!/bin/sh\n");
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.baseImage = "scratch";
        mojo.entrypoint = List.of("server", "--port=5000");
        mojo.setLog(new Lines());
        mojo.execute();
        assertEquals("scratch", PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json")).image().base());

        mojo.entrypoint = List.of("/bin/other");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("ENTRYPOINT_NOT_IN_IMAGE") && e.getMessage().contains("/bin/other"),
                e.getMessage());
    }

    @Test
    void missingOutputTimestampIsWarnedLoudlyWithTheLineToAdd() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.projectOutputTimestamp = null;
        Lines log = new Lines();
        mojo.setLog(log);
        mojo.execute();
        assertTrue(log.lines.contains("WARN project.build.outputTimestamp is not set: this EIF is NOT reproducible."),
                log.lines.toString());
        assertTrue(log.lines.contains(
                "WARN     <project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp>"),
                log.lines.toString());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("WARN maven-jar-plugin writes the current time")),
                log.lines.toString());

        BuildEifMojo set = MojoProjects.mojo(project);
        Lines quiet = new Lines();
        set.setLog(quiet);
        set.execute();
        assertTrue(quiet.lines.stream().noneMatch(l -> l.startsWith("WARN")), quiet.lines.toString());
    }

    @Test
    void jarRecordingTheJdkThatRunsMavenIsWarnedUnlessThePomPinsIt() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        try (var z = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(
                project.resolve("target/app-1.0.jar").toFile())) {
            z.putArchiveEntry(new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("META-INF/MANIFEST.MF"));
            z.write("Manifest-Version: 1.0\r\nBuild-Jdk-Spec: 25\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeArchiveEntry();
        }
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.project.getProperties().setProperty("maven.compiler.release", "17");
        Lines log = new Lines();
        mojo.setLog(log);
        mojo.execute();
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("WARN The application jar records the JDK that runs Maven"
                + " (Build-Jdk-Spec: 25") && l.contains("<Build-Jdk-Spec>17</Build-Jdk-Spec>")), log.lines.toString());

        org.apache.maven.model.Plugin jar = new org.apache.maven.model.Plugin();
        jar.setArtifactId("maven-jar-plugin");
        jar.setConfiguration(org.codehaus.plexus.util.xml.Xpp3DomBuilder.build(new java.io.StringReader(
                "<configuration><archive><manifestEntries><Build-Jdk-Spec>17</Build-Jdk-Spec></manifestEntries>"
                        + "</archive></configuration>")));
        BuildEifMojo pinned = MojoProjects.mojo(project);
        pinned.project.getBuild().addPlugin(jar);
        Lines quiet = new Lines();
        pinned.setLog(quiet);
        pinned.execute();
        assertTrue(quiet.lines.stream().noneMatch(l -> l.startsWith("WARN")), quiet.lines.toString());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] entry(Path tar, String name) throws IOException {
        try (var t = new org.apache.commons.compress.archivers.tar.TarFile(tar)) {
            for (var e : t.getEntries()) {
                if (e.getName().equals(name)) {
                    try (var in = t.getInputStream(e)) {
                        return in.readAllBytes();
                    }
                }
            }
        }
        throw new IOException(name + " not in " + tar);
    }

    @Test
    void eifMetadataCarriesProjectNameVersionAndTheOutputTimestamp() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.setLog(new Lines());
        mojo.execute();
        dev.attested.eif.EifImage eif = dev.attested.eif.EifReader.read(project.resolve("target/attestation/app-1.0.eif"));
        assertEquals("app", eif.metadata().imageName());
        assertEquals("1.0", eif.metadata().imageVersion());
        assertEquals("2026-01-01T00:00:00+00:00", eif.metadata().buildMetadata().buildTime());
        assertEquals("Linux", eif.metadata().buildMetadata().operatingSystem());
        assertEquals("4.14.256", eif.metadata().buildMetadata().kernelVersion());
    }

    @Test
    void explicitKernelCmdlineAndRamdisksBuildWithoutBlobsOrImage() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.setLog(new Lines());
        mojo.blobs = "/nonexistent";
        mojo.kernel = Files.writeString(dir.resolve("vmlinuz"), "KERNEL-BYTES").toFile();
        mojo.cmdline = "console=ttyS0";
        mojo.ramdisks = List.of(Files.writeString(dir.resolve("r0.cpio"), "RAMDISK-0").toFile(),
                Files.writeString(dir.resolve("r1.cpio"), "RAMDISK-1-APP").toFile());
        mojo.execute();
        PcrManifest m = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json"));
        assertEquals("explicit", m.mode());
        assertEquals(dev.attested.pcr.Pcr.ofContent("RAMDISK-1-APP".getBytes()).hex(), m.pcrs().get(2));
        assertEquals(List.of("app-1.0.eif", "pcr-manifest.json"), outputFiles(project), "no image is built");
    }

    @Test
    void missingBlobsFailWithBlobsNotFoundAndNoFiles() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.blobs = project.resolve("no-blobs").toString();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("BLOBS_NOT_FOUND"), e.getMessage());
        assertEquals(List.of(), outputFiles(project));
    }

    @Test
    void incompleteBlobsNameWhatIsMissing() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        Files.delete(project.resolve("blobs/init"));
        MojoFailureException e = assertThrows(MojoFailureException.class, MojoProjects.mojo(project)::execute);
        assertTrue(e.getMessage().startsWith("BLOBS_INCOMPLETE") && e.getMessage().contains("init"), e.getMessage());
        assertEquals(List.of(), outputFiles(project));
    }

    @Test
    void unpinnedBaseImageFailsBeforeAnythingIsWritten() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.baseImage = "eclipse-temurin:25-jre";
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("BASE_IMAGE_INVALID"), e.getMessage());
        assertEquals(List.of(), outputFiles(project));
    }

    @Test
    void unreadableImageTarballFailsWithImageUnreadable() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.imageTarball = Files.writeString(project.resolve("broken.tar"), "garbage".repeat(100)).toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("IMAGE_UNREADABLE"), e.getMessage());
        assertEquals(List.of(), outputFiles(project));
    }

    @Test
    void skipDoesNothing() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.skip = true;
        mojo.blobs = "/nonexistent";
        mojo.execute();
        assertEquals(List.of(), outputFiles(project));
    }

    private static Path script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /**
     * mode=nitro-cli against scripted stand-ins: a docker that accepts Jib's load, and a nitro-cli that writes
     * the EIF of a native build and prints its PCRs. The plugin re-measures the file and compares.
     */
    @Test
    void nitroCliModeLoadsIntoDockerRunsNitroCliAndChecksItsPcrs() throws Exception {
        Path reference = MojoProjects.create(dir.resolve("ref"));
        MojoProjects.mojo(reference).execute();
        PcrManifest expected = PcrManifest.read(reference.resolve("target/attestation/pcr-manifest.json"));

        Path project = MojoProjects.create(dir.resolve("p"));
        Path docker = script(dir.resolve("docker"), "case \"$1\" in\n"
                + "  info) echo '{\"OSType\":\"linux\",\"Architecture\":\"x86_64\"}' ;;\n"
                + "  load) cat > " + dir.resolve("loaded.tar") + "; echo 'Loaded image: app:1.0' ;;\n"
                + "  *) echo \"unexpected docker $*\" >&2; exit 1 ;;\nesac\n");
        Path nitro = script(dir.resolve("nitro-cli"), "if [ \"$1\" = --version ]; then echo 'Nitro CLI 1.4.2'; exit 0; fi\n"
                + "while [ $# -gt 0 ]; do if [ \"$1\" = --output-file ]; then out=$2; fi; shift; done\n"
                + "cp " + reference.resolve("target/attestation/app-1.0.eif") + " \"$out\"\n"
                + "printf '{\"Measurements\":{\"HashAlgorithm\":\"Sha384 { ... }\",\"PCR0\":\"%s\",\"PCR1\":\"%s\",\"PCR2\":\"%s\"}}\\n' "
                + expected.pcrs().get(0) + " " + expected.pcrs().get(1) + " " + expected.pcrs().get(2) + "\n");
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.mode = "nitro-cli";
        mojo.docker = docker.toFile();
        mojo.nitroCli = nitro.toString();
        Lines log = new Lines();
        mojo.setLog(log);
        mojo.execute();
        assertTrue(Files.size(dir.resolve("loaded.tar")) > 0, "Jib streamed the image to docker load");
        PcrManifest m = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json"));
        assertEquals("nitro-cli", m.mode());
        assertEquals("Nitro CLI 1.4.2", m.tools().get("nitro-cli"));
        assertEquals(expected.pcrs(), m.pcrs());
        assertTrue(log.lines.contains("The native build of the same image gives the same PCRs as nitro-cli."),
                log.lines.toString());
    }

    @Test
    void nitroCliErrorIsSurfacedWithItsCode() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        Path docker = script(dir.resolve("docker"), "case \"$1\" in\n"
                + "  info) echo '{\"OSType\":\"linux\",\"Architecture\":\"x86_64\"}' ;;\n"
                + "  load) cat > /dev/null; echo 'Loaded image: app:1.0' ;;\nesac\n");
        Path nitro = script(dir.resolve("nitro-cli"), "if [ \"$1\" = --version ]; then echo 'Nitro CLI 1.4.2'; exit 0; fi\n"
                + "echo '[ E50 ] Docker image pull error.' >&2; exit 50\n");
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.mode = "nitro-cli";
        mojo.docker = docker.toFile();
        mojo.nitroCli = nitro.toString();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().contains("E50 (exit status 50)"), e.getMessage());
        assertFalse(Files.exists(project.resolve("target/attestation/app-1.0.eif")));
    }

    @Test
    void failedDockerLoadIsImageBuildFailedAndNitroCliIsNotRun() throws Exception {
        Path project = MojoProjects.create(dir.resolve("p"));
        Path docker = script(dir.resolve("docker"), "case \"$1\" in\n"
                + "  info) echo '{\"OSType\":\"linux\",\"Architecture\":\"x86_64\"}' ;;\n"
                + "  load) cat > /dev/null; echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock' >&2; exit 1 ;;\nesac\n");
        Path nitro = script(dir.resolve("nitro-cli"), "touch " + dir.resolve("nitro-cli-ran") + "\nexit 0\n");
        BuildEifMojo mojo = MojoProjects.mojo(project);
        mojo.mode = "nitro-cli";
        mojo.docker = docker.toFile();
        mojo.nitroCli = nitro.toString();
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("IMAGE_BUILD_FAILED") && e.getMessage().contains("Docker"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("nitro-cli-ran")));
        assertFalse(Files.exists(project.resolve("target/attestation/app-1.0.eif")));
    }
}

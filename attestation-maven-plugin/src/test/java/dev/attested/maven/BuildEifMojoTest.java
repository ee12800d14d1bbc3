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
        assertEquals("scratch", m.image().base());
        List<String> tail = log.lines.subList(log.lines.size() - 7, log.lines.size());
        assertTrue(tail.get(1).startsWith("| PCR  | SHA384"), tail.toString());
        assertEquals("| PCR0 | " + m.pcrs().get(0) + " |", tail.get(3));
        assertEquals("| PCR2 | " + m.pcrs().get(2) + " |", tail.get(5));
        assertEquals("| PCR1 | " + m.pcrs().get(1) + " |", tail.get(4));
        assertTrue(tail.get(6).startsWith("+------+"), "the table closes the log");
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

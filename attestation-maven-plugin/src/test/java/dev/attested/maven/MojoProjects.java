package dev.attested.maven;

import dev.attested.testkit.TestJars;
import dev.attested.testkit.DockerSaveTarball;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.model.Model;
import org.apache.maven.project.MavenProject;

/** Small on-disk projects and a configured {@link BuildEifMojo} for tests, without a Maven runtime. */
final class MojoProjects {
    static final String CMDLINE = "reboot=k panic=30 pci=off nomodules console=ttyS0 i8042.noaux i8042.nomux "
            + "i8042.nopnp i8042.dumbkbd random.trust_cpu=on";

    private MojoProjects() {}

    /** The base image of these projects, inside the project as a user would keep it. */
    static final String BASE = "tar://base/jre.tar";

    /**
     * A project directory: target/app-1.0.jar, lib/dep-2.0.jar, src/main/enclave/etc/app.conf, blobs/, and
     * base/jre.tar (a docker-save base with /usr/bin/java).
     */
    static Path create(Path dir) throws IOException {
        return create(dir, 0755, 0644);
    }

    /** A project whose jars record the given permissions (what a different umask gives). */
    static Path create(Path dir, int dirMode, int fileMode) throws IOException {
        Files.createDirectories(dir.resolve("target"));
        Files.createDirectories(dir.resolve("lib"));
        Files.createDirectories(dir.resolve("src/main/enclave/etc"));
        TestJars.write(dir.resolve("target/app-1.0.jar"), dirMode, fileMode, "Main");
        TestJars.write(dir.resolve("lib/dep-2.0.jar"), dirMode, fileMode, "Dep");
        Files.writeString(dir.resolve("src/main/enclave/etc/app.conf"), "port=5000\n");
        Files.createDirectories(dir.resolve("base"));
        try {
            DockerSaveTarball.withOneFile(dir.resolve("base/jre.tar"), "usr/bin/java", "#!/bin/sh\necho java stand-in\n");
        } catch (Exception e) {
            throw new IOException(e);
        }
        Path blobs = Files.createDirectories(dir.resolve("blobs"));
        byte[] kernel = new byte[32 * 1024];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (byte) (i * 13 + 1);
        }
        Files.write(blobs.resolve("bzImage"), kernel);
        Files.writeString(blobs.resolve("bzImage.config"),
                "#\n# Automatically generated file; DO NOT EDIT.\n# Linux/x86_64 4.14.256-209.484.amzn2.x86_64 Kernel Configuration\n");
        Files.writeString(blobs.resolve("cmdline"), CMDLINE + "\n");
        Files.write(blobs.resolve("init"), bytes("\u007fELF init stand-in"));
        Files.write(blobs.resolve("nsm.ko"), bytes("\u007fELF nsm.ko stand-in"));
        return dir;
    }

    static BuildEifMojo mojo(Path dir) {
        Model model = new Model();
        model.setGroupId("com.example");
        model.setArtifactId("app");
        model.setVersion("1.0");
        model.setPackaging("jar");
        MavenProject project = new MavenProject(model);
        project.setFile(dir.resolve("pom.xml").toFile()); // the base directory: tar:// bases resolve against it
        DefaultArtifact main = new DefaultArtifact("com.example", "app", "1.0", "compile", "jar", null,
                new DefaultArtifactHandler("jar"));
        main.setFile(dir.resolve("target/app-1.0.jar").toFile());
        project.setArtifact(main);
        DefaultArtifact dep = new DefaultArtifact("com.example", "dep", "2.0", "runtime", "jar", null,
                new DefaultArtifactHandler("jar"));
        dep.setFile(dir.resolve("lib/dep-2.0.jar").toFile());
        project.setArtifacts(new java.util.LinkedHashSet<>(List.of(dep)));
        BuildEifMojo m = new BuildEifMojo(null); // blobs are a directory: no repository needed
        m.project = project;
        m.mode = "native";
        m.blobs = dir.resolve("blobs").toString();
        m.baseImage = BASE;
        m.mainClass = "com.example.Main";
        m.extraFiles = dir.resolve("src/main/enclave").toFile();
        m.imageName = "app";
        m.imageVersion = "1.0";
        m.outputTimestamp = "2026-01-01T00:00:00Z";
        m.projectOutputTimestamp = "2026-01-01T00:00:00Z";
        m.outputDirectory = new File(dir.resolve("target/attestation").toString());
        m.nitroCli = "nitro-cli";
        return m;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}

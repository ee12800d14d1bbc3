package dev.attested.maven;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A nested Maven build for the {@code it/} verify scripts, when a step needs inputs only known after the
 * invoker's own invocations (e.g. a simulated attestation document carrying the PCRs the build produced). Uses the
 * Maven and JDK running the invoker, the invoker's local repository (with the plugin under test) and
 * {@code it/settings.xml} pointed at the outer local repository.
 */
public final class ItMaven {
    private final Path settings;
    private final String localRepository;

    /**
     * @param repoRoot        this repository's root (holds {@code it/settings.xml})
     * @param outerRepository the outer build's local repository
     * @param localRepository the invoker's local repository
     * @param workDir         where to write the settings file
     */
    public ItMaven(File repoRoot, String outerRepository, String localRepository, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        this.settings = workDir.resolve("settings.xml");
        String template = Files.readString(repoRoot.toPath().resolve("it/settings.xml"), StandardCharsets.UTF_8);
        Files.writeString(settings, template.replace("@localRepositoryUrl@", new File(outerRepository).toURI().toString()));
        this.localRepository = localRepository;
    }

    /** Exit status and output of one build. */
    public record Result(int exitCode, String output) {}

    /** Runs {@code mvn -B -ntp <args>} in {@code dir}; the output also goes to {@code log}. */
    public Result run(Path dir, Path log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("maven.home"), "bin", "mvn").toString());
        cmd.addAll(List.of("-B", "-ntp", "-s", settings.toString(), "-Dmaven.repo.local=" + localRepository));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("nested build did not finish: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}

package dev.attested.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code git} for tests and the {@code it/} scripts: a fixed identity, no user or system configuration (so a
 * developer's signing or hooks settings cannot change the result), failures as exceptions with git's output.
 */
public final class ItGit {
    /** Keeps git away from the user's and the system's configuration (signing, hooks, default branch). */
    public static final Map<String, String> ISOLATED = Map.of("GIT_CONFIG_NOSYSTEM", "1", "GIT_CONFIG_GLOBAL", "/dev/null");

    /** {@link #ISOLATED} with a fixed identity. */
    public static final Map<String, String> ENV = Map.of("GIT_CONFIG_NOSYSTEM", "1", "GIT_CONFIG_GLOBAL", "/dev/null",
            "GIT_AUTHOR_NAME", "Release Test", "GIT_AUTHOR_EMAIL", "release-test@example.invalid",
            "GIT_COMMITTER_NAME", "Release Test", "GIT_COMMITTER_EMAIL", "release-test@example.invalid");

    private ItGit() {}

    /** Runs {@code git -C dir args...} and returns its output (trimmed). */
    public static String run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "commit.gpgsign=false",
                "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(ENV);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException(cmd + " did not finish");
        }
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " exited with " + p.exitValue() + ": " + out);
        }
        return out.trim();
    }

    /** Makes {@code dir} a fresh repository on {@code main} holding all its files in one commit; returns it. */
    public static String initAndCommit(Path dir, String message) throws IOException, InterruptedException {
        run(dir, "init", "-q");
        run(dir, "add", "-A");
        run(dir, "commit", "-q", "-m", message);
        return run(dir, "rev-parse", "HEAD");
    }
}

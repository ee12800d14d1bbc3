package dev.attested.maven;

import dev.attested.release.ReleaseException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.maven.execution.MavenSession;

/**
 * Runs the project's own build in a forked Maven on a copy of the checkout (without {@code target/} and
 * {@code .git/}), so a reproduction never touches the user's build output and starts from the source alone.
 */
final class ReproduceBuild {
    private static final Set<String> EXCLUDED = Set.of("target", ".git", ".idea", ".vscode");

    /**
     * @param root       the checkout to copy
     * @param copy       where to copy it (emptied first)
     * @param executable Maven launcher to run; null = {@code mvnw} of the checkout if present, else
     *                   {@code ${maven.home}/bin/mvn}
     * @param arguments  goals, {@code -D} options and flags after the launcher
     * @param log        the forked build's output
     */
    record Request(Path root, Path copy, String executable, List<String> arguments, Path log, long timeoutMinutes) {}

    private ReproduceBuild() {}

    /** Copies the checkout and runs the build; throws {@code REPRODUCE_BUILD_FAILED} if Maven does not exit 0. */
    static List<String> run(Request r) {
        List<String> command = new ArrayList<>();
        try {
            deleteTree(r.copy());
            copyTree(r.root(), r.copy());
            command.add(launcher(r));
            command.addAll(r.arguments());
            Files.createDirectories(r.log().getParent());
            ProcessBuilder pb = new ProcessBuilder(command).directory(r.copy().toFile())
                    .redirectErrorStream(true).redirectOutput(r.log().toFile());
            Map<String, String> env = pb.environment();
            env.put("JAVA_HOME", System.getProperty("java.home"));
            env.remove("MAVEN_ARGS");
            Process p = pb.start();
            if (!p.waitFor(r.timeoutMinutes(), TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new ReleaseException(ReleaseException.Code.REPRODUCE_BUILD_FAILED,
                        "the rebuild did not finish within " + r.timeoutMinutes() + " minutes; log: " + r.log());
            }
            if (p.exitValue() != 0) {
                throw new ReleaseException(ReleaseException.Code.REPRODUCE_BUILD_FAILED,
                        "the rebuild (" + String.join(" ", command) + ") exited with " + p.exitValue()
                                + ". Last lines of " + r.log() + ":\n" + tail(r.log(), 25));
            }
            return command;
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.REPRODUCE_BUILD_FAILED,
                    "cannot run the rebuild " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReleaseException(ReleaseException.Code.REPRODUCE_BUILD_FAILED, "interrupted", e);
        }
    }

    /**
     * The rebuild's arguments: batch mode, offline/settings/local repository of this session, the module (with
     * what it needs) when not the top level, {@code goals}, the published output timestamp, recursion guard,
     * blobs and extra arguments.
     */
    static List<String> arguments(MavenSession session, String outputTimestamp, String module, List<String> goals,
            String blobs, List<String> extra) {
        List<String> args = new ArrayList<>();
        args.add("-B");
        if (session.isOffline()) {
            args.add("-o");
        }
        File settings = session.getRequest().getUserSettingsFile();
        if (settings != null && settings.isFile()) {
            args.add("-s");
            args.add(settings.getAbsolutePath());
        }
        args.add("-Dmaven.repo.local=" + session.getRepositorySession().getLocalRepository().getBasedir());
        if (!module.isEmpty()) {
            args.add("-pl");
            args.add(module);
            args.add("-am");
        }
        args.addAll(goals);
        args.add("-Dproject.build.outputTimestamp=" + outputTimestamp);
        args.add("-Dattestation.reproduce.skip=true");
        if (blobs != null && !blobs.isBlank()) {
            // The rebuild runs in the copy: a blobs directory given relative to where the user ran Maven is made
            // absolute (Maven coordinates and absolute paths pass through unchanged).
            File dir = new File(blobs.trim());
            args.add("-Dattestation.blobs=" + (!dir.isAbsolute() && dir.isDirectory() ? dir.getAbsolutePath() : blobs.trim()));
        }
        if (extra != null) {
            args.addAll(extra);
        }
        return args;
    }

    private static String launcher(Request r) {
        if (r.executable() != null && !r.executable().isBlank()) {
            return r.executable();
        }
        boolean windows = File.separatorChar == '\\';
        Path wrapper = r.copy().resolve(windows ? "mvnw.cmd" : "mvnw");
        if (Files.isRegularFile(wrapper) && Files.isDirectory(r.copy().resolve(".mvn/wrapper"))) {
            return wrapper.toAbsolutePath().toString();
        }
        String home = System.getProperty("maven.home");
        if (home == null) {
            throw new ReleaseException(ReleaseException.Code.REPRODUCE_BUILD_FAILED,
                    "no mvnw in the checkout and maven.home is not set: pass -Dattestation.reproduce.maven=<path to mvn>");
        }
        return Path.of(home, "bin", windows ? "mvn.cmd" : "mvn").toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Path stop = to.toAbsolutePath().normalize();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(from) && (EXCLUDED.contains(dir.getFileName().toString())
                        || dir.toAbsolutePath().normalize().startsWith(stop))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(log unreadable: " + e + ")";
        }
    }
}

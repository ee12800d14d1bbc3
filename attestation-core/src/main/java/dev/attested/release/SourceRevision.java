package dev.attested.release;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The commit checked out in a Git working tree, read from {@code .git} directly (no {@code git} process):
 * {@code HEAD} → loose ref or {@code packed-refs}; linked worktrees ({@code .git} file with {@code gitdir:})
 * and their {@code commondir} are followed.
 *
 * @param commit 40 (or 64 for SHA-256 repositories) lower-case hex digits
 * @param ref    the branch HEAD points at ({@code refs/heads/main}), or null for a detached HEAD
 */
public record SourceRevision(String commit, String ref) {
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");
    private static final int MAX_FILE = 1 << 20;

    /** Finds the repository containing {@code dir} (walking up) and reads its HEAD; empty when there is none. */
    public static Optional<SourceRevision> find(Path dir) {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            Path dotGit = d.resolve(".git");
            if (Files.exists(dotGit)) {
                return read(dotGit);
            }
        }
        return Optional.empty();
    }

    /** Reads HEAD of a {@code .git} directory or {@code .git} file; empty if it cannot be resolved. */
    public static Optional<SourceRevision> read(Path dotGit) {
        try {
            Path gitDir = dotGit;
            if (Files.isRegularFile(dotGit)) {
                String line = firstLine(dotGit);
                if (line == null || !line.startsWith("gitdir:")) {
                    return Optional.empty();
                }
                gitDir = dotGit.getParent().resolve(line.substring("gitdir:".length()).trim()).normalize();
            }
            Path commonDir = gitDir;
            Path commonFile = gitDir.resolve("commondir");
            if (Files.isRegularFile(commonFile)) {
                commonDir = gitDir.resolve(firstLine(commonFile)).normalize();
            }
            String head = firstLine(gitDir.resolve("HEAD"));
            if (head == null) {
                return Optional.empty();
            }
            if (OBJECT_ID.matcher(head).matches()) {
                return Optional.of(new SourceRevision(head, null));
            }
            if (!head.startsWith("ref:")) {
                return Optional.empty();
            }
            String ref = head.substring(4).trim();
            if (ref.contains("..")) {
                return Optional.empty();
            }
            for (Path base : List.of(gitDir, commonDir)) {
                Path loose = base.resolve(ref);
                if (Files.isRegularFile(loose)) {
                    String id = firstLine(loose);
                    if (id != null && OBJECT_ID.matcher(id).matches()) {
                        return Optional.of(new SourceRevision(id, ref));
                    }
                }
            }
            Path packed = commonDir.resolve("packed-refs");
            if (Files.isRegularFile(packed) && Files.size(packed) < 64L * MAX_FILE) {
                for (String line : Files.readAllLines(packed, StandardCharsets.UTF_8)) {
                    String[] parts = line.split(" ", 2);
                    if (parts.length == 2 && parts[1].equals(ref) && OBJECT_ID.matcher(parts[0]).matches()) {
                        return Optional.of(new SourceRevision(parts[0], ref));
                    }
                }
            }
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String firstLine(Path file) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) > MAX_FILE) {
            return null;
        }
        String s = Files.readString(file, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}

package dev.attested.release;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a release is built from: the commit checked out and whether the working tree still equals it, asked of
 * {@code git} itself ({@code git status --porcelain=v2 --branch -z}). A release records a commit; consumers are sent
 * to that commit to rebuild it, so uncommitted changes to tracked files make the release unreproducible from what
 * it names. Untracked files are listed (they may or may not be read by the build) but do not make the tree dirty.
 *
 * <p>Fails closed: without {@code allowDirty}, a dirty tree ({@link ReleaseException.Code#RELEASE_DIRTY_TREE}), a
 * project outside a Git checkout ({@link ReleaseException.Code#RELEASE_NOT_A_CHECKOUT}) and a missing or failing
 * {@code git} ({@link ReleaseException.Code#RELEASE_GIT_FAILED}) are refused. With {@code allowDirty} they give a
 * tree with {@link #dirty()} true, which the release records as not reproducible from the commit.
 *
 * @param revision       the commit and ref read from {@code .git}, or null outside a checkout
 * @param dirty          true unless git confirmed that every tracked file equals the commit
 * @param changed        the first {@value #LISTED} changed tracked paths (relative to the repository root)
 * @param changedCount   how many tracked paths differ from the commit
 * @param untracked      the first {@value #LISTED} untracked, not ignored paths
 * @param untrackedCount how many untracked, not ignored paths there are
 * @param note           why the tree counts as dirty without a list of changes (no checkout, git unusable), or null
 */
public record WorkingTree(SourceRevision revision, boolean dirty, List<String> changed, long changedCount,
        List<String> untracked, long untrackedCount, String note) {

    /** How many paths of each kind are kept for messages. */
    public static final int LISTED = 10;
    /** Default time git may take. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_RECORD = 64 * 1024;
    private static final int MAX_STDERR = 4096;
    /** Variables that would make git look at another repository than the one {@link SourceRevision} finds. */
    private static final List<String> REPOSITORY_VARIABLES = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
            "GIT_CEILING_DIRECTORIES", "GIT_DISCOVERY_ACROSS_FILESYSTEM");

    public WorkingTree {
        changed = List.copyOf(changed);
        untracked = List.copyOf(untracked);
    }

    /** Inspects the checkout holding {@code dir} with {@code git} from the PATH. */
    public static WorkingTree inspect(Path dir, boolean allowDirty) {
        return inspect(dir, allowDirty, List.of("git"), TIMEOUT);
    }

    /**
     * Inspects the checkout holding {@code dir}.
     *
     * @param git     the git command (and leading arguments)
     * @param timeout how long git may run
     */
    public static WorkingTree inspect(Path dir, boolean allowDirty, List<String> git, Duration timeout) {
        Optional<SourceRevision> found = SourceRevision.find(dir);
        if (found.isEmpty()) {
            String why = hasDotGit(dir)
                    ? dir + " is in a Git repository whose HEAD names no commit (no commit yet, or an unreadable .git)"
                    : dir + " is not inside a Git checkout";
            if (!allowDirty) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_NOT_A_CHECKOUT,
                        why + ": the release could name no source revision.");
            }
            return new WorkingTree(null, true, List.of(), 0, List.of(), 0, why);
        }
        SourceRevision rev = found.get();
        Status status;
        try {
            status = run(dir, git, timeout);
        } catch (ReleaseException e) {
            if (!allowDirty) {
                throw e;
            }
            return new WorkingTree(rev, true, List.of(), 0, List.of(), 0,
                    "git could not check the working tree (" + e.getMessage() + ")");
        }
        if (!rev.commit().equals(status.head())) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED, "git reports HEAD " + status.head()
                    + " but " + dir + "'s .git names " + rev.commit() + "; the recorded commit would be wrong.");
        }
        WorkingTree tree = new WorkingTree(rev, status.changedCount() > 0, status.changed(), status.changedCount(),
                status.untracked(), status.untrackedCount(), null);
        if (tree.dirty() && !allowDirty) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_DIRTY_TREE, tree.changedCount()
                    + " tracked file(s) differ from commit " + rev.commit() + " (" + String.join(", ", tree.changed())
                    + (tree.changedCount() > tree.changed().size() ? ", ..." : "")
                    + "): consumers who check out that commit would build something else.");
        }
        return tree;
    }

    /** One line for a log: what the release records about its source. */
    public String describe() {
        if (revision == null) {
            return "no source revision (" + note + "); recorded as not reproducible from a commit";
        }
        if (!dirty) {
            return "commit " + revision.commit() + (revision.ref() == null ? "" : " (" + revision.ref() + ")")
                    + ", working tree clean";
        }
        return "commit " + revision.commit() + " with "
                + (note != null ? "an unchecked working tree: " + note
                        : changedCount + " changed tracked file(s): " + String.join(", ", changed)
                                + (changedCount > changed.size() ? ", ..." : ""))
                + "; recorded as not reproducible from the commit";
    }

    private static boolean hasDotGit(Path dir) {
        for (Path d = dir.toAbsolutePath().normalize(); d != null; d = d.getParent()) {
            if (Files.exists(d.resolve(".git"))) {
                return true;
            }
        }
        return false;
    }

    private record Status(String head, List<String> changed, long changedCount, List<String> untracked,
            long untrackedCount) {}

    private static Status run(Path dir, List<String> git, Duration timeout) {
        List<String> cmd = new ArrayList<>(git);
        cmd.addAll(List.of("-C", dir.toAbsolutePath().toString(), "status", "--porcelain=v2", "--branch", "-z",
                "--untracked-files=normal"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        REPOSITORY_VARIABLES.forEach(env::remove);
        env.put("GIT_OPTIONAL_LOCKS", "0"); // status only reads: it must not rewrite the index
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED,
                    "cannot run " + String.join(" ", git) + " (" + e.getMessage() + ") to check the working tree.", e);
        }
        try {
            p.getOutputStream().close(); // git reads nothing
        } catch (IOException ignored) {
            // already closed
        }
        Parser parser = new Parser();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread out = daemon("git-status-out", () -> parser.consume(p.getInputStream()));
        Thread err = daemon("git-status-err", () -> drain(p.getErrorStream(), stderr));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED,
                        "git status did not finish within " + timeout.toSeconds() + " s in " + dir + ".");
            }
            out.join(timeout.toMillis());
            err.join(timeout.toMillis());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED, "interrupted while git status ran.", e);
        }
        String errText;
        synchronized (stderr) {
            errText = stderr.toString(StandardCharsets.UTF_8).trim();
        }
        if (p.exitValue() != 0) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED, "git status in " + dir + " exited with "
                    + p.exitValue() + (errText.isEmpty() ? "." : ": " + errText));
        }
        return parser.result(dir);
    }

    private static Thread daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        byte[] buf = new byte[4096];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (sink) {
                    if (sink.size() < MAX_STDERR) {
                        sink.write(buf, 0, Math.min(n, MAX_STDERR - sink.size()));
                    }
                }
            }
        } catch (IOException ignored) {
            // the process was killed; its exit status says what happened
        }
    }

    /** Reads NUL-terminated porcelain v2 records as they arrive, keeping counts and the first paths. */
    private static final class Parser {
        private String head;
        private final List<String> changed = new ArrayList<>();
        private final List<String> untracked = new ArrayList<>();
        private long changedCount;
        private long untrackedCount;
        private boolean skipNext;
        private String failure;

        void consume(InputStream in) {
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == 0) {
                            accept(record.toString(StandardCharsets.UTF_8));
                            record.reset();
                        } else if (record.size() < MAX_RECORD) {
                            record.write(buf[i]);
                        } else {
                            fail("a git status record longer than " + MAX_RECORD + " bytes");
                            return;
                        }
                    }
                }
                if (record.size() > 0) {
                    fail("git status output ends inside a record");
                }
            } catch (IOException e) {
                fail("cannot read git status output: " + e.getMessage());
            }
        }

        private synchronized void fail(String why) {
            if (failure == null) {
                failure = why;
            }
        }

        private synchronized void accept(String r) {
            if (skipNext) { // the original path of a rename or copy
                skipNext = false;
                return;
            }
            if (r.startsWith("# branch.oid ")) {
                head = r.substring("# branch.oid ".length()).trim();
            } else if (r.startsWith("#")) {
                return; // other headers (branch.head, upstream, stash)
            } else if (r.startsWith("1 ")) {
                changed(field(r, 9));
            } else if (r.startsWith("2 ")) {
                changed(field(r, 10));
                skipNext = true;
            } else if (r.startsWith("u ")) {
                changed(field(r, 11));
            } else if (r.startsWith("? ")) {
                untrackedCount++;
                if (untracked.size() < LISTED) {
                    untracked.add(r.substring(2));
                }
            } else if (!r.startsWith("! ")) {
                fail("unexpected git status record '" + r + "'");
            }
        }

        private void changed(String path) {
            changedCount++;
            if (changed.size() < LISTED) {
                changed.add(path);
            }
        }

        /** The last of {@code fields} space-separated fields (a path may itself contain spaces). */
        private String field(String r, int fields) {
            String[] parts = r.split(" ", fields);
            if (parts.length < fields) {
                fail("malformed git status record '" + r + "'");
                return r;
            }
            return parts[fields - 1];
        }

        synchronized Status result(Path dir) {
            if (failure != null) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED, failure + " in " + dir + ".");
            }
            if (head == null) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_GIT_FAILED,
                        "git status in " + dir + " reported no HEAD commit.");
            }
            return new Status(head, changed, changedCount, untracked, untrackedCount);
        }
    }
}

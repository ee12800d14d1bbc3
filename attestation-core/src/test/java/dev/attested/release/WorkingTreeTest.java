package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real {@code git} on repositories made in temporary directories. */
class WorkingTreeTest {

    /** Runs git with a fixed identity and without the user's or system's configuration. */
    static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=Release Test",
                "-c", "user.email=release-test@example.invalid", "-c", "commit.gpgsign=false",
                "-c", "init.defaultBranch=main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        return out.trim();
    }

    /** A repository with a committed module and a .gitignore for target/. */
    static Path repository(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("module/src"));
        Files.writeString(dir.resolve("module/src/Main.java"), "class Main {}\n");
        Files.writeString(dir.resolve("module/pom.xml"), "<project/>\n");
        Files.writeString(dir.resolve(".gitignore"), "target/\n");
        git(dir, "init", "-q");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "first");
        return dir;
    }

    @Test
    void aCleanCheckoutRecordsItsCommit(@TempDir Path dir) throws Exception {
        repository(dir);
        Files.createDirectories(dir.resolve("module/target"));
        Files.writeString(dir.resolve("module/target/app.eif"), "ignored build output");
        WorkingTree t = WorkingTree.inspect(dir.resolve("module"), false);
        assertFalse(t.dirty());
        assertEquals(git(dir, "rev-parse", "HEAD"), t.revision().commit());
        assertEquals("refs/heads/main", t.revision().ref());
        assertEquals(0, t.untrackedCount(), "ignored files are not listed");
    }

    @Test
    void aModifiedTrackedFileIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        repository(dir);
        Files.writeString(dir.resolve("module/src/Main.java"), "class Main { int changed; }\n");
        var e = assertThrows(ReleaseException.class, () -> WorkingTree.inspect(dir.resolve("module"), false));
        assertEquals(ReleaseException.Code.RELEASE_DIRTY_TREE, e.code());
        assertTrue(e.getMessage().contains("1 tracked file(s) differ from commit " + git(dir, "rev-parse", "HEAD")
                + " (module/src/Main.java)"), e.getMessage());
        assertTrue(e.getMessage().contains("allowDirty=true releases anyway"), e.getMessage());
    }

    @Test
    void stagedDeletedAndRenamedFilesAreChangesToo(@TempDir Path dir) throws Exception {
        repository(dir);
        Files.writeString(dir.resolve("module/with space.txt"), "x\n");
        git(dir, "add", "-A");
        git(dir, "commit", "-q", "-m", "second");
        git(dir, "mv", "module/with space.txt", "module/renamed file.txt");
        Files.delete(dir.resolve("module/pom.xml"));
        Files.writeString(dir.resolve(".gitignore"), "target/\n*.log\n");
        git(dir, "add", ".gitignore");
        WorkingTree t = WorkingTree.inspect(dir, true);
        assertTrue(t.dirty());
        assertEquals(3, t.changedCount());
        assertEquals(List.of(".gitignore", "module/pom.xml", "module/renamed file.txt"),
                t.changed().stream().sorted().toList());
        assertNull(t.note());
    }

    @Test
    void untrackedFilesAreListedButDoNotMakeTheTreeDirty(@TempDir Path dir) throws Exception {
        repository(dir);
        Files.writeString(dir.resolve("module/src/New.java"), "class New {}\n");
        WorkingTree t = WorkingTree.inspect(dir.resolve("module"), false);
        assertFalse(t.dirty());
        assertEquals(1, t.untrackedCount());
        assertEquals(List.of("module/src/New.java"), t.untracked());
    }

    @Test
    void allowDirtyReleasesAChangedTreeMarkedAsDirty(@TempDir Path dir) throws Exception {
        repository(dir);
        Files.writeString(dir.resolve("module/src/Main.java"), "class Main { int changed; }\n");
        WorkingTree t = WorkingTree.inspect(dir.resolve("module"), true);
        assertTrue(t.dirty());
        assertEquals(List.of("module/src/Main.java"), t.changed());
        assertTrue(t.describe().contains("not reproducible from the commit"), t.describe());
    }

    @Test
    void outsideACheckoutIsRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("project"));
        var e = assertThrows(ReleaseException.class, () -> WorkingTree.inspect(dir.resolve("project"), false));
        assertEquals(ReleaseException.Code.RELEASE_NOT_A_CHECKOUT, e.code());
        WorkingTree t = WorkingTree.inspect(dir.resolve("project"), true);
        assertTrue(t.dirty());
        assertNull(t.revision());
        assertTrue(t.note().contains("not inside a Git checkout"), t.note());
    }

    @Test
    void aRepositoryWithoutACommitIsRefused(@TempDir Path dir) throws Exception {
        git(dir, "init", "-q");
        var e = assertThrows(ReleaseException.class, () -> WorkingTree.inspect(dir, false));
        assertEquals(ReleaseException.Code.RELEASE_NOT_A_CHECKOUT, e.code());
        assertTrue(e.getMessage().contains("names no commit"), e.getMessage());
    }

    @Test
    void aMissingGitIsAnErrorNotAPass(@TempDir Path dir) throws Exception {
        repository(dir);
        List<String> noGit = List.of(dir.resolve("no-such-git").toString());
        var e = assertThrows(ReleaseException.class, () -> WorkingTree.inspect(dir, false, noGit, WorkingTree.TIMEOUT));
        assertEquals(ReleaseException.Code.RELEASE_GIT_FAILED, e.code());
        WorkingTree t = WorkingTree.inspect(dir, true, noGit, WorkingTree.TIMEOUT);
        assertTrue(t.dirty(), "unchecked counts as dirty");
        assertTrue(t.note().startsWith("git could not check the working tree"), t.note());
    }

    @Test
    void aFailingGitIsReportedWithItsMessage(@TempDir Path dir) throws Exception {
        repository(dir);
        List<String> failing = List.of("sh", "-c", "echo 'fatal: detected dubious ownership' >&2; exit 128", "git");
        var e = assertThrows(ReleaseException.class, () -> WorkingTree.inspect(dir, false, failing, WorkingTree.TIMEOUT));
        assertEquals(ReleaseException.Code.RELEASE_GIT_FAILED, e.code());
        assertTrue(e.getMessage().contains("exited with 128: fatal: detected dubious ownership"), e.getMessage());
    }

    @Test
    void aGitThatHangsIsStoppedAtTheTimeout(@TempDir Path dir) throws Exception {
        repository(dir);
        List<String> hanging = List.of("sh", "-c", "exec sleep 30", "git");
        long start = System.nanoTime();
        var e = assertThrows(ReleaseException.class,
                () -> WorkingTree.inspect(dir, false, hanging, Duration.ofMillis(300)));
        assertEquals(ReleaseException.Code.RELEASE_GIT_FAILED, e.code());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20);
    }

    @Test
    void gitAndDotGitMustAgreeOnTheCommit(@TempDir Path dir) throws Exception {
        repository(dir);
        String other = "0".repeat(40);
        List<String> lying = List.of("sh", "-c", "printf '# branch.oid " + other + "\\0'", "git");
        var e = assertThrows(ReleaseException.class, () -> WorkingTree.inspect(dir, false, lying, WorkingTree.TIMEOUT));
        assertEquals(ReleaseException.Code.RELEASE_GIT_FAILED, e.code());
        assertTrue(e.getMessage().contains("git reports HEAD " + other), e.getMessage());
    }
}

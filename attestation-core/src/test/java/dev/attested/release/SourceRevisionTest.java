package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceRevisionTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void branchHeadIsResolvedThroughALooseRef(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".git/refs/heads"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(repo.resolve(".git/refs/heads/main"), COMMIT + "\n");
        Files.createDirectories(repo.resolve("module/src"));
        assertEquals(Optional.of(new SourceRevision(COMMIT, "refs/heads/main")),
                SourceRevision.find(repo.resolve("module/src")));
    }

    @Test
    void branchHeadIsResolvedThroughPackedRefs(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".git"));
        Files.writeString(repo.resolve(".git/HEAD"), "ref: refs/heads/release\n");
        Files.writeString(repo.resolve(".git/packed-refs"),
                "# pack-refs with: peeled fully-peeled sorted\n" + COMMIT + " refs/heads/release\n");
        assertEquals(COMMIT, SourceRevision.find(repo).orElseThrow().commit());
    }

    @Test
    void detachedHeadIsTheCommitItself(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve(".git"));
        Files.writeString(repo.resolve(".git/HEAD"), COMMIT + "\n");
        assertEquals(Optional.of(new SourceRevision(COMMIT, null)), SourceRevision.find(repo));
    }

    @Test
    void linkedWorktreeFollowsGitdirAndCommondir(@TempDir Path dir) throws Exception {
        Path common = dir.resolve("main/.git");
        Path wtGit = common.resolve("worktrees/wt");
        Files.createDirectories(common.resolve("refs/heads"));
        Files.createDirectories(wtGit);
        Files.writeString(common.resolve("refs/heads/topic"), COMMIT + "\n");
        Files.writeString(wtGit.resolve("HEAD"), "ref: refs/heads/topic\n");
        Files.writeString(wtGit.resolve("commondir"), "../..\n");
        Files.createDirectories(dir.resolve("wt"));
        Files.writeString(dir.resolve("wt/.git"), "gitdir: " + wtGit + "\n");
        assertEquals(Optional.of(new SourceRevision(COMMIT, "refs/heads/topic")), SourceRevision.find(dir.resolve("wt")));
    }

    @Test
    void noRepositoryOrAnUnbornBranchGivesNoRevision(@TempDir Path dir) throws Exception {
        assertTrue(SourceRevision.read(dir.resolve(".git")).isEmpty());
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        assertTrue(SourceRevision.read(dir.resolve(".git")).isEmpty());
    }
}

package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI template's shape and its shell steps, run locally: compare on real files; settings, history and publish
 * against a local bare Git repository with stand-ins for the project's {@code mvnw} and for {@code gh}. The build,
 * sign and release steps are run for real against the multi-module project in {@code it/ci-workflow}.
 */
class ReleaseWorkflowTest {

    @Test
    void runsOnVersionTagsOnly() throws Exception {
        JsonNode on = ReleaseWorkflow.load().root().get("on");
        assertEquals("v*", on.at("/push/tags/0").asText());
        assertEquals(1, on.size(), "no other trigger");
        assertTrue(on.get("push").path("branches").isMissingNode());
    }

    @Test
    void actionsArePinnedByCommitAndTheJdkByExactVersion() throws Exception {
        ReleaseWorkflow wf = ReleaseWorkflow.load();
        List<String> uses = new ArrayList<>();
        for (JsonNode s : wf.job().get("steps")) {
            if (s.has("uses")) {
                uses.add(s.get("uses").asText());
                assertTrue(s.get("uses").asText().matches("[\\w.-]+/[\\w.-]+@[0-9a-f]{40}"), s.get("uses").asText());
            }
        }
        assertEquals(2, uses.size());
        JsonNode java = wf.job().get("steps").get(1).get("with");
        assertEquals("temurin", java.get("distribution").asText());
        assertTrue(java.get("java-version").asText().matches("\\d+\\.\\d+\\.\\d+"), "exact JDK version, not a range");
    }

    @Test
    void stepsRunInOrderFromSettingsToPublish() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode s : ReleaseWorkflow.load().job().get("steps")) {
            if (s.has("id")) {
                ids.add(s.get("id").asText());
            }
        }
        assertEquals(List.of("settings", "build", "compare", "sign", "history-base", "release", "history", "publish"),
                ids);
    }

    @Test
    void buildsRunInTwoSeparateDirectoriesWithDifferentHostSettings() throws Exception {
        String build = ReleaseWorkflow.load().step("build").get("run").asText();
        assertTrue(build.contains("\"$RUNNER_TEMP/build-a\" && umask 0022 && TZ=UTC"), build);
        assertTrue(build.contains("\"$RUNNER_TEMP/build-b\" && umask 0077 && TZ=Pacific/Kiritimati"), build);
        assertTrue(build.contains("touch -d"), "second copy gets other file times");
    }

    @Test
    void signingRunsOnlyWhenTheSecretIsSetAndNeverPrintsTheKey() throws Exception {
        ReleaseWorkflow wf = ReleaseWorkflow.load();
        Map<String, String> none = wf.jobEnv(Map.of());
        assertEquals("", none.get("EIF_SIGNING_KEY"));
        assertFalse(wf.enabled("sign", none));
        Map<String, String> withKey = wf.jobEnv(Map.of("secrets.EIF_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----"));
        assertTrue(wf.enabled("sign", withKey));
        String sign = wf.step("sign").get("run").asText();
        assertTrue(sign.contains("umask 0077") && sign.contains("trap 'rm -f \"$key\"' EXIT"), sign);
        assertFalse(sign.contains("echo \"$EIF_SIGNING_KEY\""), sign);
    }

    private static Map<String, String> env(Path runnerTemp) throws Exception {
        Map<String, String> env = new HashMap<>(ReleaseWorkflow.load().jobEnv(Map.of()));
        env.put("RUNNER_TEMP", runnerTemp.toString());
        return env;
    }

    private static void output(Path root, String side, String eif, String manifest) throws Exception {
        Path dir = root.resolve("build-" + side).resolve("target/attestation");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("app-1.0.eif"), eif);
        Files.writeString(dir.resolve("pcr-manifest.json"), manifest);
    }

    @Test
    void compareStepPassesForIdenticalOutputs(@TempDir Path tmp) throws Exception {
        output(tmp, "a", "EIF", "{}");
        output(tmp, "b", "EIF", "{}");
        var r = ReleaseWorkflow.load().run("compare", env(tmp), tmp, 1);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("app-1.0.eif"), "prints the EIF's SHA-256: " + r.output());
    }

    @Test
    void compareStepFailsNamingTheFileWhenTheEifsDiffer(@TempDir Path tmp) throws Exception {
        output(tmp, "a", "EIF", "{}");
        output(tmp, "b", "EIF changed", "{}");
        var r = ReleaseWorkflow.load().run("compare", env(tmp), tmp, 1);
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("::error::app-1.0.eif differs"), r.output());
    }

    @Test
    void compareStepFailsWhenTheManifestsDifferOrNoEifWasBuilt(@TempDir Path tmp) throws Exception {
        output(tmp, "a", "EIF", "{\"pcrs\":1}");
        output(tmp, "b", "EIF", "{\"pcrs\":2}");
        var r = ReleaseWorkflow.load().run("compare", env(tmp), tmp, 1);
        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("::error::pcr-manifest.json differs"), r.output());

        Path empty = tmp.resolve("empty");
        Files.createDirectories(empty.resolve("build-a/target/attestation"));
        Files.createDirectories(empty.resolve("build-b/target/attestation"));
        var none = ReleaseWorkflow.load().run("compare", env(empty), empty, 1);
        assertNotNull(none);
        assertTrue(none.exitCode() != 0, "no EIF is a failure, not a pass: " + none.output());
    }

    // ---- the steps around Maven, run with a stand-in for the project's mvnw and for gh ----

    /** An executable script. */
    private static Path script(Path file, String body) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /**
     * A checkout whose {@code mvnw} (at the root only) records its directory and arguments and, for
     * {@code attestation:release}, writes a bundle under {@code $MODULE}; a {@code gh} on the PATH records its
     * arguments.
     */
    private static Map<String, String> runner(Path tmp, String module) throws Exception {
        Path source = Files.createDirectories(tmp.resolve("workspace/source"));
        script(source.resolve("mvnw"), "echo \"$PWD $*\" >> \"$CALLS\"\n"
                + "case \"$*\" in *attestation:release*)\n"
                + "  d=\"$MODULE/target/attestation/release/1.0.0\"; mkdir -p \"$d\"; echo eif > \"$d/app-1.0.0.eif\"\n"
                + "  echo notes > \"$d/REPRODUCE.md\"; (cd \"$d\" && sha256sum app-1.0.0.eif REPRODUCE.md > SHA256SUMS) ;;\n"
                + "esac\n");
        Files.createDirectories(source.resolve(module));
        script(tmp.resolve("bin/gh"), "printf '%s\\n' \"$@\" > \"$GH_CALLS\"\n");
        Map<String, String> env = new HashMap<>(ReleaseWorkflow.load().jobEnv(Map.of()));
        env.put("MODULE", module);
        env.put("BUILD_ARGS", "-DskipTests");
        env.put("RUNNER_TEMP", Files.createDirectories(tmp.resolve("runner")).toString());
        env.put("GITHUB_WORKSPACE", tmp.resolve("workspace").toString());
        env.put("GITHUB_REF_NAME", "v1.0.0");
        env.put("GITHUB_REPOSITORY", "example/app");
        env.put("CALLS", tmp.resolve("mvnw-calls.txt").toString());
        env.put("GH_CALLS", tmp.resolve("gh-calls.txt").toString());
        env.put("PATH", tmp.resolve("bin") + ":" + System.getenv("PATH"));
        env.putAll(ItGit.ISOLATED);
        return env;
    }

    private static void run(String id, Map<String, String> env, Path dir) throws Exception {
        var r = ReleaseWorkflow.load().run(id, env, dir, 2);
        assertEquals(0, r.exitCode(), id + ":\n" + r.output());
    }

    @Test
    void aMultiModuleProjectIsBuiltAndReleasedWithTheRootWrapperAndPl(@TempDir Path tmp) throws Exception {
        Map<String, String> env = runner(tmp, "services/enclave");
        env.put("HISTORY_COMMIT", "");
        for (String id : List.of("settings", "build", "history-base", "release")) {
            run(id, env, tmp);
        }
        String gs = "-gs " + tmp.resolve("runner/attested-settings.xml");
        assertEquals(List.of(
                tmp.resolve("runner/build-a") + " -B -ntp " + gs + " -pl services/enclave -am package -DskipTests",
                tmp.resolve("runner/build-b") + " -B -ntp " + gs + " -pl services/enclave -am package -DskipTests",
                tmp.resolve("runner/build-a") + " -B -ntp " + gs + " -pl services/enclave attestation:release"
                        + " -Dattestation.environment=prod -Dattestation.history=" + tmp.resolve("runner/pcr-history.json")),
                Files.readAllLines(tmp.resolve("mvnw-calls.txt")));
    }

    @Test
    void aSingleModuleProjectIsBuiltWithoutPl(@TempDir Path tmp) throws Exception {
        Map<String, String> env = runner(tmp, ".");
        run("settings", env, tmp);
        run("build", env, tmp);
        assertEquals(tmp.resolve("runner/build-a") + " -B -ntp -gs " + tmp.resolve("runner/attested-settings.xml")
                + " package -DskipTests", Files.readAllLines(tmp.resolve("mvnw-calls.txt")).get(0));
        assertEquals("<settings/>", Files.readString(tmp.resolve("runner/attested-settings.xml")).trim(),
                "no private repository: empty settings");
    }

    @Test
    void thePrivateRepositoryGetsServerCredentialsFromTheEnvironmentNeverOnDisk(@TempDir Path tmp) throws Exception {
        Map<String, String> env = runner(tmp, ".");
        Map<String, String> secrets = Map.of("secrets.BLOBS_REPOSITORY_USERNAME", "ci-reader",
                "secrets.BLOBS_REPOSITORY_PASSWORD", "s3cr3t-t0ken");
        env.putAll(ReleaseWorkflow.load().jobEnv(secrets).entrySet().stream()
                .filter(e -> e.getKey().startsWith("BLOBS_REPOSITORY_")).collect(java.util.stream.Collectors
                        .toMap(Map.Entry::getKey, Map.Entry::getValue)));
        env.put("BLOBS_REPOSITORY_ID", "nitro-blobs");
        env.put("BLOBS_REPOSITORY_URL", "https://maven.example.com/releases");
        run("settings", env, tmp);
        String settings = Files.readString(tmp.resolve("runner/attested-settings.xml"));
        var xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(tmp.resolve("runner/attested-settings.xml").toFile());
        var xpath = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertEquals("nitro-blobs", xpath.evaluate("/settings/servers/server/id", xml));
        assertEquals("${env.BLOBS_REPOSITORY_USERNAME}", xpath.evaluate("/settings/servers/server/username", xml));
        assertEquals("${env.BLOBS_REPOSITORY_PASSWORD}", xpath.evaluate("/settings/servers/server/password", xml));
        assertEquals("https://maven.example.com/releases",
                xpath.evaluate("/settings/profiles/profile/repositories/repository[id='nitro-blobs']/url", xml));
        assertEquals("attested-blobs-repository", xpath.evaluate("/settings/activeProfiles/activeProfile", xml));
        assertFalse(settings.contains("s3cr3t-t0ken") || settings.contains("ci-reader"), settings);

        env.put("BLOBS_REPOSITORY_PASSWORD", "");
        var r = ReleaseWorkflow.load().run("settings", env, tmp, 1);
        assertEquals(1, r.exitCode());
        assertTrue(r.output().contains("::error::BLOBS_REPOSITORY_ID is set but the secrets"), r.output());
        env.put("BLOBS_REPOSITORY_PASSWORD", "s3cr3t-t0ken");
        env.put("BLOBS_REPOSITORY_URL", "https://maven.example.com/<x>");
        assertEquals(1, ReleaseWorkflow.load().run("settings", env, tmp, 1).exitCode(), "no XML injection");
    }

    /** A bare "GitHub" repository: main with a history, a tag v1.0.0, then main moves on; and its checkout. */
    private static Path origin(Path tmp) throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Files.createDirectories(work.resolve("enclave"));
        Files.writeString(work.resolve("enclave/pcr-history.json"), "{ \"releases\" : [ \"0.9.0\" ] }\n");
        ItGit.initAndCommit(work, "0.9.0 accepted");
        ItGit.run(work, "tag", "v1.0.0");
        Files.writeString(work.resolve("README.md"), "later work\n");
        ItGit.run(work, "add", "-A");
        ItGit.run(work, "commit", "-q", "-m", "after the tag");
        Path bare = tmp.resolve("origin.git");
        ItGit.run(tmp, "clone", "-q", "--bare", work.toString(), bare.toString());
        Files.createDirectories(tmp.resolve("workspace"));
        ItGit.run(tmp, "clone", "-q", "--depth", "1", "--branch", "v1.0.0", bare.toUri().toString(),
                tmp.resolve("workspace/source").toString());
        return bare;
    }

    private static Map<String, String> historyEnv(Path tmp, String mode) throws Exception {
        Map<String, String> env = runner(tmp, "enclave");
        env.put("HISTORY_COMMIT", mode);
        env.put("HISTORY_BRANCH", "main");
        return env;
    }

    @Test
    void theHistoryIsReadFromTheBranchAndTheUpdatedOneIsPushedOntoIt(@TempDir Path tmp) throws Exception {
        Path bare = origin(tmp);
        String tip = ItGit.run(bare, "rev-parse", "main");
        Map<String, String> env = historyEnv(tmp, "push");
        run("history-base", env, tmp);
        assertEquals(tip, Files.readString(tmp.resolve("runner/pcr-history.base")).trim());
        assertEquals("{ \"releases\" : [ \"0.9.0\" ] }\n", Files.readString(tmp.resolve("runner/pcr-history.json")));

        // what release writes
        String updated = "{ \"releases\" : [ \"0.9.0\", \"1.0.0\" ] }\n";
        Files.writeString(tmp.resolve("runner/pcr-history.json"), updated);
        run("history", env, tmp);
        assertEquals(updated, ItGit.run(bare, "show", "main:enclave/pcr-history.json") + "\n");
        assertEquals(tip, ItGit.run(bare, "rev-parse", "main^"), "committed on the branch tip, not on the tag");
        assertEquals("pcr-history.json: accept v1.0.0 for prod", ItGit.run(bare, "log", "-1", "--format=%s", "main"));
        assertEquals("github-actions[bot]", ItGit.run(bare, "log", "-1", "--format=%an", "main"));
        assertEquals("later work", ItGit.run(bare, "show", "main:README.md"));

        // a rerun finds the release recorded and commits nothing
        String head = ItGit.run(bare, "rev-parse", "main");
        run("history-base", env, tmp);
        run("history", env, tmp);
        assertEquals(head, ItGit.run(bare, "rev-parse", "main"));
    }

    @Test
    void aPushOntoABranchThatMovedMeanwhileFails(@TempDir Path tmp) throws Exception {
        Path bare = origin(tmp);
        Map<String, String> env = historyEnv(tmp, "push");
        run("history-base", env, tmp);
        Path other = tmp.resolve("other");
        ItGit.run(tmp, "clone", "-q", bare.toString(), other.toString());
        Files.writeString(other.resolve("enclave/pcr-history.json"), "{ \"releases\" : [ \"0.9.0\", \"0.9.1\" ] }\n");
        ItGit.run(other, "commit", "-q", "-am", "0.9.1 accepted");
        ItGit.run(other, "push", "-q", "origin", "main");
        String moved = ItGit.run(bare, "rev-parse", "main");
        Files.writeString(tmp.resolve("runner/pcr-history.json"), "{ \"releases\" : [ \"0.9.0\", \"1.0.0\" ] }\n");
        var r = ReleaseWorkflow.load().run("history", env, tmp, 1);
        assertTrue(r.exitCode() != 0, "never overwrites the other history: " + r.output());
        assertEquals(moved, ItGit.run(bare, "rev-parse", "main"));
    }

    @Test
    void inPullRequestModeTheHistoryGoesToABranchAndAPullRequest(@TempDir Path tmp) throws Exception {
        Path bare = origin(tmp);
        String tip = ItGit.run(bare, "rev-parse", "main");
        Map<String, String> env = historyEnv(tmp, "pull-request");
        run("history-base", env, tmp);
        Files.writeString(tmp.resolve("runner/pcr-history.json"), "{ \"releases\" : [ \"0.9.0\", \"1.0.0\" ] }\n");
        run("history", env, tmp);
        assertEquals(tip, ItGit.run(bare, "rev-parse", "main"), "main itself is not touched");
        assertEquals(tip, ItGit.run(bare, "rev-parse", "attested/pcr-history-v1.0.0^"));
        assertTrue(ItGit.run(bare, "show", "attested/pcr-history-v1.0.0:enclave/pcr-history.json").contains("1.0.0"));
        assertEquals(List.of("pr", "create", "--repo", "example/app", "--base", "main", "--head",
                "attested/pcr-history-v1.0.0", "--title", "pcr-history.json: accept v1.0.0 for prod", "--body",
                "Records the PCRs of release v1.0.0 as accepted for prod (written by attestation:release)."),
                Files.readAllLines(tmp.resolve("gh-calls.txt")));
    }

    @Test
    void publishUploadsTheBundleAndTheUpdatedHistoryWithReproduceMdAsNotes(@TempDir Path tmp) throws Exception {
        Map<String, String> env = runner(tmp, "enclave");
        env.put("HISTORY_COMMIT", "");
        Path module = Files.createDirectories(tmp.resolve("runner/build-a/enclave"));
        Files.copy(tmp.resolve("workspace/source/mvnw"), tmp.resolve("runner/build-a/mvnw"));
        run("release", env, tmp);
        Files.writeString(tmp.resolve("runner/pcr-history.json"), "{}\n");
        run("publish", env, tmp);
        String bundle = module.resolve("target/attestation/release/1.0.0") + "/";
        assertEquals(List.of("release", "create", "v1.0.0", "--repo", "example/app", "--verify-tag", "--title", "v1.0.0",
                "--notes-file", bundle + "/REPRODUCE.md", bundle + "/REPRODUCE.md", bundle + "/SHA256SUMS",
                bundle + "/app-1.0.0.eif", tmp.resolve("runner/pcr-history.json").toString()),
                Files.readAllLines(tmp.resolve("gh-calls.txt")));
        assertEquals("write", ReleaseWorkflow.load().root().at("/permissions/contents").asText());
    }
}

package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI template's shape and its compare step, run locally. The build, sign and release steps are run for real
 * against a project in {@code it/ci-workflow} (they need the installed plugin).
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
    void stepsBuildTwiceCompareSignReleaseAndPublishInThatOrder() throws Exception {
        List<String> ids = new ArrayList<>();
        for (JsonNode s : ReleaseWorkflow.load().job().get("steps")) {
            if (s.has("id")) {
                ids.add(s.get("id").asText());
            }
        }
        assertEquals(List.of("build", "compare", "sign", "release", "publish"), ids);
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

    @Test
    void releaseAcceptsForTheEnvironmentAndPublishUploadsTheBundleAndHistory() throws Exception {
        ReleaseWorkflow wf = ReleaseWorkflow.load();
        assertTrue(wf.step("release").get("run").asText()
                .contains("$MVN attestation:release -Denvironment=\"$RELEASE_ENVIRONMENT\""));
        String publish = wf.step("publish").get("run").asText();
        assertTrue(publish.contains("gh release create \"$GITHUB_REF_NAME\""), publish);
        assertTrue(publish.contains("\"$bundle\"/* pcr-history.json"), publish);
        assertEquals("write", wf.root().at("/permissions/contents").asText());
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
}

package dev.attested.release;

import static dev.attested.release.WorkingTreeTest.git;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.kms.KeyPolicy;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrHistoryException;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release job as a library call, on a real Git checkout: every refusal carries its code and comes before
 * anything is written, so the bundle released earlier and the PCR history stay byte for byte as they were.
 */
class ReleaseTest {
    @TempDir
    Path dir;
    private Path checkout;
    private Path target;

    @BeforeEach
    void checkout() throws Exception {
        checkout = WorkingTreeTest.repository(dir.resolve("repo"));
        target = checkout.resolve("module/target/attestation");
        build("EIF bytes", "app");
    }

    /** Writes the EIF and its PCR manifest under target/ (ignored by git). */
    private PcrManifest build(String eifContent, String app) throws Exception {
        Path eif = ReleaseFixtures.eif(target, eifContent);
        PcrManifest m = ReleaseFixtures.manifest(eif, "kernel", app, ReleaseFixtures.blobs("33".repeat(32)), "scratch");
        m.write(target.resolve("pcr-manifest.json"));
        return m;
    }

    private static BuildInputs inputs(String version) {
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put("jdk", "25.0.1");
        tools.put("gradle", "9.1");
        return new BuildInputs("com.example:app", version, "module", "https://example.com/app.git", tools, "0.1.0-test");
    }

    private Release.Request request() {
        return new Release.Request(target.resolve("pcr-manifest.json"), null, ReleaseFixtures.TIMESTAMP,
                checkout.resolve("module"), false, inputs("1.0.0"),
                new Release.PolicyChoice.DefaultLocation(target.resolve("kms-policy.json")), target.resolve("release"),
                new Release.HistoryUpdate("prod", checkout.resolve("pcr-history.json")));
    }

    private Release.Request request(UnaryOperator<Release.Request> change) {
        return change.apply(request());
    }

    private static Release.Request with(Release.Request r, String outputTimestamp, boolean allowDirty,
            Release.PolicyChoice policy, Path output) {
        return new Release.Request(r.manifest(), r.eif(), outputTimestamp, r.sourceRoot(), allowDirty, r.build(),
                policy, output, r.history());
    }

    private Path bundle() {
        return target.resolve("release/1.0.0");
    }

    /** The release directory and the history file: path → SHA-256 and time. */
    private Map<String, String> published() throws Exception {
        Map<String, String> out = new TreeMap<>(BundleSnapshot.of(target.resolve("release")));
        Path history = checkout.resolve("pcr-history.json");
        out.put("pcr-history.json", Files.exists(history) ? Sha256Sums.of(history) : "absent");
        return out;
    }

    /** Runs {@code second} after a release of 1.0.0 and expects {@code code} with nothing changed. */
    private RuntimeException refusedAfterARelease(String code, Release.Request second) throws Exception {
        Release.run(request());
        Map<String, String> before = published();
        RuntimeException e = assertThrows(RuntimeException.class, () -> Release.run(second));
        assertTrue(e.getMessage().startsWith(code + ": "), e.getMessage());
        assertEquals(before, published(), "the earlier bundle and the history are untouched");
        return e;
    }

    @Test
    void aCleanCheckoutIsReleasedWithItsCommitAndAcceptedInTheHistory() throws Exception {
        Release.Result r = Release.run(request());
        assertTrue(r.bundle().created());
        assertEquals(bundle(), r.bundle().directory());
        BuildManifest build = BuildManifest.readIfPresent(bundle().resolve(BuildManifest.FILE_NAME));
        assertEquals(git(checkout, "rev-parse", "HEAD"), build.source().revision());
        assertFalse(build.sourceDirty());
        assertEquals("module", build.module());
        assertEquals("9.1", build.tools().get("gradle"), "the caller's build tools are recorded");
        assertEquals("0.1.0", build.tools().get("plugin"), "what the EIF build recorded wins");
        assertTrue(Files.readString(bundle().resolve(ReproduceInstructions.FILE_NAME)).contains("0.1.0-test"));
        assertTrue(r.shippedTemplate());
        assertTrue(Files.exists(bundle().resolve(KmsPolicyTemplate.FILE_NAME)));
        assertEquals(List.of(Release.Warning.Kind.POLICY_TEMPLATE), r.warnings().stream().map(Release.Warning::kind).toList());
        assertTrue(r.history().written());
        assertEquals(List.of("1.0.0"), PcrHistory.read(checkout.resolve("pcr-history.json")).accepted("prod").stream()
                .map(PcrHistory.Release::version).toList());
    }

    @Test
    void aSecondRunOfTheSameBuildChangesNothing() throws Exception {
        Release.run(request());
        Map<String, String> before = published();
        Release.Result again = Release.run(request());
        assertFalse(again.bundle().created());
        assertTrue(again.bundle().differences().isEmpty(), again.bundle().differences().toString());
        assertFalse(again.history().written());
        assertEquals(before, published());
    }

    @Test
    void withoutAHistoryUpdateNoHistoryIsWritten() throws Exception {
        Release.Result r = Release.run(request().withHistory(null));
        assertNull(r.history());
        assertFalse(Files.exists(checkout.resolve("pcr-history.json")));
    }

    @Test
    void aHistoryUpdateCannotBeHalfSpecified() {
        assertThrows(NullPointerException.class, () -> new Release.HistoryUpdate("prod", null));
        assertThrows(NullPointerException.class, () -> new Release.HistoryUpdate(null, dir.resolve("h.json")));
    }

    @Test
    void aMissingOutputTimestampIsRefused() throws Exception {
        Release.Request r = request();
        RuntimeException e = refusedAfterARelease("RELEASE_NO_TIMESTAMP",
                with(r, " ", false, r.policy(), r.outputDirectory()));
        assertTrue(e.getMessage().contains("Set a fixed output timestamp (outputTimestamp)"), e.getMessage());
    }

    @Test
    void anotherOutputTimestampThanTheManifestsIsRefused() throws Exception {
        Release.Request r = request();
        refusedAfterARelease("RELEASE_TIMESTAMP_MISMATCH",
                with(r, "2026-02-01T00:00:00Z", false, r.policy(), r.outputDirectory()));
    }

    @Test
    void uncommittedChangesToTrackedFilesAreRefused() throws Exception {
        Release.run(request());
        Map<String, String> before = published();
        Files.writeString(checkout.resolve("module/src/Main.java"), "class Main { int changed; }\n");
        ReleaseException e = assertThrows(ReleaseException.class, () -> Release.run(request()));
        assertEquals(ReleaseException.Code.RELEASE_DIRTY_TREE, e.code());
        assertTrue(e.getMessage().contains("module/src/Main.java"), e.getMessage());
        assertEquals(before, published());
    }

    @Test
    void allowDirtyReleasesMarkedAsNotReproducibleFromTheCommit() throws Exception {
        Files.writeString(checkout.resolve("module/src/Main.java"), "class Main { int changed; }\n");
        Files.writeString(checkout.resolve("module/notes.txt"), "untracked\n");
        Release.Request r = request();
        Release.Result result = Release.run(with(r, r.outputTimestamp(), true, r.policy(), r.outputDirectory()));
        assertTrue(result.source().dirty());
        assertTrue(BuildManifest.readIfPresent(bundle().resolve(BuildManifest.FILE_NAME)).source().dirty());
        assertEquals(List.of(Release.Warning.Kind.DIRTY_SOURCE, Release.Warning.Kind.UNTRACKED_FILES,
                Release.Warning.Kind.POLICY_TEMPLATE), result.warnings().stream().map(Release.Warning::kind).toList());
        assertTrue(result.warnings().get(1).message().contains("module/notes.txt"), result.warnings().toString());
    }

    @Test
    void aDirectoryOutsideAGitCheckoutIsRefusedAndNothingIsWritten() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("not-a-checkout"));
        Release.Request r = request();
        Release.Request outside = new Release.Request(r.manifest(), r.eif(), r.outputTimestamp(), elsewhere, false,
                r.build(), r.policy(), r.outputDirectory(), r.history());
        ReleaseException e = assertThrows(ReleaseException.class, () -> Release.run(outside));
        assertEquals(ReleaseException.Code.RELEASE_NOT_A_CHECKOUT, e.code());
        assertFalse(Files.exists(target.resolve("release")));
        assertFalse(Files.exists(checkout.resolve("pcr-history.json")));
    }

    @Test
    void anotherBuildUnderTheReleasedVersionIsRefused() throws Exception {
        Release.run(request().withHistory(null));
        Files.writeString(checkout.resolve("pcr-history.json"), "{}"); // compared too: must stay as it is
        Map<String, String> before = published();
        build("EIF bytes of another build", "another app");
        ReleaseException e = assertThrows(ReleaseException.class, () -> Release.run(request().withHistory(null)));
        assertEquals(ReleaseException.Code.RELEASE_BUNDLE_EXISTS, e.code());
        assertTrue(e.getMessage().contains("PCR0, PCR2 differ"), e.getMessage());
        assertEquals(before, published());
    }

    @Test
    void anotherBuildUnderAVersionTheHistoryRecordsIsRefusedBeforeAnyBundleIsWritten() throws Exception {
        Release.run(request());
        Map<String, String> before = published();
        build("EIF bytes of another build", "another app");
        Release.Request r = request();
        Path elsewhere = target.resolve("release-conflict");
        PcrHistoryException e = assertThrows(PcrHistoryException.class,
                () -> Release.run(with(r, r.outputTimestamp(), false, r.policy(), elsewhere)));
        assertTrue(e.getMessage().startsWith("HISTORY_CONFLICT: "), e.getMessage());
        assertFalse(Files.exists(elsewhere));
        assertEquals(before, published());
    }

    @Test
    void aLeftoverPolicyOfAnotherImageIsRefusedAndTheMatchingOneIsShipped() throws Exception {
        PcrManifest current = PcrManifest.read(target.resolve("pcr-manifest.json"));
        PcrManifest other = build("older EIF", "older app");
        Files.write(target.resolve("kms-policy.json"), KmsPolicyTemplate.forRelease(other));
        build("EIF bytes", "app");
        Release.Request r = request();
        Path first = target.resolve("release-first");
        Release.run(with(r, r.outputTimestamp(), false, new Release.PolicyChoice.None(), r.outputDirectory()));
        Map<String, String> before = published();
        ReleaseException e = assertThrows(ReleaseException.class, () -> Release.run(request()));
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(other.pcrs().get(0)), e.getMessage());
        assertEquals(before, published());

        Files.write(target.resolve("kms-policy.json"), KmsPolicyTemplate.forRelease(current));
        Release.Result shipped = Release.run(with(r, r.outputTimestamp(), false, r.policy(), first));
        assertEquals(target.resolve("kms-policy.json"), shipped.policyFile());
        assertFalse(shipped.shippedTemplate());
        assertTrue(Files.exists(first.resolve("1.0.0/kms-policy.json")));
        // Only the history written by the first release (not committed yet) is left to warn about.
        assertEquals(List.of(Release.Warning.Kind.UNTRACKED_FILES),
                shipped.warnings().stream().map(Release.Warning::kind).toList());
        assertTrue(shipped.warnings().get(0).message().contains("pcr-history.json"), shipped.warnings().toString());
    }

    @Test
    void noneShipsTheTemplateEvenWhenThePolicyAtTheDefaultLocationExists() throws Exception {
        Files.write(target.resolve("kms-policy.json"), "not even JSON".getBytes(StandardCharsets.UTF_8));
        Release.Request r = request();
        Release.Result result = Release.run(with(r, r.outputTimestamp(), false, new Release.PolicyChoice.None(),
                r.outputDirectory()));
        assertTrue(result.shippedTemplate());
        assertTrue(Files.exists(bundle().resolve(KmsPolicyTemplate.FILE_NAME)));
    }

    @Test
    void aPolicyFileNamedButMissingIsAnError() throws Exception {
        Release.Request r = request();
        refusedAfterARelease("RELEASE_POLICY_NOT_FOUND", with(r, r.outputTimestamp(), false,
                new Release.PolicyChoice.Named(checkout.resolve("kms/policy.json")), r.outputDirectory()));
    }

    @Test
    void aPolicyLargerThanTheLimitIsRefusedUnread() throws Exception {
        Path big = target.resolve("big-policy.json");
        Files.write(big, new byte[(int) KeyPolicy.MAX_FILE_BYTES + 1]);
        Release.Request r = request();
        RuntimeException e = refusedAfterARelease("RELEASE_POLICY_MALFORMED", with(r, r.outputTimestamp(), false,
                new Release.PolicyChoice.Named(big), r.outputDirectory()));
        assertTrue(e.getMessage().contains("at most 32 KB"), e.getMessage());
    }

    @Test
    void anEifThatIsNotTheOneTheManifestDescribesIsRefused() throws Exception {
        Release.run(request());
        Map<String, String> before = published();
        Path other = target.resolve("other.eif");
        Files.writeString(other, "other bytes");
        Release.Request r = request();
        Release.Request wrong = new Release.Request(r.manifest(), other, r.outputTimestamp(), r.sourceRoot(), false,
                r.build(), r.policy(), target.resolve("release-other"), r.history());
        ReleaseException e = assertThrows(ReleaseException.class, () -> Release.run(wrong));
        assertEquals(ReleaseException.Code.RELEASE_EIF_MISMATCH, e.code());
        assertFalse(Files.exists(target.resolve("release-other")));
        assertEquals(before, published());
    }

    @Test
    void aNewVersionRetiresTheOldOneInTheSameStep() throws Exception {
        Release.run(request());
        build("EIF bytes 1.1.0", "app 1.1.0");
        Release.Request r = request();
        Release.Request next = new Release.Request(r.manifest(), null, r.outputTimestamp(), r.sourceRoot(), false,
                inputs("1.1.0"), r.policy(), r.outputDirectory(),
                new Release.HistoryUpdate("prod", checkout.resolve("pcr-history.json"), List.of("1.0.0", " ", "1.1.0")));
        Release.Result result = Release.run(next);
        assertTrue(Files.exists(target.resolve("release/1.1.0")));
        assertEquals(List.of("1.1.0"), result.history().accepted().stream().map(PcrHistory.Release::version).toList());
        PcrHistory history = PcrHistory.read(checkout.resolve("pcr-history.json"));
        assertNotNull(history.find("prod", "1.0.0").orElseThrow().retiredAt());
        assertEquals(history, result.history().after());
    }
}

package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import dev.attested.testkit.SimulatedNitroPki;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mvn attestation:verify} on the four real AWS documents of test-vectors/attestation. */
class VerifyMojoTest {
    private static final String[] FIXTURES = {"01-uid2-2021-04-26-usw1-debug.b64", "02-evervault-2022-10-13-use1-prod.b64",
        "05-marlin-2024-08-07-aps1-prod.b64", "08-nautilus-2025-04-15-use1-prod.b64"};
    private static final String EVERVAULT_PCR0 =
            "f4d48b81a460c9916d1e685119074bf24660afd3e34fae9fca0a0d28d9d5599936332687e6f66fc890ac8cf150142d8b";

    @TempDir
    Path tmp;
    Path docs;
    Path report;

    static Path fixture(String name) {
        return Path.of(System.getProperty("attested.vectors.dir", "../test-vectors"), "attestation", name);
    }

    @BeforeEach
    void copyFixtures() throws Exception {
        docs = Files.createDirectories(tmp.resolve("docs"));
        for (String f : FIXTURES) {
            Files.copy(fixture(f), docs.resolve(f));
        }
        report = tmp.resolve("out/verify-report.json");
    }

    /** The goal in a project under {@code tmp} that has no manifest: no image is expected unless a test names one. */
    private VerifyMojo mojo(Path doc) {
        VerifyMojo m = new VerifyMojo();
        m.doc = doc.toFile();
        m.buildDirectory = tmp.resolve("target").toFile();
        m.basedir = tmp.toFile();
        m.history = tmp.resolve("pcr-history.json").toFile();
        m.verifyReport = report.toFile();
        m.at = "now";
        return m;
    }

    /** As {@link #mojo(Path)}, accepting any image explicitly (these tests are about the documents, not the image). */
    private VerifyMojo anyImage(Path doc) {
        VerifyMojo m = mojo(doc);
        m.anyImage = true;
        return m;
    }

    private JsonNode report() throws Exception {
        return JsonMapper.builder().build().readTree(report.toFile());
    }

    @Test
    void directoryOfRealDocumentsVerifiesAtTheirOwnTimestampsWithAllowDebugMode() throws Exception {
        VerifyMojo m = anyImage(docs);
        m.at = "document";
        m.allowDebugMode = true;
        m.execute();
        JsonNode r = report();
        assertEquals(4, r.get("results").size());
        for (int i = 0; i < 4; i++) {
            JsonNode res = r.get("results").get(i);
            assertTrue(res.get("file").asText().endsWith(FIXTURES[i]), "files in name order");
            assertEquals("ok", res.get("verdict").asText());
            assertTrue(res.get("code").isNull());
            assertEquals(5, res.get("chain").size());
        }
        assertEquals("i-020b6af9246d90e92-enc0183d09086c24190", r.get("results").get(1).get("document").get("moduleId").asText());
        assertEquals(EVERVAULT_PCR0, r.get("results").get(1).get("document").get("pcrs").get("0").asText());
        assertFalse(r.get("image").get("checked").asBoolean(), "anyImage: the report says the image was not checked");
        for (JsonNode res : r.get("results")) {
            assertEquals("NOT checked (anyImage)", res.get("image").get("status").asText());
        }
    }

    @Test
    void debugDocumentFailsTheBuildWithDebugModeAndTheReportListsEveryVerdict() throws Exception {
        VerifyMojo m = anyImage(docs);
        m.at = "document";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("DEBUG_MODE"), e.getMessage());
        JsonNode results = report().get("results");
        assertEquals("rejected", results.get(0).get("verdict").asText());
        assertEquals("DEBUG_MODE", results.get(0).get("code").asText());
        assertEquals("ok", results.get(3).get("verdict").asText());
    }

    @Test
    void realDocumentsAreRejectedTodayAsExpired() throws Exception {
        VerifyMojo m = anyImage(docs);
        m.allowDebugMode = true;
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("CERT_NOT_VALID_AT_TIME: 4 of 4"), e.getMessage());
        for (JsonNode res : report().get("results")) {
            assertEquals("CERT_NOT_VALID_AT_TIME", res.get("code").asText());
        }
    }

    @Test
    void explicitPcrsAreCompared() throws Exception {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        m.pcrs = "0:" + EVERVAULT_PCR0 + ",4:" + "00".repeat(48);
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("PCR_MISMATCH") && e.getMessage().contains("PCR4 expected"), e.getMessage());
        JsonNode check = report().get("results").get(0).get("pcrCheck");
        assertEquals("match", check.get("0").asText());
        assertEquals("mismatch", check.get("4").asText());
    }

    @Test
    void manifestPcrsAreExpectedWhenTheManifestIsPresent() throws Exception {
        Path manifest = tmp.resolve("target/attestation/pcr-manifest.json");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, "{\"schemaVersion\":1,\"hashAlgorithm\":\"SHA384\",\"pcrs\":{\"0\":\"" + "ab".repeat(48) + "\"}}");
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("PCR_MISMATCH"), e.getMessage());
    }

    @Test
    void hexAndRawDocumentsAreDetected() throws Exception {
        byte[] raw = Base64.getDecoder().decode(Files.readString(fixture(FIXTURES[3])).trim());
        Path dir = Files.createDirectories(tmp.resolve("encodings"));
        Files.writeString(dir.resolve("doc.hex"), HexFormat.of().formatHex(raw) + "\n", StandardCharsets.US_ASCII);
        Files.write(dir.resolve("doc.cbor"), raw);
        VerifyMojo m = anyImage(dir);
        m.at = "2025-04-15T03:00:00Z";
        m.publicKey = "e8e62201dbe293b703c759f653107acbc2c911fa1d2e66f2c747bec95971a2af";
        m.execute();
        assertEquals(2, report().get("ok").asInt());
    }

    @Test
    void nonceMismatchFailsWithItsCode() {
        VerifyMojo m = anyImage(docs.resolve(FIXTURES[1]));
        m.at = "document";
        m.nonce = "00".repeat(256);
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("NONCE_MISMATCH"), e.getMessage());
    }

    @Test
    void anotherRootRejectsGenuineDocumentsAsUntrusted() throws Exception {
        Path pem = tmp.resolve("other-root.pem");
        dev.attested.testkit.SimulatedNitroPki pki = dev.attested.testkit.SimulatedNitroPki.create(java.time.Instant.parse("2020-01-01T00:00:00Z"), 1);
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(pki.root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        VerifyMojo m = anyImage(docs.resolve(FIXTURES[2]));
        m.at = "document";
        m.trustAnchor = pem.toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("UNTRUSTED_ROOT"), e.getMessage());
    }

    @Test
    void theOldShortPropertiesAreNamedAsIgnored() throws Exception {
        VerifyMojo m = anyImage(docs.resolve(FIXTURES[3]));
        m.at = "document";
        java.util.Properties user = new java.util.Properties();
        user.setProperty("nonce", "cafe");
        user.setProperty("root", "root.pem");
        user.setProperty("attestation.at", "document");
        org.apache.maven.execution.DefaultMavenExecutionRequest request = new org.apache.maven.execution.DefaultMavenExecutionRequest();
        request.setUserProperties(user);
        m.session = new org.apache.maven.execution.MavenSession(null, null, request,
                new org.apache.maven.execution.DefaultMavenExecutionResult());
        CapturingLog log = new CapturingLog();
        m.setLog(log);
        m.execute();
        assertTrue(log.warnings.contains("-Dnonce is set, but verify reads -Dattestation.nonce (renamed): this value is NOT used."
                + " Write -Dattestation.nonce=cafe instead."), String.join("\n", log.warnings));
        assertTrue(log.warnings.stream().anyMatch(w -> w.startsWith("-Droot is set, but verify reads -Dattestation.trustAnchor")),
                String.join("\n", log.warnings));
        assertEquals(2, log.warnings.stream().filter(w -> w.contains("(renamed)")).count(), String.join("\n", log.warnings));
    }

    @Test
    void badOptionsAreConfigurationErrors() {
        VerifyMojo m = anyImage(docs);
        m.at = "yesterday";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("INVALID_ARGUMENT: ") && e.getMessage().contains("yesterday"), e.getMessage());
        VerifyMojo missing = anyImage(tmp.resolve("nope.b64"));
        MojoFailureException f = assertThrows(MojoFailureException.class, missing::execute);
        assertTrue(f.getMessage().startsWith("INVALID_ARGUMENT: no attestation document at ")
                && f.getMessage().contains("nope.b64"), f.getMessage());
    }

    @Test
    void withoutAProjectTheReportGoesToTargetUnderTheBaseDirectory() throws Exception {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[3]));
        m.at = "document";
        m.verifyReport = new File("${project.basedir}/target/attestation/verify-report.json");
        m.buildDirectory = new File("${project.build.directory}");
        m.basedir = tmp.toFile();
        m.anyImage = true;
        m.execute();
        assertTrue(Files.isRegularFile(tmp.resolve("target/attestation/verify-report.json")));
    }

    @Test
    void skipDoesNothing() throws Exception {
        VerifyMojo m = mojo(tmp.resolve("nope.b64"));
        m.skip = true;
        m.execute();
        assertFalse(Files.exists(report));
    }

    @Test
    void noPartialReportIsLeftBehind() throws Exception {
        VerifyMojo m = anyImage(docs);
        m.at = "document";
        m.allowDebugMode = true;
        m.execute();
        File[] leftovers = report.getParent().toFile().listFiles((d, n) -> n.endsWith(".tmp"));
        assertEquals(0, leftovers.length);
    }

    // ---- the expected image must be named or waived --------------------------------------------------------------

    @Test
    void aNamedManifestThatDoesNotExistFailsWithManifestNotFound() {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        m.manifest = tmp.resolve("target/attestation/pcr-manifset.json").toFile(); // mistyped
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("MANIFEST_NOT_FOUND: no PCR manifest at"), e.getMessage());
        assertFalse(Files.exists(report), "nothing was verified, so no report");
    }

    @Test
    void withoutTheDefaultManifestTheGoalRefusesUnlessAnyImage() throws Exception {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("MANIFEST_NOT_FOUND") && e.getMessage().contains("attestation.anyImage=true"),
                e.getMessage());
        assertFalse(Files.exists(report));
        VerifyMojo any = anyImage(docs.resolve(FIXTURES[1]));
        any.at = "document";
        CapturingLog log = new CapturingLog();
        any.setLog(log);
        any.execute();
        assertTrue(log.lines.contains("  verdict     OK (image: NOT checked (anyImage))"), String.join("\n", log.lines));
        assertTrue(log.warnings.stream().anyMatch(w -> w.contains("ANY enclave image")), String.join("\n", log.warnings));
    }

    @Test
    void anEnvironmentWithoutItsHistoryFailsWithHistoryNotFound() {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.environment = "prod";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("HISTORY_NOT_FOUND"), e.getMessage());
    }

    @Test
    void aNamedHistoryThatDoesNotExistFailsWithHistoryNotFoundEvenWithoutAnEnvironment() {
        // The image is named (pcrs), so the history is not needed; a mistyped path is refused all the same.
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        m.pcrs = "0:" + EVERVAULT_PCR0;
        m.history = tmp.resolve("pcr-histroy.json").toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("HISTORY_NOT_FOUND: no PCR history at ")
                && e.getMessage().contains("pcr-histroy.json") && e.getMessage().contains("-Dattestation.history"),
                e.getMessage());
        assertFalse(Files.exists(report), "nothing was verified, so no report");
    }

    @Test
    void theDefaultHistoryMayBeAbsentWhenNoEnvironmentNeedsIt() throws Exception {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        m.pcrs = "0:" + EVERVAULT_PCR0;
        m.execute();
        assertEquals("ok", report().get("results").get(0).get("verdict").asText());
    }

    @Test
    void anyImageWithNamedPcrsIsAConfigurationError() {
        VerifyMojo m = anyImage(docs.resolve(FIXTURES[1]));
        m.pcrs = "0:" + EVERVAULT_PCR0;
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("INVALID_ARGUMENT: "), e.getMessage());
    }

    @Test
    void aManifestDocumentSaysItWasCheckedAgainstTheManifest() throws Exception {
        Path manifest = tmp.resolve("target/attestation/pcr-manifest.json");
        Files.createDirectories(manifest.getParent());
        Files.writeString(manifest, "{\"schemaVersion\":1,\"hashAlgorithm\":\"SHA384\",\"pcrs\":{\"0\":\"" + EVERVAULT_PCR0 + "\"}}");
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        CapturingLog log = new CapturingLog();
        m.setLog(log);
        m.execute();
        JsonNode res = report().get("results").get(0);
        assertTrue(res.get("image").get("checked").asBoolean());
        assertTrue(res.get("image").get("release").asText().startsWith("manifest "), res.toString());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("  verdict     OK (image: checked against manifest ")),
                String.join("\n", log.lines));
    }

    /** Issue 13: with two accepted releases, a document of the older one is reported against the older one. */
    @Test
    void aDocumentOfTheOlderOfTwoAcceptedReleasesIsReportedAgainstThatRelease() throws Exception {
        SimulatedNitroPki pki = SimulatedNitroPki.create(java.time.Instant.parse("2026-01-01T00:00:00Z"), 5);
        Path pem = tmp.resolve("root.pem");
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(pki.root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        PcrHistory h = PcrHistory.empty().append("prod", PcrHistory.Release.of("1.0", manifest("v1")))
                .append("prod", PcrHistory.Release.of("1.1", manifest("v11")));
        h.write(tmp.resolve("pcr-history.json"));
        var b = pki.documentBuilder();
        release("v1").forEach(b::pcr);
        Path doc = Files.writeString(tmp.resolve("older.b64"), Base64.getEncoder().encodeToString(b.sign()));
        VerifyMojo m = mojo(doc);
        m.at = "document";
        m.trustAnchor = pem.toFile();
        m.environment = "prod";
        CapturingLog log = new CapturingLog();
        m.setLog(log);
        m.execute();
        String all = String.join("\n", log.lines);
        assertFalse(all.contains("MISMATCH"), all);
        assertTrue(log.lines.contains("  verdict     OK (image: checked against release 1.0 (prod))"), all);
        for (int i = 0; i < 3; i++) {
            String hex = release("v1").get(i).hex();
            assertTrue(log.lines.contains(String.format("  PCR%-2d  %s  match", i, hex)), all);
        }
        JsonNode res = report().get("results").get(0);
        assertEquals("release 1.0 (prod)", res.get("image").get("release").asText());
        assertEquals("release 1.0 (prod)", res.get("pcrCheckAgainst").asText());
        res.get("pcrCheck").forEach(n -> assertEquals("match", n.asText()));
    }

    @Test
    void aHugeDocumentFileIsRejectedAsTooLarge() throws Exception {
        Path huge = tmp.resolve("huge.b64");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            raf.setLength(500L * 1024 * 1024); // sparse
        }
        VerifyMojo m = anyImage(huge);
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("DOCUMENT_TOO_LARGE"), e.getMessage());
        assertEquals("DOCUMENT_TOO_LARGE", report().get("results").get(0).get("code").asText());
    }

    private static TreeMap<Integer, Pcr> release(String label) {
        TreeMap<Integer, Pcr> pcrs = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            pcrs.put(i, Pcr.ofContent((label + i).getBytes(StandardCharsets.UTF_8)));
        }
        return pcrs;
    }

    private static PcrManifest manifest(String label) {
        return PcrManifest.of(new PcrManifest.Eif("app-" + label + ".eif", "ab".repeat(32), 1), release(label), null,
                new TreeMap<>(), "console=ttyS0", "native", "x86_64", new TreeMap<>(), "2026-01-01T00:00:00Z");
    }

    /** Keeps what the goal logs. */
    static final class CapturingLog extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();

        @Override
        public void info(CharSequence content) {
            lines.add(content.toString());
        }

        @Override
        public void warn(CharSequence content) {
            warnings.add(content.toString());
        }
    }
}

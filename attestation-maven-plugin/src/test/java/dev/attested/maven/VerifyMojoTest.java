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
import java.util.HexFormat;
import org.apache.maven.plugin.MojoExecutionException;
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

    private VerifyMojo mojo(Path doc) {
        VerifyMojo m = new VerifyMojo();
        m.doc = doc.toFile();
        m.manifest = tmp.resolve("target/attestation/pcr-manifest.json").toFile();
        m.report = report.toFile();
        m.at = "now";
        m.maxAge = "PT5M";
        return m;
    }

    private JsonNode report() throws Exception {
        return JsonMapper.builder().build().readTree(report.toFile());
    }

    @Test
    void directoryOfRealDocumentsVerifiesAtTheirOwnTimestampsWithAllowDebugMode() throws Exception {
        VerifyMojo m = mojo(docs);
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
    }

    @Test
    void debugDocumentFailsTheBuildWithDebugModeAndTheReportListsEveryVerdict() throws Exception {
        VerifyMojo m = mojo(docs);
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
        VerifyMojo m = mojo(docs);
        m.allowDebugMode = true;
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("4 of 4"), e.getMessage());
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
        VerifyMojo m = mojo(dir);
        m.at = "2025-04-15T03:00:00Z";
        m.publicKey = "e8e62201dbe293b703c759f653107acbc2c911fa1d2e66f2c747bec95971a2af";
        m.execute();
        assertEquals(2, report().get("ok").asInt());
    }

    @Test
    void nonceMismatchFailsWithItsCode() {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[1]));
        m.at = "document";
        m.nonce = "00".repeat(256);
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("NONCE_MISMATCH"), e.getMessage());
    }

    @Test
    void anotherRootRejectsGenuineDocumentsAsUntrusted() throws Exception {
        Path pem = tmp.resolve("other-root.pem");
        dev.attested.pki.SimulatedNitroPki pki = dev.attested.pki.SimulatedNitroPki.create(java.time.Instant.parse("2020-01-01T00:00:00Z"), 1);
        Files.writeString(pem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(pki.root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        VerifyMojo m = mojo(docs.resolve(FIXTURES[2]));
        m.at = "document";
        m.root = pem.toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().contains("UNTRUSTED_ROOT"), e.getMessage());
    }

    @Test
    void badOptionsAreConfigurationErrors() {
        VerifyMojo m = mojo(docs);
        m.at = "yesterday";
        assertThrows(MojoExecutionException.class, m::execute);
        VerifyMojo missing = mojo(tmp.resolve("nope.b64"));
        assertThrows(MojoExecutionException.class, missing::execute);
    }

    @Test
    void withoutAProjectTheReportGoesToTargetUnderTheBaseDirectory() throws Exception {
        VerifyMojo m = mojo(docs.resolve(FIXTURES[3]));
        m.at = "document";
        m.report = new File("${project.basedir}/target/attestation/verify-report.json");
        m.manifest = new File("${project.basedir}/target/attestation/pcr-manifest.json");
        m.basedir = tmp.toFile();
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
        VerifyMojo m = mojo(docs);
        m.at = "document";
        m.allowDebugMode = true;
        m.execute();
        File[] leftovers = report.getParent().toFile().listFiles((d, n) -> n.endsWith(".tmp"));
        assertEquals(0, leftovers.length);
    }
}

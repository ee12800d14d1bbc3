package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import dev.attested.testkit.SimulatedNitroPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code verify -Dattestation.environment=}: a document passes if it matches any release the history accepts there. */
class VerificationRequestHistoryTest {
    private static final SimulatedNitroPki PKI = SimulatedNitroPki.create(Instant.parse("2026-01-01T00:00:00Z"), 7);

    @TempDir
    Path dir;
    Path history;
    Path root;

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

    private static byte[] documentOf(String label) {
        var b = PKI.documentBuilder();
        release(label).forEach(b::pcr);
        return b.sign();
    }

    @BeforeEach
    void historyWithTwoAcceptedProdReleasesAndARetiredOne() throws Exception {
        PcrHistory h = PcrHistory.empty()
                .append("prod", PcrHistory.Release.of("1.0", manifest("v1")))
                .append("prod", PcrHistory.Release.of("1.1", manifest("v11")))
                .append("prod", PcrHistory.Release.of("0.9", manifest("v09")))
                .retire("prod", "0.9", "2026-01-02T00:00:00Z")
                .append("staging", PcrHistory.Release.of("2.0", manifest("v2")));
        history = dir.resolve("pcr-history.json");
        h.write(history);
        root = dir.resolve("root.pem");
        Files.writeString(root, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder().encodeToString(PKI.root().getEncoded()) + "\n-----END CERTIFICATE-----\n");
    }

    private VerificationRequest request(String environment) {
        return VerificationRequest.builder().history(history).environment(environment).trustAnchors(root).time(VerificationTime.documentTime()).build();
    }

    private void verify(VerificationRequest r, byte[] doc) {
        r.verifier().verify(doc, r.expectations());
    }

    @Test
    void everyAcceptedReleaseOfTheEnvironmentPassesAndTheResultNamesTheOneMatched() {
        VerificationRequest prod = request("prod");
        VerifiedAttestation v1 = prod.verifier().verify(documentOf("v1"), prod.expectations());
        assertEquals("release 1.0 (prod)", v1.matchedRelease().orElseThrow());
        assertEquals(release("v1"), v1.matchedPcrs());
        VerifiedAttestation v11 = prod.verifier().verify(documentOf("v11"), prod.expectations());
        assertEquals("release 1.1 (prod)", v11.matchedRelease().orElseThrow());
        assertEquals(release("v11"), v11.matchedPcrs());
        assertEquals("release 1.0 (prod) or release 1.1 (prod) from " + VerificationReport.displayName(history),
                prod.imageDescription());
    }

    @Test
    void theReportOfAnOlderAcceptedReleaseComparesWithThatRelease() throws Exception {
        Path older = dir.resolve("older.b64");
        Files.writeString(older, Base64.getEncoder().encodeToString(documentOf("v1")));
        VerificationReport report = VerificationReport.verify(request("prod"), List.of(older), Clock.systemUTC());
        VerificationReport.Result r = report.results().get(0);
        assertEquals(VerificationReport.Verdict.OK, r.verdict());
        assertTrue(r.imageChecked());
        assertEquals("release 1.0 (prod)", r.pcrsComparedWith().orElseThrow().release());
        assertEquals(Map.of(0, "match", 1, "match", 2, "match"), r.pcrStatus());
        List<String> summary = report.summary();
        assertTrue(summary.stream().noneMatch(l -> l.contains("MISMATCH")), String.join("\n", summary));
        assertTrue(summary.contains("  verdict     OK (image: checked against release 1.0 (prod))"), String.join("\n", summary));
        assertTrue(summary.contains("  PCRs compared with release 1.0 (prod)"), String.join("\n", summary));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        JsonNode res = json.get("results").get(0);
        assertEquals("release 1.0 (prod)", res.get("image").get("release").asText());
        assertTrue(res.get("image").get("checked").asBoolean());
        assertEquals("release 1.0 (prod)", res.get("pcrCheckAgainst").asText());
        res.get("pcrCheck").forEach(n -> assertEquals("match", n.asText()));
        assertEquals(2, json.get("image").get("accepted").size());
    }

    @Test
    void retiredReleasesAndOtherEnvironmentsAreRejected() {
        VerificationRequest prod = request("prod");
        var retired = assertThrows(AttestationException.class, () -> verify(prod, documentOf("v09")));
        assertEquals(AttestationException.Code.PCR_MISMATCH, retired.code());
        var staging = assertThrows(AttestationException.class, () -> verify(prod, documentOf("v2")));
        assertEquals(AttestationException.Code.PCR_MISMATCH, staging.code());
    }

    @Test
    void anEnvironmentWithoutAcceptedReleasesIsAConfigurationError() {
        var e = assertThrows(IllegalArgumentException.class, () -> request("dev"));
        assertTrue(e.getMessage().contains("no release is accepted for environment dev"), e.getMessage());
    }

    @Test
    void explicitPcrsOverrideTheEnvironment() {
        StringBuilder spec = new StringBuilder();
        release("v2").forEach((k, v) -> spec.append(spec.length() == 0 ? "" : ",").append(k).append(':').append(v.hex()));
        VerificationRequest r = VerificationRequest.builder().history(history).environment("prod").pcrs(VerificationOptions.pcrs(spec.toString()))
                .trustAnchors(root).time(VerificationTime.documentTime()).build();
        assertDoesNotThrow(() -> verify(r, documentOf("v2")));
        assertThrows(AttestationException.class, () -> verify(r, documentOf("v1")));
    }
}

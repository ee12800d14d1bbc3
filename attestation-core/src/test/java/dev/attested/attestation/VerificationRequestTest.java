package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrHistoryException;
import dev.attested.pcr.PcrManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerificationRequestTest {
    @Test
    void rejectsAMaximumAgeWithAFixedTime() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerificationRequest.builder()
                .anyImage(true).time(VerificationTime.documentTime()).maxAge(java.time.Duration.ofMinutes(5)).build());
        assertTrue(e.getMessage().contains("maxAge"), e.getMessage());
    }

    @Test
    void warnsAboutEveryRelaxedCheck() {
        VerificationRequest r = VerificationRequest.builder().anyImage(true).allowDebugMode(true)
                .time(VerificationTime.documentTime()).build();
        assertEquals(3, r.warnings().size(), r.warnings().toString());
        assertTrue(VerificationRequest.builder().pcrs(java.util.Map.of(0, new byte[48])).build().warnings().isEmpty());
    }

    @Test
    void pcrsMustBe48BytesAtIndices0To31() {
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.builder().pcrs(java.util.Map.of(0, new byte[32])));
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.builder().pcrs(java.util.Map.of(32, new byte[48])));
    }

    // ---- which image is expected ------------------------------------------------------------------------------

    private static final String PCR0_HEX = "ab".repeat(48);

    private static Path manifest(Path dir, String name) throws Exception {
        return Files.writeString(dir.resolve(name), "{\"schemaVersion\":1,\"hashAlgorithm\":\"SHA384\",\"pcrs\":{\"0\":\""
                + PCR0_HEX + "\"}}");
    }

    @Test
    void aNamedManifestThatDoesNotExistIsManifestNotFound(@TempDir Path dir) {
        PcrManifestException e = assertThrows(PcrManifestException.class, () -> VerificationRequest.builder()
                .manifest(dir.resolve("typo.json")).time(VerificationTime.documentTime()).build());
        assertEquals(PcrManifestException.Code.MANIFEST_NOT_FOUND, e.code());
    }

    @Test
    void aNamedManifestMustExistEvenWhenPcrsTakePrecedence(@TempDir Path dir) {
        assertEquals(PcrManifestException.Code.MANIFEST_NOT_FOUND, assertThrows(PcrManifestException.class,
                () -> VerificationRequest.builder().manifest(dir.resolve("typo.json")).pcrs(VerificationOptions.pcrs("0:" + PCR0_HEX)).build()).code());
    }

    @Test
    void withoutAnExpectedImageTheRequestIsRefused(@TempDir Path dir) {
        PcrManifestException e = assertThrows(PcrManifestException.class, () -> VerificationRequest.builder()
                .defaultManifest(dir.resolve("target/attestation/pcr-manifest.json")).build());
        assertEquals(PcrManifestException.Code.MANIFEST_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("anyImage"), e.getMessage());
        assertEquals(PcrManifestException.Code.MANIFEST_NOT_FOUND,
                assertThrows(PcrManifestException.class, () -> VerificationRequest.builder().build()).code());
    }

    @Test
    void anyImageIsAnExplicitOptOut(@TempDir Path dir) {
        VerificationRequest r = VerificationRequest.builder().defaultManifest(dir.resolve("missing.json")).anyImage(true).build();
        assertTrue(r.expectations().anyImage());
        assertTrue(r.expectations().pcrSets().isEmpty());
        assertEquals("any image (NOT checked: anyImage)", r.imageDescription());
        assertTrue(r.ignoredDefaultManifest().isEmpty());
    }

    @Test
    void anyImageContradictsANamedImage(@TempDir Path dir) throws Exception {
        Path m = manifest(dir, "m.json");
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.builder().anyImage(true).pcrs(VerificationOptions.pcrs("0:" + PCR0_HEX)).build());
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.builder().anyImage(true).manifest(m).build());
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.builder().anyImage(true)
                .environment("prod").history(dir.resolve("pcr-history.json")).build());
    }

    @Test
    void theDefaultManifestIsExpectedWhenItExists(@TempDir Path dir) throws Exception {
        Path m = manifest(dir, "pcr-manifest.json");
        VerificationRequest r = VerificationRequest.builder().defaultManifest(m).build();
        assertEquals(List.of(Pcr.ofHex(PCR0_HEX)), List.copyOf(r.expectations().pcrSets().get(0).pcrs().values()));
        assertTrue(r.imageDescription().startsWith("manifest "), r.imageDescription());
        VerificationRequest any = VerificationRequest.builder().defaultManifest(m).anyImage(true).build();
        assertTrue(any.expectations().anyImage());
        assertEquals(m, any.ignoredDefaultManifest().orElseThrow());
    }

    @Test
    void anEnvironmentWithoutItsHistoryFileIsHistoryNotFound(@TempDir Path dir) {
        assertEquals(PcrHistoryException.Code.HISTORY_NOT_FOUND, assertThrows(PcrHistoryException.class,
                () -> VerificationRequest.builder().environment("prod").history(dir.resolve("pcr-history.json")).build()).code());
    }

    @Test
    void withAnyImageEveryVerdictLineSaysTheImageWasNotChecked(@TempDir Path dir) throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs"));
        for (Fixtures f : Fixtures.production()) {
            Files.copy(f.path(), docs.resolve(f.file));
        }
        VerificationRequest r = VerificationRequest.builder().anyImage(true).time(VerificationTime.documentTime()).build();
        VerificationReport report = VerificationReport.verify(r, AttestationDocuments.list(docs), Clock.systemUTC());
        List<String> verdicts = report.summary().stream().filter(l -> l.startsWith("  verdict")).toList();
        assertEquals(3, verdicts.size());
        verdicts.forEach(l -> assertEquals("  verdict     OK (image: NOT checked (anyImage))", l));
        assertTrue(report.summary().get(report.summary().size() - 1).contains("NOT checked"));
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertFalse(json.get("image").get("checked").asBoolean());
        json.get("results").forEach(res -> {
            assertFalse(res.get("image").get("checked").asBoolean());
            assertTrue(res.get("image").get("release").isNull());
        });
    }

    @Test
    void manyDocumentsAreReportedInTheOrderOfTheFilesWithTheirOwnVerdicts(@TempDir Path dir) throws Exception {
        List<Path> files = new java.util.ArrayList<>();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) {
            Fixtures f = Fixtures.production().get(i % Fixtures.production().size());
            byte[] bytes = java.util.Base64.getMimeDecoder().decode(Files.readAllBytes(f.path()));
            boolean tamper = i % 3 == 1;
            if (tamper) {
                bytes[bytes.length - 1] ^= 1; // the last byte of the COSE signature
            }
            Path file = dir.resolve(String.format("doc-%02d.bin", i));
            Files.write(file, bytes);
            files.add(file);
            expected.add(file.getFileName() + " " + (tamper ? "REJECTED SIGNATURE_INVALID" : "OK null"));
        }
        VerificationRequest r = VerificationRequest.builder().anyImage(true).time(VerificationTime.documentTime()).build();
        VerificationReport report = VerificationReport.verify(r, files, Clock.systemUTC());
        assertEquals(expected, report.results().stream()
                .map(res -> Path.of(res.file()).getFileName() + " " + res.verdict() + " " + res.code()).toList());
    }

    @Test
    void aRejectedDocumentSaysWhichImageWasExpected(@TempDir Path dir) throws Exception {
        Path m = manifest(dir, "pcr-manifest.json");
        VerificationRequest r = VerificationRequest.builder().manifest(m).time(VerificationTime.documentTime()).build();
        VerificationReport report = VerificationReport.verify(r, List.of(Fixtures.EVERVAULT.path()), Clock.systemUTC());
        VerificationReport.Result res = report.results().get(0);
        assertEquals(AttestationException.Code.PCR_MISMATCH, res.code());
        assertFalse(res.imageChecked());
        assertEquals("mismatch", res.pcrStatus().get(0));
        String verdict = report.summary().stream().filter(l -> l.startsWith("  verdict")).findFirst().orElseThrow();
        assertTrue(verdict.startsWith("  verdict     REJECTED (image: not accepted, expected manifest ")
                && verdict.contains("PCR_MISMATCH"), verdict);
    }

    @Test
    void aDocumentRejectedForAnotherReasonDoesNotReadAsAnAcceptedImage(@TempDir Path dir) throws Exception {
        // the real document's own PCR0, checked now: its certificates expired long ago
        String pcr0 = UnverifiedDocument.parse(AttestationDocuments.decode(AttestationDocuments.read(Fixtures.EVERVAULT.path())))
                .pcr(0).orElseThrow().hex();
        Path m = Files.writeString(dir.resolve("pcr-manifest.json"),
                "{\"schemaVersion\":1,\"hashAlgorithm\":\"SHA384\",\"pcrs\":{\"0\":\"" + pcr0 + "\"}}");
        VerificationRequest r = VerificationRequest.builder().manifest(m).build();
        VerificationReport report = VerificationReport.verify(r, List.of(Fixtures.EVERVAULT.path()), Clock.systemUTC());
        VerificationReport.Result res = report.results().get(0);
        assertEquals(VerificationReport.Verdict.REJECTED, res.verdict());
        assertEquals(AttestationException.Code.CERT_NOT_VALID_AT_TIME, res.code());
        assertEquals("match", res.pcrStatus().get(0));
        String verdict = report.summary().stream().filter(l -> l.startsWith("  verdict")).findFirst().orElseThrow();
        assertTrue(verdict.startsWith("  verdict     REJECTED (image: not accepted: its unverified PCRs match, but the "
                + "document was rejected) CERT_NOT_VALID_AT_TIME: "), verdict);
    }
}

package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.fuzz.FuzzFixtures;
import dev.attested.pcr.Pcr;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Fuzz targets for attestation documents (docs/fuzzing.md): {@link AttestationVerifier#verify} and
 * {@link UnverifiedDocument#parse} on any bytes throw nothing but {@link AttestationException}, within a memory
 * budget. A document the verifier accepts must say what an independent reading says: Jackson's CBOR parser takes
 * the COSE_Sign1 and its payload apart, the JDK's X.509 and ECDSA check the signature over a Sig_structure
 * Jackson encodes, and every field of the {@link VerifiedAttestation} must equal Jackson's. The verifier trusts
 * the simulated PKI's root and AWS's, and verifies at the document's own time.
 *
 * <p>{@link #verify} mutates whole documents (real AWS ones and simulated ones); a mutated document rarely keeps
 * a valid signature, so {@link #verifySignedPayload} signs the fuzzed payload with the simulated leaf key first
 * and reaches the schema, chain, time and expectation checks behind the signature.
 */
class AttestationDocumentFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(32, 256);
    private static final AttestationVerifier VERIFIER = AttestationVerifier.builder()
            .trustAnchor(FuzzFixtures.pki().root()).trustAnchor(NitroRoots.awsG1()).atDocumentTime().build();
    private static final Expectations ANY = Expectations.builder().anyImage().allowDebugMode().build();
    private static final CBORMapper JACKSON = new CBORMapper();

    @FuzzTest(maxDuration = "5m")
    void verify(byte[] document) throws Exception {
        check(document);
    }

    @FuzzTest(maxDuration = "5m")
    void verifySignedPayload(byte[] payload) throws Exception {
        check(CoseSign1.signEs384(payload, FuzzFixtures.pki().leafKey()));
    }

    /** The seed corpora hold documents that verify: a change in the simulated PKI would leave them useless. */
    @Test
    void seedDocumentsVerify() throws IOException {
        Path dir = Path.of("src/test/resources/dev/attested/attestation/AttestationDocumentFuzzTestInputs/verify");
        int verified = 0;
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().startsWith("valid-")).toList()) {
                VERIFIER.verify(Files.readAllBytes(p), ANY);
                verified++;
            }
        }
        assertTrue(verified >= 3, "valid seed documents in " + dir + ": " + verified);
    }

    private static void check(byte[] document) throws Exception {
        UnverifiedDocument parsed = null;
        try {
            parsed = BUDGET.measure(document.length, () -> UnverifiedDocument.parse(document));
        } catch (AttestationException e) {
            assertNotNull(e.code());
        }
        VerifiedAttestation verified;
        try {
            verified = BUDGET.measure(document.length, () -> VERIFIER.verify(document, ANY));
        } catch (AttestationException e) {
            assertNotNull(e.code());
            return;
        }
        assertNotNull(parsed, "UnverifiedDocument.parse refused a document the verifier accepted");
        assertEquals(verified.moduleId(), parsed.moduleId());
        assertEquals(verified.pcrs(), parsed.pcrs());
        assertIndependentReadingAgrees(document, verified);
    }

    /** Reads the document with Jackson and the JDK only, and compares with what the verifier returned. */
    private static void assertIndependentReadingAgrees(byte[] document, VerifiedAttestation v)
            throws IOException, GeneralSecurityException {
        JsonNode cose = JACKSON.readTree(document);
        assertTrue(cose.isArray() && cose.size() == 4, "COSE_Sign1 is an array of 4");
        byte[] protectedHeader = cose.get(0).binaryValue();
        byte[] payloadBytes = cose.get(2).binaryValue();
        byte[] signature = cose.get(3).binaryValue();
        JsonNode payload = JACKSON.readTree(payloadBytes);

        X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(payload.get("certificate").binaryValue()));
        assertArrayEquals(leaf.getEncoded(), v.leaf().getEncoded(), "leaf certificate");
        Signature jdk = Signature.getInstance("SHA384withECDSAinP1363Format");
        jdk.initVerify(leaf.getPublicKey());
        jdk.update(sigStructure(protectedHeader, payloadBytes));
        assertTrue(jdk.verify(signature), "the JDK's ECDSA rejects the signature the verifier accepted");

        assertEquals(payload.get("module_id").textValue(), v.moduleId(), "module_id");
        assertEquals(payload.get("timestamp").bigIntegerValue().longValueExact(), v.timestamp().toEpochMilli(), "timestamp");
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = payload.get("pcrs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // Jackson names integer keys in decimal, a 64-bit key by its signed reading (2^63 is "-9223372036854775808")
            BigInteger index = new BigInteger(e.getKey());
            assertTrue(index.signum() >= 0 && index.compareTo(BigInteger.valueOf(31)) <= 0,
                    "the verifier accepted a document whose pcrs map has the key " + e.getKey() + ", not an index 0..31");
            pcrs.put(index.intValueExact(), Pcr.of(e.getValue().binaryValue()));
        }
        assertEquals(pcrs, v.pcrs(), "pcrs");
        assertOptional(payload, "public_key", v.publicKey(), true);
        assertOptional(payload, "user_data", v.userData(), false);
        assertOptional(payload, "nonce", v.nonce(), false);
    }

    private static void assertOptional(JsonNode payload, String field, Optional<byte[]> found, boolean emptyIsAbsent)
            throws IOException {
        JsonNode n = payload.get(field);
        byte[] expected = n == null || n.isNull() ? null : n.binaryValue();
        if (expected != null && expected.length == 0 && emptyIsAbsent) {
            expected = null;
        }
        assertArrayEquals(expected, found.orElse(null), field);
    }

    /** {@code ["Signature1", protected, h'', payload]}, written by Jackson's CBOR generator. */
    private static byte[] sigStructure(byte[] protectedHeader, byte[] payload) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator g = new CBORFactory().createGenerator(out)) {
            g.writeStartArray(null, 4);
            g.writeString("Signature1");
            g.writeBinary(protectedHeader);
            g.writeBinary(new byte[0]);
            g.writeBinary(payload);
            g.writeEndArray();
        }
        return out.toByteArray();
    }
}

package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cbor.CborWriter;
import dev.attested.pcr.Pcr;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class UnverifiedDocumentTest {
    /**
     * A document shaped like QEMU's nitro-enclave emulation returns it (docs/spec/qemu-nitro-enclave.md §2.6): alg -1,
     * zero signature.
     */
    static byte[] qemuDocument() {
        CborWriter payload = new CborWriter().startMap(9)
                .text("module_id").text("i-emulated-enc0000000000000001")
                .text("digest").text("SHA384")
                .text("timestamp").uint(1_750_000_000_000L)
                .text("pcrs").startMap(16);
        for (int i = 0; i < 16; i++) {
            payload.integer(i).bytes(i == 0 ? Pcr.ofContent(new byte[] {1}).toByteArray() : new byte[48]);
        }
        payload.text("certificate").bytes(new byte[64])
                .text("cabundle").startArray(1).bytes(new byte[64])
                .text("public_key").nul()
                .text("user_data").bytes("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .text("nonce").bytes(new byte[] {1, 2, 3});
        return new CborWriter().startArray(4).bytes(new byte[] {(byte) 0xa1, 0x01, 0x20}).startMap(0)
                .bytes(payload.toByteArray()).bytes(new byte[64]).toByteArray();
    }

    @Test
    void readsEmulatorDocumentsWithoutVerifyingThem() {
        UnverifiedDocument d = UnverifiedDocument.parse(qemuDocument());
        assertEquals(-1, d.algorithm());
        assertEquals("i-emulated-enc0000000000000001", d.moduleId());
        assertEquals(Instant.ofEpochMilli(1_750_000_000_000L), d.timestamp());
        assertEquals(Pcr.ofContent(new byte[] {1}), d.pcr(0).orElseThrow());
        assertArrayEquals(new byte[] {1, 2, 3}, d.nonce().orElseThrow());
        assertTrue(d.publicKey().isEmpty());
    }

    @Test
    void theVerifierRejectsEmulatorDocumentsAsUnsupportedAlgorithm() {
        AttestationVerifier v = AttestationVerifier.builder().atDocumentTime().build();
        assertEquals(AttestationException.Code.UNSUPPORTED_ALGORITHM,
                assertThrows(AttestationException.class, () -> v.verify(qemuDocument(), AttestationVerifierTest.ANY)).code());
    }

    @Test
    void aWrappedCoseOrCborErrorSaysCodeAndHintOnce() {
        AttestationVerifier v = AttestationVerifier.builder().atDocumentTime().build();
        AttestationException e = assertThrows(AttestationException.class, () -> v.verify(qemuDocument(), AttestationVerifierTest.ANY));
        assertEquals("UNSUPPORTED_ALGORITHM: expected algorithm -35 (ES384), found -1. "
                + AttestationException.Code.UNSUPPORTED_ALGORITHM.hint(), e.getMessage());
        byte[] doc = qemuDocument();
        byte[] truncated = java.util.Arrays.copyOf(doc, doc.length - 10);
        e = assertThrows(AttestationException.class, () -> UnverifiedDocument.parse(truncated));
        assertEquals(AttestationException.Code.MALFORMED_CBOR, e.code());
        String message = e.getMessage();
        assertTrue(message.startsWith("MALFORMED_CBOR: expected one well-formed CBOR item, found ")
                && message.endsWith(". " + AttestationException.Code.MALFORMED_CBOR.hint())
                && !message.contains("..") && !message.substring("MALFORMED_CBOR: ".length()).matches(".*[A-Z_]{6,}: .*"),
                message);
    }

    @Test
    void schemaIsCheckedEvenWithoutVerification() {
        byte[] doc = AttestationVerifierTest.PKI.documentBuilder().digest("SHA512").sign();
        assertEquals(AttestationException.Code.SCHEMA_VIOLATION,
                assertThrows(AttestationException.class, () -> UnverifiedDocument.parse(doc)).code());
    }

    @Test
    void anAlgorithmBeyond64SignedBitsIsUnsupportedNotWrappedAround() {
        // {1: -2^64}: as a signed long the raw 64 bits would wrap to a small number
        byte[] header = new CborWriter().startMap(1).integer(1).raw(java.util.HexFormat.of().parseHex("3bffffffffffffffff"))
                .toByteArray();
        byte[] doc = AttestationVerifierTest.PKI.documentBuilder().protectedHeader(header).sign();
        assertEquals(AttestationException.Code.UNSUPPORTED_ALGORITHM,
                assertThrows(AttestationException.class, () -> UnverifiedDocument.parse(doc)).code());
    }
}

package dev.attested.internal.cose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.Fixtures;
import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import dev.attested.testkit.SimulatedNitroPki;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class CoseSign1Test {
    private static final SimulatedNitroPki PKI = SimulatedNitroPki.create(Instant.parse("2025-06-01T00:00:00Z"), 7);

    static X509Certificate leafOf(byte[] document) throws Exception {
        CborValue.MapValue payload = (CborValue.MapValue) CborReader.decode(CoseSign1.parse(document).payload());
        byte[] der = ((CborValue.Bytes) payload.get("certificate")).bytes();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void realDocumentsVerifyWithTheirLeafKeyIncludingHighS(Fixtures fixture) throws Exception {
        byte[] doc = fixture.bytes();
        CoseSign1 cose = CoseSign1.parse(doc).requireEs384();
        assertDoesNotThrow(() -> cose.verifyEs384(Es384.publicKey(leafOf(doc).getPublicKey())));
    }

    @Test
    void sigStructureOfFixture01MatchesTheSpecBytes() {
        // docs/spec/attestation-document.md §2.2: 846a5369676e61747572653144a1013822405910c0 + 4288 payload bytes
        // (4309 bytes total)
        byte[] sig = CoseSign1.parse(Fixtures.UID2_DEBUG.bytes()).sigStructure();
        assertEquals(4309, sig.length);
        assertEquals("846a5369676e61747572653144a1013822405910c0", HexFormat.of().formatHex(sig, 0, 21));
        assertArrayEquals(Es384.sha384(sig), CoseSign1.parse(Fixtures.UID2_DEBUG.bytes()).sigStructureDigest());
    }

    @Test
    void signEs384ProducesTheUntaggedAwsFraming() throws Exception {
        byte[] doc = CoseSign1.signEs384(new byte[] {1, 2, 3}, PKI.leafKey());
        assertEquals("8444a1013822a0430102035860", HexFormat.of().formatHex(doc, 0, 13));
        assertEquals(13 + 96, doc.length);
        CoseSign1.parse(doc).verifyEs384(Es384.publicKey(PKI.leaf().getPublicKey()));
    }

    @Test
    void signaturesAreDeterministic() {
        assertArrayEquals(CoseSign1.signEs384(new byte[10], PKI.leafKey()), CoseSign1.signEs384(new byte[10], PKI.leafKey()));
    }

    @Test
    void shortPayloadUsesAOneByteLengthHeadInTheSigStructure() {
        byte[] doc = CoseSign1.signEs384(new byte[100], PKI.leafKey());
        byte[] sig = CoseSign1.parse(doc).sigStructure();
        assertEquals("5864", HexFormat.of().formatHex(sig, 18, 20));
    }

    @Test
    void acceptsTag18() {
        byte[] doc = CoseSign1.signEs384(new byte[] {1}, PKI.leafKey());
        byte[] tagged = new byte[doc.length + 1];
        tagged[0] = (byte) 0xd2;
        System.arraycopy(doc, 0, tagged, 1, doc.length);
        CoseSign1 cose = CoseSign1.parse(tagged);
        assertTrue(cose.tagged());
        cose.verifyEs384(Es384.publicKey(PKI.leaf().getPublicKey()));
    }

    @Test
    void rejectsOtherTags() {
        byte[] doc = CoseSign1.signEs384(new byte[] {1}, PKI.leafKey());
        byte[] tagged = new byte[doc.length + 1];
        tagged[0] = (byte) 0xd1;
        System.arraycopy(doc, 0, tagged, 1, doc.length);
        assertEquals(CoseException.Code.MALFORMED, assertThrows(CoseException.class, () -> CoseSign1.parse(tagged)).code());
    }

    @Test
    void rejectsAnotherAlgorithm() {
        byte[] es256 = new CborWriter().startMap(1).integer(1).integer(-7).toByteArray();
        byte[] doc = CoseSign1.sign(es256, new byte[] {1}, PKI.leafKey()).encode(false);
        assertEquals(CoseException.Code.UNSUPPORTED_ALGORITHM,
                assertThrows(CoseException.class, () -> CoseSign1.parse(doc).requireEs384()).code());
    }

    @Test
    void rejectsExtraProtectedHeaderEntries() {
        byte[] header = new CborWriter().startMap(2).integer(1).integer(-35).integer(4).bytes(new byte[] {1}).toByteArray();
        byte[] doc = CoseSign1.sign(header, new byte[] {1}, PKI.leafKey()).encode(false);
        assertEquals(CoseException.Code.MALFORMED,
                assertThrows(CoseException.class, () -> CoseSign1.parse(doc).requireEs384()).code());
    }

    @Test
    void rejectsAFlippedPayloadBit() {
        byte[] doc = CoseSign1.signEs384(new byte[] {1, 2, 3}, PKI.leafKey());
        doc[8] ^= 1;
        assertEquals(CoseException.Code.SIGNATURE_INVALID, assertThrows(CoseException.class,
                () -> CoseSign1.parse(doc).verifyEs384(Es384.publicKey(PKI.leaf().getPublicKey()))).code());
    }

    @Test
    void rejectsASignatureByAnotherKey() {
        KeyPair other = PKI.keyPair("other");
        byte[] doc = CoseSign1.signEs384(new byte[] {1, 2, 3}, other.getPrivate());
        assertEquals(CoseException.Code.SIGNATURE_INVALID, assertThrows(CoseException.class,
                () -> CoseSign1.parse(doc).verifyEs384(Es384.publicKey(PKI.leaf().getPublicKey()))).code());
    }

    @Test
    void rejectsTrailingBytesAndTruncation() {
        byte[] doc = CoseSign1.signEs384(new byte[] {1, 2, 3}, PKI.leafKey());
        assertThrows(CoseException.class, () -> CoseSign1.parse(Arrays.copyOf(doc, doc.length + 1)));
        assertThrows(CoseException.class, () -> CoseSign1.parse(Arrays.copyOf(doc, doc.length - 1)));
    }

    @Test
    void highSSignatureOfFixture05IsAccepted() throws Exception {
        byte[] doc = Fixtures.MARLIN_HIGH_S.bytes();
        byte[] sig = CoseSign1.parse(doc).signature();
        java.math.BigInteger s = new java.math.BigInteger(1, Arrays.copyOfRange(sig, 48, 96));
        assertTrue(s.compareTo(Es384.DOMAIN.getN().shiftRight(1)) > 0, "fixture 05 carries a high-S signature");
        assertTrue(Es384.publicKey(leafOf(doc).getPublicKey()).verifyRaw(CoseSign1.parse(doc).sigStructure(), sig));
        assertFalse(Es384.publicKey(PKI.leaf().getPublicKey()).verifyRaw(CoseSign1.parse(doc).sigStructure(), sig));
    }
}

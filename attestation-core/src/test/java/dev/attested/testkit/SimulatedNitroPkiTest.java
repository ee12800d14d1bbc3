package dev.attested.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.internal.cose.Es384;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedNitroPkiTest {
    private static final Instant START = Instant.parse("2025-06-01T00:00:00Z");
    private static final SimulatedNitroPki PKI = SimulatedNitroPki.create(START, 42);

    @Test
    void chainValidatesWithJdkPkixLikeAwsChains() throws Exception {
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(PKI.root(), null)));
        params.setRevocationEnabled(false);
        params.setDate(Date.from(START.plusSeconds(60)));
        var path = CertificateFactory.getInstance("X.509")
                .generateCertPath(List.of(PKI.leaf(), PKI.instanceCa(), PKI.zonal(), PKI.regional()));
        CertPathValidator.getInstance("PKIX").validate(path, params);
    }

    @Test
    void lifetimesFollowTheAwsChainTable() {
        assertEquals(Duration.ofDays(365L * 30), life(PKI.root()));
        assertEquals(Duration.ofDays(20), life(PKI.regional()));
        assertEquals(Duration.ofDays(5), life(PKI.zonal()));
        assertEquals(Duration.ofDays(1), life(PKI.instanceCa()));
        assertEquals(Duration.ofHours(3), life(PKI.leaf()));
    }

    @Test
    void extensionsFollowTheAwsChainTable() {
        assertEquals(Integer.MAX_VALUE, PKI.root().getBasicConstraints());
        assertEquals(2, PKI.regional().getBasicConstraints());
        assertEquals(1, PKI.zonal().getBasicConstraints());
        assertEquals(0, PKI.instanceCa().getBasicConstraints());
        assertEquals(-1, PKI.leaf().getBasicConstraints());
        assertTrue(PKI.leaf().getKeyUsage()[0], "leaf digitalSignature");
        assertTrue(PKI.leaf().getKeyUsage()[1], "leaf nonRepudiation");
        assertFalse(PKI.leaf().getCriticalExtensionOIDs().contains("2.5.29.15"), "leaf keyUsage is non-critical");
        assertTrue(PKI.instanceCa().getKeyUsage()[5], "instance CA keyCertSign");
        assertFalse(PKI.instanceCa().getKeyUsage()[0], "instance CA has keyCertSign only");
        assertEquals("SHA384withECDSA", PKI.leaf().getSigAlgName());
    }

    @Test
    void sameSeedAndStartGiveIdenticalDocuments() {
        SimulatedNitroPki again = SimulatedNitroPki.create(START, 42);
        assertArrayEquals(PKI.documentBuilder().nonce(new byte[] {9}).sign(), again.documentBuilder().nonce(new byte[] {9}).sign());
        assertFalse(java.util.Arrays.equals(PKI.root().getPublicKey().getEncoded(),
                SimulatedNitroPki.create(START, 43).root().getPublicKey().getEncoded()));
    }

    @Test
    void documentHasTheNineKeysInAwsOrderAndVerifiesWithTheLeaf() {
        byte[] doc = PKI.documentBuilder().userData(new byte[0]).sign();
        CoseSign1 cose = CoseSign1.parse(doc).requireEs384();
        cose.verifyEs384(Es384.publicKey(PKI.leaf().getPublicKey()));
        CborValue.MapValue payload = (CborValue.MapValue) CborReader.decode(cose.payload());
        assertEquals(List.of("module_id", "digest", "timestamp", "pcrs", "certificate", "cabundle", "public_key",
                "user_data", "nonce"), payload.entries().keySet().stream().map(k -> ((CborValue.Text) k).value()).toList());
        assertEquals(CborValue.NULL, payload.get("nonce"));
        assertEquals(16, ((CborValue.MapValue) payload.get("pcrs")).size());
        assertEquals(4, ((CborValue.Array) payload.get("cabundle")).size());
        assertEquals(PKI.moduleId(), ((CborValue.Text) payload.get("module_id")).value());
    }

    @Test
    void indefinitePayloadMapAndTagAreAvailableForTests() {
        byte[] doc = PKI.documentBuilder().indefinitePayloadMap(true).tagged(true).sign();
        assertEquals((byte) 0xd2, doc[0]);
        CoseSign1 cose = CoseSign1.parse(doc);
        assertEquals((byte) 0xbf, cose.payload()[0]);
        cose.verifyEs384(Es384.publicKey(PKI.leaf().getPublicKey()));
    }

    private static Duration life(X509Certificate c) {
        return Duration.between(c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
    }
}

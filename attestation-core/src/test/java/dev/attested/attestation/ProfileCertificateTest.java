package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cose.Es384;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.junit.jupiter.api.Test;

/** What the profile path reads from a certificate equals what the JDK reads; other forms are left to the JDK. */
class ProfileCertificateTest {
    @Test
    void readsEveryCertificateOfTheRealDocumentsAsTheJdkDoes() throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int count = 0;
        for (Fixtures f : Fixtures.values()) {
            UnverifiedDocument d = UnverifiedDocument.parse(f.bytes());
            List<byte[]> ders = new ArrayList<>(d.cabundle());
            ders.add(d.certificate());
            for (byte[] der : ders) {
                X509Certificate jdk = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(der));
                ProfileCertificate p = ProfileCertificate.parse(der);
                assertNotNull(p, f.file + ": " + jdk.getSubjectX500Principal());
                assertArrayEquals(jdk.getTBSCertificate(), p.tbs);
                assertArrayEquals(jdk.getSignature(), p.signature);
                assertEquals(jdk.getSubjectX500Principal(), p.subject);
                assertArrayEquals(jdk.getSubjectX500Principal().getEncoded(), p.subjectDer);
                assertArrayEquals(jdk.getIssuerX500Principal().getEncoded(), p.issuerDer);
                assertEquals(jdk.getNotBefore().toInstant(), p.notBefore);
                assertEquals(jdk.getNotAfter().toInstant(), p.notAfter);
                assertEquals(jdk.getBasicConstraints(), p.basicConstraints);
                boolean[] ku = jdk.getKeyUsage();
                for (int bit = 0; bit < 9; bit++) {
                    assertEquals(ku != null && ku[bit], p.hasKeyUsage(bit), "keyUsage bit " + bit);
                }
                assertArrayEquals(Es384.publicKey(jdk.getPublicKey()).encodedPoint(), p.key.encodedPoint());
                assertEquals(NitroRoots.sha256Hex(jdk), p.sha256Hex());
                count++;
            }
        }
        assertEquals(20, count);
    }

    @Test
    void theRootIsACaWithoutPathLimit() {
        ProfileCertificate g1 = ProfileCertificate.parse(NitroRoots.awsG1Der());
        assertEquals("CN=aws.nitro-enclaves,OU=AWS,O=Amazon,C=US", g1.subject.getName());
        assertEquals(Instant.parse("2019-10-28T13:28:05Z"), g1.notBefore);
        assertEquals(Instant.parse("2049-10-28T14:28:05Z"), g1.notAfter);
        assertEquals(Integer.MAX_VALUE, g1.basicConstraints);
        assertTrue(g1.hasKeyUsage(ProfileCertificate.KEY_CERT_SIGN));
        assertFalse(g1.otherCriticalExtension);
    }

    @Test
    void otherEncodingsOfTheSameCertificateAreLeftToTheJdk() throws Exception {
        byte[] der = NitroRoots.awsG1Der();
        assertNull(ProfileCertificate.parse(Arrays.copyOf(der, der.length + 1)), "a trailing byte");
        assertNull(ProfileCertificate.parse(Arrays.copyOf(der, der.length - 1)), "a truncated certificate");
        // the outer SEQUENCE length 0x0243 in three bytes instead of two: BER, not DER
        assertEquals(0x82, der[1] & 0xff);
        byte[] ber = new byte[der.length + 1];
        ber[0] = der[0];
        ber[1] = (byte) 0x83;
        ber[2] = 0;
        System.arraycopy(der, 2, ber, 3, der.length - 2);
        assertEquals(der.length, ASN1Primitive.fromByteArray(ber).getEncoded(ASN1Encoding.DER).length, "BC reads it");
        assertNull(ProfileCertificate.parse(ber));
        assertNull(ProfileCertificate.parse(new byte[0]));
        assertNull(ProfileCertificate.parse("not a certificate".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }

    @Test
    void readDerReadsExactlyOneObject() throws Exception {
        byte[] der = NitroRoots.awsG1Der();
        assertArrayEquals(der, Es384.readDer(der).getEncoded(ASN1Encoding.DER));
        assertThrows(java.io.IOException.class, () -> Es384.readDer(Arrays.copyOf(der, der.length + 2)));
        assertThrows(java.io.IOException.class, () -> Es384.readDer(new byte[0]));
    }
}

package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.internal.cose.Es384;
import dev.attested.pcr.Pcr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/spec/eif-format.md §6: the PcrInfo payload, the signature section, and the checks on signing inputs. */
class EifSignerTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void pcrInfoIsSerdeCborWithTheValueAsAnArrayOfUintsVector4() {
        byte[] value = new byte[48];
        for (int i = 0; i < 48; i++) {
            value[i] = (byte) i;
        }
        assertEquals("a26e72656769737465725f696e646578006e72656769737465725f76616c75659830000102030405060708090a0b0c0d0e0f"
                + "101112131415161718181819181a181b181c181d181e181f1820182118221823182418251826182718281829182a182b182c182d182e182f",
                HEX.formatHex(EifSigner.pcrInfo(0, value)));
    }

    @Test
    void signatureSectionIsAListOfOnePcrSignatureVector4() {
        byte[] cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII);
        byte[] sig = HEX.parseHex("d28444a101382 2a0404 0".replace(" ", ""));
        byte[] section = EifSigner.signatureSection(cert, sig);
        assertEquals(169, section.length);
        assertEquals("81a2737369676e696e675f6365727469666963617465983b182d182d182d182d182d1842184518471849184e1820184318451852"
                + "1854184918461849184318411854184518" + "2d182d182d182d182d0a184d1849184918420a182d182d182d182d182d1845184e18441820"
                + "1843184518521854184918461849184318411854184518" + "2d182d182d182d182d0a697369676e61747572658a18d21884184418a1011838182218a018401840",
                HEX.formatHex(section));
    }

    @Test
    void signedPayloadIsPcrInfoOfPcr0AndVerifiesWithTheCertificateKey(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        Pcr pcr0 = Pcr.ofContent("image".getBytes(StandardCharsets.US_ASCII));
        CborValue.Array list = (CborValue.Array) CborReader.decode(signer.signatureSection(pcr0));
        assertEquals(1, list.size());
        CborValue.MapValue entry = (CborValue.MapValue) list.get(0);
        assertEquals(java.util.List.of(new CborValue.Text("signing_certificate"), new CborValue.Text("signature")),
                java.util.List.copyOf(entry.entries().keySet()));
        assertArrayEquals(Files.readAllBytes(kc[1]), uints(entry.get("signing_certificate")));
        CoseSign1 cose = CoseSign1.parse(uints(entry.get("signature")));
        assertArrayEquals(EifSigner.pcrInfo(0, pcr0.toByteArray()), cose.payload());
        assertArrayEquals(HEX.parseHex("a1013822"), cose.protectedHeader());
        cose.verifyEs384(Es384.publicKey(signer.certificate().getPublicKey()));
    }

    @Test
    void pcr8IsTheMeasurementOfTheCertificateDer(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        assertEquals(Pcr.ofContent(signer.certificate().getEncoded()), signer.pcr8());
    }

    @Test
    void signingIsDeterministic(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        Pcr pcr0 = Pcr.ofContent(new byte[] {1});
        assertArrayEquals(signer.signatureSection(pcr0), signer.signatureSection(pcr0));
    }

    /** RFC 6979 A.2.6: the P-384 key of the appendix. */
    private static final String RFC6979_X =
            "6b9d3dad2e1b8c1c05b19875b6659f4de23c3b667bf297ba9aa47740787137d896d5724e4c70a825f872c9ea60d2edf5";
    private static final String RFC6979_UX =
            "ec3a4e415b4e19a4568618029f427fa5da9a8bc4ae92e02e06aae5286b300c64def8f0ea9055866064a254515480bc13";
    private static final String RFC6979_UY =
            "8015d9b72d7d57244ea8ef9ac0c621896708a59367f9dfb9f54ca84b3f1c9db1288b231c3ae0d4fe7344fd2533264720";

    private static java.security.KeyPair rfc6979Key() throws Exception {
        java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
        p.init(new java.security.spec.ECGenParameterSpec("secp384r1"));
        java.security.spec.ECParameterSpec curve = p.getParameterSpec(java.security.spec.ECParameterSpec.class);
        java.security.KeyFactory f = java.security.KeyFactory.getInstance("EC");
        return new KeyPair(f.generatePublic(new java.security.spec.ECPublicKeySpec(new java.security.spec.ECPoint(
                        new java.math.BigInteger(RFC6979_UX, 16), new java.math.BigInteger(RFC6979_UY, 16)), curve)),
                f.generatePrivate(new java.security.spec.ECPrivateKeySpec(new java.math.BigInteger(RFC6979_X, 16), curve)));
    }

    /** The JDK's own ECDSA (SunEC) verifies a raw r||s signature over {@code message}. */
    private static boolean jdkVerifies(java.security.PublicKey key, byte[] message, byte[] rawSignature) throws Exception {
        java.security.Signature v = java.security.Signature.getInstance("SHA384withECDSAinP1363Format", "SunEC");
        v.initVerify(key);
        v.update(message);
        return v.verify(rawSignature);
    }

    /** Known answers of RFC 6979 A.2.6 (P-384, SHA-384): the signer's nonces are the RFC's, not random. */
    @Test
    void signaturesAreTheKnownAnswersOfRfc6979AndVerifyWithTheJdk() throws Exception {
        KeyPair key = rfc6979Key();
        byte[] sample = Es384.signRaw("sample".getBytes(StandardCharsets.US_ASCII), key.getPrivate());
        assertEquals("94edbb92a5ecb8aad4736e56c691916b3f88140666ce9fa73d64c4ea95ad133c81a648152e44acf96e36dd1e80fabe46"
                + "99ef4aeb15f178cea1fe40db2603138f130e740a19624526203b6351d0a3a94fa329c145786e679e7b82c71a38628ac8",
                HEX.formatHex(sample));
        byte[] test = Es384.signRaw("test".getBytes(StandardCharsets.US_ASCII), key.getPrivate());
        assertEquals("8203b63d3c853e8d77227fb377bcf7b7b772e97892a80f36ab775d509d7a5feb0542a7f0812998da8f1dd3ca3cf023db"
                + "ddd0760448d42d8a43af45af836fce4de8be06b485e9b61b827c2f13173923e06a739f040649a667bf3b828246baa5a5",
                HEX.formatHex(test));
        assertTrue(jdkVerifies(key.getPublic(), "sample".getBytes(StandardCharsets.US_ASCII), sample));
        assertTrue(jdkVerifies(key.getPublic(), "test".getBytes(StandardCharsets.US_ASCII), test));
    }

    /**
     * The PCR0 signature of an EIF is a pure function of key and PCR0: the same key and image give the same
     * COSE_Sign1 bytes (pinned here), whose signature the JDK verifies over the Sig_structure as nitro-cli's
     * reader would.
     */
    @Test
    void pcr0SignatureIsAKnownAnswerThatTheJdkVerifies(@TempDir Path dir) throws Exception {
        KeyPair key = rfc6979Key();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=rfc6979 signer");
        byte[] der = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE,
                java.util.Date.from(SigningFixtures.NOT_BEFORE), java.util.Date.from(SigningFixtures.NOT_AFTER), name,
                key.getPublic()).build(new DeterministicSigner(key.getPrivate())).getEncoded();
        byte[] pem = ("-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n").getBytes(StandardCharsets.US_ASCII);
        EifSigner signer = EifSigner.of(key.getPrivate(), pem, SigningFixtures.DURING);
        Pcr pcr0 = Pcr.ofContent("known image".getBytes(StandardCharsets.US_ASCII));

        byte[] section = signer.signatureSection(pcr0);
        assertArrayEquals(section, EifSigner.of(key.getPrivate(), pem, SigningFixtures.DURING).signatureSection(pcr0));
        CborValue.MapValue entry = (CborValue.MapValue) ((CborValue.Array) CborReader.decode(section)).get(0);
        CoseSign1 cose = CoseSign1.parse(uints(entry.get("signature")));
        assertEquals("934c3d4e2b1dab192d427680b01f08c10385c148c21c333631649721b2f7473521d58d756022aac02e60bf22614c388f"
                + "3a0b18bf797e27036f29b1da2a924e408fb11f832ec85e6d9fe88aa18f5a9e034ff609d1f37d2b09be4240cf9c618210",
                HEX.formatHex(cose.signature()));
        assertEquals("c4f6ef573c477b333bcedabbf43f9dc500d640ba5074f29c5ce50668ce9c2bf3", HEX.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(section)),
                "the whole signature section (certificate PEM and COSE_Sign1)");
        assertTrue(jdkVerifies(key.getPublic(), cose.sigStructure(), cose.signature()));
        assertArrayEquals(EifSigner.pcrInfo(0, pcr0.toByteArray()), cose.payload());
    }

    /** Certificates for the known-answer test: ecdsa-with-SHA384, RFC 6979, so the certificate bytes repeat. */
    private static final class DeterministicSigner implements org.bouncycastle.operator.ContentSigner {
        private final java.security.PrivateKey key;
        private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();

        DeterministicSigner(java.security.PrivateKey key) {
            this.key = key;
        }

        @Override
        public org.bouncycastle.asn1.x509.AlgorithmIdentifier getAlgorithmIdentifier() {
            return new org.bouncycastle.asn1.x509.AlgorithmIdentifier(
                    org.bouncycastle.asn1.x9.X9ObjectIdentifiers.ecdsa_with_SHA384);
        }

        @Override
        public java.io.OutputStream getOutputStream() {
            return buffer;
        }

        @Override
        public byte[] getSignature() {
            return Es384.signDer(buffer.toByteArray(), key);
        }
    }

    /** Two builds of the same image signed with the same key and certificate are byte-identical files. */
    @Test
    void signedEifsWithTheSameKeyAreByteIdentical(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifWriter.WrittenEif a = EifWriterTest.synthetic(dir).signer(EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING))
                .build().write(dir.resolve("a.eif"));
        EifWriter.WrittenEif b = EifWriterTest.synthetic(dir).signer(EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING))
                .build().write(dir.resolve("b.eif"));
        assertArrayEquals(Files.readAllBytes(a.file()), Files.readAllBytes(b.file()));
        assertEquals(a.sha256(), b.sha256());
        EifImage read = EifReader.read(b.file());
        assertEquals(a.measurements().pcr8(), read.measurements().pcr8());
    }

    @Test
    void signedImageHasPcr8AndTheSameImagePcrs(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        EifMeasurements unsigned = EifWriterTest.synthetic(dir).build().write(dir.resolve("u.eif")).measurements();
        EifWriter.WrittenEif signed = EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("s.eif"));
        assertEquals(unsigned.pcr0(), signed.measurements().pcr0());
        assertEquals(unsigned.pcr1(), signed.measurements().pcr1());
        assertEquals(unsigned.pcr2(), signed.measurements().pcr2());
        assertEquals(signer.pcr8(), signed.measurements().pcr8().orElseThrow());
        EifHeader header = EifHeader.decode(Files.readAllBytes(signed.file()));
        assertEquals(6, header.sectionCount());
        assertEquals(893, header.sectionOffsets().get(5));
    }

    @Test
    void signingAnExistingEifReportsTheSha256SizeAndCrcOfTheSignedFile(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        EifWriter.WrittenEif unsigned = EifWriterTest.synthetic(dir).build().write(dir.resolve("u.eif"));
        EifWriter.WrittenEif signed = signer.sign(unsigned.file(), dir.resolve("signed.eif"));
        byte[] file = Files.readAllBytes(signed.file());
        assertEquals(HEX.formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(file)), signed.sha256());
        assertEquals(file.length, signed.size());
        assertEquals(EifHeader.decode(file).crc32(), signed.crc32());
        assertNotEquals(unsigned.sha256(), signed.sha256());
    }

    @Test
    void p256KeyIsRefused(@TempDir Path dir) throws Exception {
        KeyPair kp = SigningFixtures.ec("secp256r1");
        Path key = SigningFixtures.write(dir, "key.pem", SigningFixtures.pkcs8(kp.getPrivate()));
        Path cert = SigningFixtures.write(dir, "cert.pem", SigningFixtures.certificatePem(kp, kp,
                SigningFixtures.NOT_BEFORE, SigningFixtures.NOT_AFTER));
        EifException e = assertThrows(EifException.class, () -> EifSigner.fromPem(key, cert, SigningFixtures.DURING));
        assertEquals(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID, e.code());
        assertTrue(e.getMessage().contains("P-384"), e.getMessage());
    }

    @Test
    void rsaKeyIsRefused(@TempDir Path dir) throws Exception {
        KeyPair rsa = SigningFixtures.rsa();
        Path[] kc = SigningFixtures.p384(dir);
        Path key = SigningFixtures.write(dir, "rsa.pem", SigningFixtures.pkcs8(rsa.getPrivate()));
        EifException e = assertThrows(EifException.class, () -> EifSigner.fromPem(key, kc[1], SigningFixtures.DURING));
        assertEquals(EifException.Code.EIF_SIGNING_KEY_INVALID, e.code());
    }

    @Test
    void keyOfAnotherCertificateIsAMismatch(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        Path other = SigningFixtures.write(dir, "other.pem", SigningFixtures.pkcs8(SigningFixtures.ec("secp384r1").getPrivate()));
        EifException e = assertThrows(EifException.class, () -> EifSigner.fromPem(other, kc[1], SigningFixtures.DURING));
        assertEquals(EifException.Code.EIF_SIGNING_KEY_MISMATCH, e.code());
    }

    @Test
    void expiredCertificateIsRefusedAtTheSigningInstant(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifException e = assertThrows(EifException.class,
                () -> EifSigner.fromPem(kc[0], kc[1], Instant.parse("2027-06-01T00:00:00Z")));
        assertEquals(EifException.Code.EIF_SIGNING_CERTIFICATE_EXPIRED, e.code());
        assertEquals(EifException.Code.EIF_SIGNING_CERTIFICATE_EXPIRED, assertThrows(EifException.class,
                () -> EifSigner.fromPem(kc[0], kc[1], Instant.parse("2024-06-01T00:00:00Z"))).code());
    }

    @Test
    void missingOrGarbageInputsAreNamedErrors(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        Path garbage = SigningFixtures.write(dir, "garbage.pem", "not a pem\n");
        assertEquals(EifException.Code.EIF_SIGNING_KEY_INVALID, assertThrows(EifException.class,
                () -> EifSigner.fromPem(dir.resolve("absent.pem"), kc[1], SigningFixtures.DURING)).code());
        assertEquals(EifException.Code.EIF_SIGNING_KEY_INVALID, assertThrows(EifException.class,
                () -> EifSigner.fromPem(garbage, kc[1], SigningFixtures.DURING)).code());
        assertEquals(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID, assertThrows(EifException.class,
                () -> EifSigner.fromPem(kc[0], garbage, SigningFixtures.DURING)).code());
    }

    @Test
    void opensslStyleKeyWithEcParametersBlockIsAccepted(@TempDir Path dir) throws Exception {
        KeyPair kp = SigningFixtures.ec("secp384r1");
        String sec1 = SigningFixtures.sec1(kp);
        Path key = SigningFixtures.write(dir, "key.pem", "-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n" + sec1);
        Path cert = SigningFixtures.write(dir, "cert.pem", SigningFixtures.certificatePem(kp, kp,
                SigningFixtures.NOT_BEFORE, SigningFixtures.NOT_AFTER));
        assertTrue(sec1.contains("BEGIN EC PRIVATE KEY"), sec1);
        EifSigner.fromPem(key, cert, SigningFixtures.DURING);
    }

    private static byte[] uints(CborValue v) {
        CborValue.Array a = (CborValue.Array) v;
        byte[] out = new byte[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((CborValue.UnsignedInt) a.get(i)).value();
        }
        return out;
    }
}

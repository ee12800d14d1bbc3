package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.cbor.CborReader;
import dev.attested.cbor.CborValue;
import dev.attested.cose.CoseSign1;
import dev.attested.cose.Es384;
import dev.attested.pcr.Pcr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EIF.md §7: the PcrInfo payload, the signature section, and the checks on signing inputs. */
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

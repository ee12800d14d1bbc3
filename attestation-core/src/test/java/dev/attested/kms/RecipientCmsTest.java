package dev.attested.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.kms.RecipientCms.Code;
import dev.attested.kms.RecipientCms.RecipientCmsException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.RecipientIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JceAsymmetricKeyWrapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CiphertextForRecipient per docs/spec/kms-attestation.md §5: structure, decryption and every refusal. */
class RecipientCmsTest {
    private static final byte[] SECRET = "database password: correct horse".getBytes(StandardCharsets.UTF_8);
    private static KeyPair enclaveKey;
    private static KeyPair otherKey;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        enclaveKey = g.generateKeyPair();
        otherKey = g.generateKeyPair();
    }

    private static byte[] envelope() {
        return RecipientCms.encrypt(SECRET, enclaveKey.getPublic(), new SecureRandom());
    }

    @Test
    void decryptsAnEnvelopeMadeForTheEnclaveKey() {
        assertArrayEquals(SECRET, RecipientCms.decrypt(envelope(), enclaveKey.getPrivate()));
    }

    @Test
    void envelopeHasTheShapeKmsSends() throws Exception {
        byte[] bytes = envelope();
        assertEquals("3080", HexFormat.of().formatHex(bytes, 0, 2), "indefinite-length BER ContentInfo");
        ContentInfo ci = ContentInfo.getInstance(ASN1Primitive.fromByteArray(bytes));
        assertEquals(PKCSObjectIdentifiers.envelopedData, ci.getContentType());
        EnvelopedData ed = EnvelopedData.getInstance(ci.getContent());
        assertEquals(2, ed.getVersion().intValueExact());
        KeyTransRecipientInfo ktri = (KeyTransRecipientInfo) RecipientInfo.getInstance(ed.getRecipientInfos().getObjectAt(0)).getInfo();
        assertEquals(2, ktri.getVersion().intValueExact());
        assertEquals(32, ((DEROctetString) ktri.getRecipientIdentifier().getId().toASN1Primitive()).getOctets().length);
        RSAESOAEPparams p = RSAESOAEPparams.getInstance(ktri.getKeyEncryptionAlgorithm().getParameters());
        assertEquals("2.16.840.1.101.3.4.2.1", p.getHashAlgorithm().getAlgorithm().getId());
        assertEquals(PKCSObjectIdentifiers.id_mgf1, p.getMaskGenAlgorithm().getAlgorithm());
        assertEquals(256, ktri.getEncryptedKey().getOctets().length, "RSA-2048 modulus size");
        assertEquals("2.16.840.1.101.3.4.1.42", ed.getEncryptedContentInfo().getContentEncryptionAlgorithm().getAlgorithm().getId());
    }

    @Test
    void decryptsContentSplitIntoManyChunks() {
        byte[] big = new byte[5000];
        new SecureRandom().nextBytes(big);
        byte[] env = RecipientCms.encrypt(big, enclaveKey.getPublic(), new SecureRandom());
        assertArrayEquals(big, RecipientCms.decrypt(env, enclaveKey.getPrivate()));
    }

    @Test
    void anEnvelopeForAnotherKeyFailsToUnwrap() {
        RecipientCmsException e = assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(envelope(), otherKey.getPrivate()));
        assertEquals(Code.KEY_UNWRAP_FAILED, e.code());
    }

    @Test
    void alteredContentFailsToDecrypt() {
        byte[] env = envelope();
        // 32 bytes of ciphertext end 10 bytes (five end-of-contents markers) before the end; flipping the last
        // byte of the first block flips the padding byte of the last.
        env[env.length - 10 - 16 - 1] ^= 0x01;
        RecipientCmsException e = assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(env, enclaveKey.getPrivate()));
        assertEquals(Code.CONTENT_DECRYPTION_FAILED, e.code());
    }

    @Test
    void oaepWithSha1IsRefusedBeforeUsingTheKey() throws Exception {
        CMSEnvelopedDataStreamGenerator gen = new CMSEnvelopedDataStreamGenerator();
        OAEPParameterSpec sha1 = new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);
        gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(new byte[32],
                new JceAsymmetricKeyWrapper(sha1, enclaveKey.getPublic())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gen.open(bytes, new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build())) {
            out.write(SECRET);
        }
        RecipientCmsException e = assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(bytes.toByteArray(), enclaveKey.getPrivate()));
        assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, e.code());
    }

    @Test
    void aes128ContentIsRefused() throws Exception {
        CMSEnvelopedDataStreamGenerator gen = new CMSEnvelopedDataStreamGenerator();
        OAEPParameterSpec sha256 = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
        gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(new byte[32],
                new JceAsymmetricKeyWrapper(sha256, enclaveKey.getPublic())));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gen.open(bytes, new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES128_CBC).build())) {
            out.write(SECRET);
        }
        RecipientCmsException e = assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(bytes.toByteArray(), enclaveKey.getPrivate()));
        assertEquals(Code.UNSUPPORTED_CONTENT_ENCRYPTION, e.code());
    }

    @Test
    void otherContentTypesAreNotEnvelopedData() throws Exception {
        byte[] data = new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(SECRET)).getEncoded();
        RecipientCmsException e = assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(data, enclaveKey.getPrivate()));
        assertEquals(Code.NOT_ENVELOPED_DATA, e.code());
    }

    @Test
    void garbageAndTrailingBytesAreMalformed() throws Exception {
        assertEquals(Code.MALFORMED_ENVELOPE, assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(new byte[] {0x30, (byte) 0x80, 0x02}, enclaveKey.getPrivate())).code());
        byte[] env = envelope();
        byte[] trailing = java.util.Arrays.copyOf(env, env.length + 2);
        trailing[env.length] = DERNull.INSTANCE.getEncoded()[0];
        assertEquals(Code.MALFORMED_ENVELOPE, assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(trailing, enclaveKey.getPrivate())).code());
    }

    @Test
    void aNonRsaKeyIsRefused() throws Exception {
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertEquals(Code.NOT_AN_RSA_KEY, assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(envelope(), ec.getPrivate())).code());
    }

    /** A real KMS envelope and its test key (see src/test/resources/dev/attested/kms/README.md). */
    @Test
    void decryptsARealKmsCiphertextForRecipient() throws Exception {
        byte[] envelope = java.util.Base64.getMimeDecoder().decode(resource("kms-ciphertext-for-recipient.b64"));
        java.security.PrivateKey key;
        try (org.bouncycastle.openssl.PEMParser pem = new org.bouncycastle.openssl.PEMParser(new java.io.InputStreamReader(
                new java.io.ByteArrayInputStream(resource("kms-recipient-key.pem")), StandardCharsets.US_ASCII))) {
            key = new org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter()
                    .getKeyPair((org.bouncycastle.openssl.PEMKeyPair) pem.readObject()).getPrivate();
        }
        assertEquals("3be82c440f06cb4d44c4c2ec3bf30d472407d3a9125aa4c1842b98f6bdd26e41",
                HexFormat.of().formatHex(RecipientCms.decrypt(envelope, key)));
    }

    @Test
    void aRealKmsEnvelopeForAnotherKeyFailsToUnwrap() throws Exception {
        byte[] envelope = java.util.Base64.getMimeDecoder().decode(resource("kms-ciphertext-for-recipient.b64"));
        assertEquals(Code.KEY_UNWRAP_FAILED, assertThrows(RecipientCmsException.class,
                () -> RecipientCms.decrypt(envelope, otherKey.getPrivate())).code());
    }

    // Hostile envelopes: each is a valid envelope with one part replaced, re-encoded (DER is valid BER).

    /** The parts of a valid envelope, to rebuild with one part replaced. */
    private record Parts(ASN1Encodable version, ASN1Encodable ktriVersion, ASN1Encodable rid, AlgorithmIdentifier keyEncryption,
            ASN1Encodable encryptedKey, ASN1Encodable contentInfo) {
        static Parts of(byte[] envelope) {
            EnvelopedData ed = EnvelopedData.getInstance(ContentInfo.getInstance(parse(envelope)).getContent());
            KeyTransRecipientInfo ktri = KeyTransRecipientInfo.getInstance(ed.getRecipientInfos().getObjectAt(0));
            return new Parts(ed.getVersion(), ktri.getVersion(), ktri.getRecipientIdentifier(), ktri.getKeyEncryptionAlgorithm(),
                    ktri.getEncryptedKey(), ed.getEncryptedContentInfo());
        }

        Parts withVersion(ASN1Encodable v) {
            return new Parts(v, ktriVersion, rid, keyEncryption, encryptedKey, contentInfo);
        }

        Parts withKtriVersion(ASN1Encodable v) {
            return new Parts(version, v, rid, keyEncryption, encryptedKey, contentInfo);
        }

        Parts withRid(ASN1Encodable r) {
            return new Parts(version, ktriVersion, r, keyEncryption, encryptedKey, contentInfo);
        }

        Parts withOaepParameters(ASN1Encodable params) {
            return new Parts(version, ktriVersion, rid, new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, params),
                    encryptedKey, contentInfo);
        }

        Parts withContentInfo(ASN1Encodable eci) {
            return new Parts(version, ktriVersion, rid, keyEncryption, encryptedKey, eci);
        }

        ASN1Encodable recipient() {
            return new DERSequence(new ASN1Encodable[] {ktriVersion, rid, keyEncryption, encryptedKey});
        }

        byte[] encode(ASN1Encodable... recipients) throws java.io.IOException {
            ASN1Encodable[] infos = recipients.length == 0 ? new ASN1Encodable[] {recipient()} : recipients;
            DERSequence ed = new DERSequence(new ASN1Encodable[] {version, new DERSet(infos), contentInfo});
            return new ContentInfo(PKCSObjectIdentifiers.envelopedData, ed).getEncoded();
        }

        byte[] encode() throws java.io.IOException {
            return encode(new ASN1Encodable[0]);
        }
    }

    private static ASN1Primitive parse(byte[] der) {
        try {
            return ASN1Primitive.fromByteArray(der);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Code refusal(byte[] envelope) {
        return assertThrows(RecipientCmsException.class, () -> RecipientCms.decrypt(envelope, enclaveKey.getPrivate())).code();
    }

    /** OAEP parameters as KMS writes them, with the MGF1 parameters replaced. */
    private static ASN1Encodable oaepWithMgf1Parameters(ASN1Encodable mgf1Params) {
        AlgorithmIdentifier sha256 = new AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
        return new DERSequence(new ASN1Encodable[] {
            new DERTaggedObject(true, 0, sha256),
            new DERTaggedObject(true, 1, new DERSequence(new ASN1Encodable[] {PKCSObjectIdentifiers.id_mgf1, mgf1Params}))});
    }

    @Test
    void theRebuiltEnvelopeStillDecryptsSoEachRefusalBelowIsCausedByItsOneChange() throws Exception {
        assertArrayEquals(SECRET, RecipientCms.decrypt(Parts.of(envelope()).encode(), enclaveKey.getPrivate()));
    }

    @Test
    void aHugeEnvelopedDataVersionIsRefusedWithItsCode() throws Exception {
        byte[] hostile = Parts.of(envelope()).withVersion(new ASN1Integer(BigInteger.TWO.pow(4000).add(BigInteger.TWO))).encode();
        RecipientCmsException e = assertThrows(RecipientCmsException.class, () -> RecipientCms.decrypt(hostile, enclaveKey.getPrivate()));
        assertEquals(Code.UNEXPECTED_STRUCTURE, e.code());
        assertTrue(e.getMessage().contains("EnvelopedData version of 4001 bits"), e.getMessage());
    }

    @Test
    void aNegativeOrHugeRecipientVersionIsRefused() throws Exception {
        Parts p = Parts.of(envelope());
        assertEquals(Code.UNEXPECTED_STRUCTURE, refusal(p.withKtriVersion(new ASN1Integer(BigInteger.ONE.shiftLeft(64).add(BigInteger.TWO))).encode()));
        assertEquals(Code.UNEXPECTED_STRUCTURE, refusal(p.withKtriVersion(new ASN1Integer(-2)).encode()));
    }

    @Test
    void malformedMgf1ParametersAreRefusedWithItsCode() throws Exception {
        Parts p = Parts.of(envelope());
        // An INTEGER, an empty SEQUENCE, a SEQUENCE of three and a missing parameter instead of {sha256, NULL}.
        for (ASN1Encodable bad : List.of(new ASN1Integer(5), new DERSequence(), new DERSequence(new ASN1Encodable[] {
                PKCSObjectIdentifiers.id_mgf1, DERNull.INSTANCE, DERNull.INSTANCE}), new DERSequence(new ASN1Encodable[] {
                new ASN1Integer(1)}))) {
            assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, refusal(p.withOaepParameters(oaepWithMgf1Parameters(bad)).encode()), bad.toString());
        }
        ASN1Encodable noParams = new DERSequence(new ASN1Encodable[] {
            new DERTaggedObject(true, 1, new DERSequence(PKCSObjectIdentifiers.id_mgf1))});
        assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, refusal(p.withOaepParameters(noParams).encode()));
    }

    @Test
    void oaepParametersThatAreAbsentOrNotASequenceOrCarryAnUnknownFieldAreRefused() throws Exception {
        Parts p = Parts.of(envelope());
        assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, refusal(p.withOaepParameters(null).encode()), "SHA-1 defaults");
        assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, refusal(p.withOaepParameters(DERNull.INSTANCE).encode()));
        assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, refusal(p.withOaepParameters(new DERSequence(
                new DERTaggedObject(true, 5, DERNull.INSTANCE))).encode()));
        assertEquals(Code.UNSUPPORTED_KEY_ENCRYPTION, refusal(p.withOaepParameters(new DERSequence(
                new DERTaggedObject(true, 0, new ASN1Integer(7)))).encode()));
    }

    @Test
    void aRecipientOtherThanKeyTransportOrASecondRecipientIsRefused() throws Exception {
        Parts p = Parts.of(envelope());
        // [2] KEKRecipientInfo in place of the key-transport SEQUENCE.
        assertEquals(Code.UNEXPECTED_STRUCTURE, refusal(p.encode(new DERTaggedObject(false, 2, new DERSequence()))));
        assertEquals(Code.UNEXPECTED_STRUCTURE, refusal(p.encode(p.recipient(), p.withKtriVersion(new ASN1Integer(0)).recipient())));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(p.encode(new DERSequence(new ASN1Integer(2)))));
    }

    @Test
    void aRecipientNotNamedByAContextTaggedSubjectKeyIdentifierIsRefused() throws Exception {
        Parts p = Parts.of(envelope());
        ASN1OctetString ski = (ASN1OctetString) ((RecipientIdentifier) p.rid()).getId();
        // Found by fuzzing: [0] with the PRIVATE class decrypted here while Bouncy Castle's CMS refused it.
        for (ASN1Encodable bad : List.of(new DERTaggedObject(false, BERTags.PRIVATE, 0, ski),
                new DERTaggedObject(false, BERTags.APPLICATION, 0, ski), new DERTaggedObject(false, 1, ski),
                new IssuerAndSerialNumber(new X500Name("CN=enclave"), BigInteger.ONE))) {
            assertEquals(Code.UNEXPECTED_STRUCTURE, refusal(p.withRid(new RecipientIdentifier(bad.toASN1Primitive())).encode()), bad.toString());
        }
        assertArrayEquals(SECRET, RecipientCms.decrypt(p.withRid(new RecipientIdentifier(ski)).encode(),
                enclaveKey.getPrivate()));
    }

    @Test
    void encryptedContentInfoThatIsNotDataOrHasABadIvOrNoContentIsRefused() throws Exception {
        Parts p = Parts.of(envelope());
        EncryptedContentInfo eci = EncryptedContentInfo.getInstance(p.contentInfo());
        AlgorithmIdentifier cea = eci.getContentEncryptionAlgorithm();
        assertEquals(Code.UNSUPPORTED_CONTENT_ENCRYPTION, refusal(p.withContentInfo(new EncryptedContentInfo(
                PKCSObjectIdentifiers.signedData, cea, eci.getEncryptedContent())).encode()));
        assertEquals(Code.UNSUPPORTED_CONTENT_ENCRYPTION, refusal(p.withContentInfo(new EncryptedContentInfo(PKCSObjectIdentifiers.data,
                new AlgorithmIdentifier(cea.getAlgorithm(), new ASN1Integer(16)), eci.getEncryptedContent())).encode()));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(p.withContentInfo(new EncryptedContentInfo(PKCSObjectIdentifiers.data, cea, null)).encode()));
        assertEquals(Code.CONTENT_DECRYPTION_FAILED, refusal(p.withContentInfo(new EncryptedContentInfo(PKCSObjectIdentifiers.data, cea,
                new DEROctetString(new byte[0]))).encode()));
        assertEquals(Code.CONTENT_DECRYPTION_FAILED, refusal(p.withContentInfo(new EncryptedContentInfo(PKCSObjectIdentifiers.data, cea,
                new DEROctetString(new byte[17]))).encode()));
    }

    @Test
    void anEnvelopedDataContentInfoWithoutContentOrWithAnotherShapeIsMalformed() throws Exception {
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(new DERSequence(PKCSObjectIdentifiers.envelopedData).getEncoded()));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(new ContentInfo(PKCSObjectIdentifiers.envelopedData, new ASN1Integer(2)).getEncoded()));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(new ASN1Integer(2).getEncoded()));
        assertEquals(Code.NOT_ENVELOPED_DATA, refusal(new ContentInfo(PKCSObjectIdentifiers.signedData, new DERSequence()).getEncoded()));
    }

    @Test
    void everyTruncationOfARealEnvelopeIsRefusedWithTheTypedException() {
        byte[] env = envelope();
        for (int length = 0; length < env.length; length++) {
            byte[] prefix = java.util.Arrays.copyOf(env, length);
            assertThrows(RecipientCmsException.class, () -> RecipientCms.decrypt(prefix, enclaveKey.getPrivate()), "length " + length);
        }
    }

    @Test
    void everySingleByteChangeEitherDecryptsOrThrowsOnlyTheTypedException() {
        byte[] env = envelope();
        for (int i = 0; i < env.length; i++) {
            for (int flip : new int[] {0x01, 0x80, 0xff}) {
                byte[] mutant = env.clone();
                mutant[i] ^= (byte) flip;
                try {
                    RecipientCms.decrypt(mutant, enclaveKey.getPrivate());
                } catch (RecipientCmsException expected) {
                    // the typed refusal is the only acceptable failure
                } catch (RuntimeException e) {
                    throw new AssertionError("byte " + i + " ^ " + flip + ": " + e, e);
                }
            }
        }
    }

    @Test
    void deeplyNestedAndOversizedInputIsMalformed() {
        byte[] deep = new byte[200_000];
        for (int i = 0; i + 1 < deep.length / 2; i += 2) {
            deep[i] = 0x30;
            deep[i + 1] = (byte) 0x80;
        }
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(deep));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(new byte[(1 << 20) + 1]));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(new byte[0]));
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(null));
        // A definite length far beyond the input.
        assertEquals(Code.MALFORMED_ENVELOPE, refusal(new byte[] {0x30, (byte) 0x84, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x06}));
    }

    @Test
    void noKeyIsRefusedWithItsCode() {
        assertEquals(Code.NOT_AN_RSA_KEY, assertThrows(RecipientCmsException.class, () -> RecipientCms.decrypt(envelope(), null)).code());
    }

    private static byte[] resource(String name) throws java.io.IOException {
        try (java.io.InputStream in = RecipientCmsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}

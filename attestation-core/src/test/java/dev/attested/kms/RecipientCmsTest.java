package dev.attested.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;


import dev.attested.kms.RecipientCms.Code;
import dev.attested.kms.RecipientCms.RecipientCmsException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.HexFormat;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JceAsymmetricKeyWrapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CiphertextForRecipient per KMS.md §4: structure, decryption and every refusal. */
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

    private static byte[] resource(String name) throws java.io.IOException {
        try (java.io.InputStream in = RecipientCmsTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }
}

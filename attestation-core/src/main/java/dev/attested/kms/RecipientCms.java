package dev.attested.kms;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.EnvelopedData;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedDataStreamGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.operator.jcajce.JceAsymmetricKeyWrapper;

/**
 * KMS {@code CiphertextForRecipient}: a BER CMS EnvelopedData with one RSAES-OAEP (SHA-256, MGF1-SHA-256, empty
 * label) key-transport recipient and AES-256-CBC content (docs/spec/kms-attestation.md §5).
 *
 * <p>{@link #decrypt} checks the exact structure KMS sends before using any key material, unwraps the content
 * key with explicit OAEP parameters (the JDK's transformation names alone would use SHA-1 for MGF1) and
 * decrypts the content. {@link #encrypt} builds the same structure (indefinite lengths, chunked content), for
 * parents that deliver a secret to an attested key directly and for tests standing in for KMS.
 */
public final class RecipientCms {
    private static final OAEPParameterSpec OAEP_SHA256 = new OAEPParameterSpec("SHA-256", "MGF1",
            MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final AlgorithmIdentifier SHA256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
    private static final int MAX_ENVELOPE = 1 << 20;

    private RecipientCms() {}

    /** Why an envelope was refused. */
    public enum Code implements ErrorCode {
        /** Not BER, truncated, trailing bytes, larger than 1 MiB, or not the ASN.1 shapes of RFC 5652. */
        MALFORMED_ENVELOPE("Pass CiphertextForRecipient exactly as KMS returned it (base64-decoded once)."),
        /** The ContentInfo is not {@code envelopedData}. */
        NOT_ENVELOPED_DATA("Pass CiphertextForRecipient exactly as KMS returned it, not another CMS structure."),
        /** Not exactly one key-transport recipient, or a version other than 2. */
        UNEXPECTED_STRUCTURE("The envelope is not the one KMS sends: pass CiphertextForRecipient unchanged."),
        /** The key encryption is not RSAES-OAEP with SHA-256 and MGF1-SHA-256 and an empty label. */
        UNSUPPORTED_KEY_ENCRYPTION("Request the recipient ciphertext with KeyEncryptionAlgorithm RSAES_OAEP_SHA_256."),
        /** The content is not {@code data} encrypted with AES-256-CBC and a 16-byte IV. */
        UNSUPPORTED_CONTENT_ENCRYPTION("KMS encrypts the content with AES-256-CBC: pass CiphertextForRecipient unchanged."),
        /** The private key is not RSA. */
        NOT_AN_RSA_KEY("Decrypt with the RSA private key whose public half was in the attestation document."),
        /** The content key could not be unwrapped: the envelope was made for another key, or it was altered. */
        KEY_UNWRAP_FAILED("Decrypt with the private key whose public half was in the attestation document of this request."),
        /** The content did not decrypt (bad padding): altered in transit. */
        CONTENT_DECRYPTION_FAILED("The envelope was altered in transit: request it again.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    /** A refused {@code CiphertextForRecipient}. */
    public static final class RecipientCmsException extends AttestedException {
        private static final long serialVersionUID = 1L;

        public RecipientCmsException(Code code, String message) {
            super(code, message, null);
        }

        RecipientCmsException(Code code, String message, Throwable cause) {
            super(code, message, cause);
        }

        @Override
        public Code code() {
            return (Code) super.code();
        }
    }

    /**
     * Decrypts {@code CiphertextForRecipient} with the enclave's RSA private key.
     *
     * @throws RecipientCmsException for every envelope that is not exactly what KMS sends or does not open with
     *         {@code privateKey}; no other exception escapes for any input
     */
    public static byte[] decrypt(byte[] ciphertextForRecipient, PrivateKey privateKey) {
        if (!(privateKey instanceof RSAKey)) {
            throw new RecipientCmsException(Code.NOT_AN_RSA_KEY, "KMS encrypts to the RSA key whose public half was in"
                    + " the attestation document; got " + (privateKey == null ? "no key" : "a " + privateKey.getAlgorithm() + " key"));
        }
        try {
            return open(ciphertextForRecipient, privateKey);
        } catch (RecipientCmsException | MissingAlgorithm e) {
            throw e;
        } catch (RuntimeException e) {
            // Everything checkable is checked explicitly above; what is left is a shape the ASN.1 classes refused.
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "not the CMS structure KMS sends ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static byte[] open(byte[] ciphertextForRecipient, PrivateKey privateKey) {
        EnvelopedData envelope = parse(ciphertextForRecipient);
        requireVersion2(envelope.getVersion(), "EnvelopedData");
        ASN1Set recipients = envelope.getRecipientInfos();
        if (recipients == null || recipients.size() != 1) {
            throw unexpected((recipients == null ? 0 : recipients.size()) + " recipients, KMS sends exactly one");
        }
        // RecipientInfo is a CHOICE: key transport is the untagged SEQUENCE, every other kind is tagged.
        ASN1Encodable only = recipients.getObjectAt(0);
        if (!(only instanceof ASN1Sequence recipient)) {
            throw unexpected("the recipient is not key transport (KeyTransRecipientInfo)");
        }
        KeyTransRecipientInfo ktri;
        try {
            ktri = KeyTransRecipientInfo.getInstance(recipient);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "unreadable KeyTransRecipientInfo", e);
        }
        requireVersion2(ktri.getVersion(), "KeyTransRecipientInfo");
        requireSubjectKeyIdentifier(ktri.getRecipientIdentifier());
        requireOaepSha256(ktri.getKeyEncryptionAlgorithm());
        EncryptedContentInfo content = envelope.getEncryptedContentInfo();
        if (!PKCSObjectIdentifiers.data.equals(content.getContentType())) {
            throw new RecipientCmsException(Code.UNSUPPORTED_CONTENT_ENCRYPTION, "content type " + content.getContentType()
                    + ", expected data (1.2.840.113549.1.7.1)");
        }
        AlgorithmIdentifier cea = content.getContentEncryptionAlgorithm();
        if (!NISTObjectIdentifiers.id_aes256_CBC.equals(cea.getAlgorithm())) {
            throw new RecipientCmsException(Code.UNSUPPORTED_CONTENT_ENCRYPTION, "content encryption " + cea.getAlgorithm()
                    + ", expected aes256-CBC (2.16.840.1.101.3.4.1.42)");
        }
        byte[] iv = cea.getParameters() instanceof ASN1OctetString o ? o.getOctets() : null;
        if (iv == null || iv.length != 16) {
            throw new RecipientCmsException(Code.UNSUPPORTED_CONTENT_ENCRYPTION, "aes256-CBC needs a 16-byte IV");
        }
        ASN1OctetString encrypted = content.getEncryptedContent();
        if (encrypted == null) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "no encrypted content (detached content is not used by KMS)");
        }
        byte[] ciphertext = encrypted.getOctets();
        // PKCS#7 padding makes at least one whole block; the JDK decrypts zero bytes to zero bytes without complaint.
        if (ciphertext.length == 0 || ciphertext.length % 16 != 0) {
            throw new RecipientCmsException(Code.CONTENT_DECRYPTION_FAILED, "encrypted content of " + ciphertext.length
                    + " bytes; AES-256-CBC with padding gives a non-zero multiple of 16");
        }
        byte[] cek = unwrap(ktri.getEncryptedKey().getOctets(), privateKey);
        try {
            Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
            aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new IvParameterSpec(iv));
            return aes.doFinal(ciphertext);
        } catch (BadPaddingException | javax.crypto.IllegalBlockSizeException e) {
            throw new RecipientCmsException(Code.CONTENT_DECRYPTION_FAILED,
                    "the content does not decrypt under the unwrapped key: the envelope was altered", e);
        } catch (GeneralSecurityException e) {
            throw new MissingAlgorithm("AES-256-CBC is required of every Java platform", e);
        } finally {
            Arrays.fill(cek, (byte) 0);
        }
    }

    /**
     * Version 2 means the recipient is named by subjectKeyIdentifier, {@code [0] IMPLICIT OCTET STRING} with a
     * context-specific tag (RFC 5652 §6.2.1; docs/spec/kms-attestation.md). Any other tag class or number is not
     * what KMS sends, and a full CMS reader refuses it.
     */
    private static void requireSubjectKeyIdentifier(RecipientIdentifier rid) {
        if (rid == null || !(rid.toASN1Primitive() instanceof ASN1TaggedObject tagged)
                || tagged.getTagClass() != BERTags.CONTEXT_SPECIFIC || tagged.getTagNo() != 0) {
            throw unexpected("the recipient is not named by subjectKeyIdentifier [0], KMS names it so");
        }
        try {
            ASN1OctetString.getInstance(tagged, false);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "unreadable subjectKeyIdentifier", e);
        }
    }

    /** Versions are INTEGERs of any size: compared as numbers, never narrowed to int. */
    private static void requireVersion2(ASN1Integer version, String what) {
        if (version == null || !BigInteger.TWO.equals(version.getValue())) {
            String shown = version == null ? "missing" : version.getValue().bitLength() > 64
                    ? "of " + version.getValue().bitLength() + " bits" : version.getValue().toString();
            throw unexpected(what + " version " + shown + ", KMS sends 2");
        }
    }

    /**
     * An envelope shaped like KMS's {@code CiphertextForRecipient} for {@code recipient} (an RSA public key):
     * indefinite-length BER, subjectKeyIdentifier = SHA-256 of the key's SubjectPublicKeyInfo, RSAES-OAEP
     * SHA-256, AES-256-CBC with a fresh key and IV, content in 1 KiB chunks.
     */
    public static byte[] encrypt(byte[] plaintext, PublicKey recipient, SecureRandom random) {
        if (!(recipient instanceof RSAKey)) {
            throw new IllegalArgumentException("the recipient must be an RSA public key, got " + recipient.getAlgorithm());
        }
        try {
            byte[] ski = MessageDigest.getInstance("SHA-256").digest(recipient.getEncoded());
            CMSEnvelopedDataStreamGenerator gen = new CMSEnvelopedDataStreamGenerator();
            gen.setBufferSize(1024);
            gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(ski,
                    new JceAsymmetricKeyWrapper(OAEP_SHA256, recipient)));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = gen.open(bytes, new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC)
                    .setSecureRandom(random).build())) {
                out.write(plaintext);
            }
            return bytes.toByteArray();
        } catch (CMSException | IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a CMS envelope: " + e.getMessage(), e);
        }
    }

    private static EnvelopedData parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > MAX_ENVELOPE) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "envelope of " + (bytes == null ? 0 : bytes.length)
                    + " bytes; expected 1.." + MAX_ENVELOPE);
        }
        ContentInfo contentInfo;
        try (ASN1InputStream in = new ASN1InputStream(bytes)) {
            ASN1Primitive root = in.readObject();
            if (root == null || in.available() > 0 || in.readObject() != null) {
                throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "not exactly one BER item");
            }
            contentInfo = ContentInfo.getInstance(root);
        } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "not a BER CMS ContentInfo: " + e.getMessage(), e);
        }
        if (!PKCSObjectIdentifiers.envelopedData.equals(contentInfo.getContentType())) {
            throw new RecipientCmsException(Code.NOT_ENVELOPED_DATA, "content type " + contentInfo.getContentType()
                    + ", expected envelopedData (1.2.840.113549.1.7.3)");
        }
        if (contentInfo.getContent() == null) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "the ContentInfo has no content");
        }
        try {
            return EnvelopedData.getInstance(contentInfo.getContent());
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw new RecipientCmsException(Code.MALFORMED_ENVELOPE, "not an EnvelopedData: " + e.getMessage(), e);
        }
    }

    private static void requireOaepSha256(AlgorithmIdentifier alg) {
        if (!PKCSObjectIdentifiers.id_RSAES_OAEP.equals(alg.getAlgorithm())) {
            throw new RecipientCmsException(Code.UNSUPPORTED_KEY_ENCRYPTION, "key encryption " + alg.getAlgorithm()
                    + ", expected id-RSAES-OAEP (1.2.840.113549.1.1.7)");
        }
        // KMS writes the parameters explicitly; absent parameters would mean SHA-1 defaults.
        if (!(alg.getParameters() instanceof ASN1Sequence params)) {
            throw oaepRefused("RSAES-OAEP parameters missing or not a SEQUENCE", null);
        }
        RSAESOAEPparams p;
        try {
            p = RSAESOAEPparams.getInstance(params);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw oaepRefused("unreadable RSAES-OAEP parameters", e);
        }
        AlgorithmIdentifier mgf = p.getMaskGenAlgorithm();
        if (!sha256(p.getHashAlgorithm())) {
            throw oaepRefused("the OAEP hash is " + p.getHashAlgorithm().getAlgorithm(), null);
        }
        if (!PKCSObjectIdentifiers.id_mgf1.equals(mgf.getAlgorithm()) || !(mgf.getParameters() instanceof ASN1Sequence mgfHash)) {
            throw oaepRefused("the mask generation is not MGF1 with a hash AlgorithmIdentifier", null);
        }
        AlgorithmIdentifier mgfDigest;
        try {
            mgfDigest = AlgorithmIdentifier.getInstance(mgfHash);
        } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
            throw oaepRefused("unreadable MGF1 parameters", e);
        }
        if (!sha256(mgfDigest)) {
            throw oaepRefused("MGF1 uses " + mgfDigest.getAlgorithm(), null);
        }
        AlgorithmIdentifier pSource = p.getPSourceAlgorithm();
        if (!PKCSObjectIdentifiers.id_pSpecified.equals(pSource.getAlgorithm())
                || !(pSource.getParameters() instanceof ASN1OctetString label) || label.getOctets().length != 0) {
            throw oaepRefused("the OAEP label is not empty", null);
        }
    }

    private static RecipientCmsException oaepRefused(String detail, Throwable cause) {
        return new RecipientCmsException(Code.UNSUPPORTED_KEY_ENCRYPTION,
                detail + "; RSAES-OAEP must use SHA-256, MGF1 with SHA-256 and an empty label (KMS RSAES_OAEP_SHA_256)", cause);
    }

    private static boolean sha256(AlgorithmIdentifier a) {
        return a != null && SHA256.getAlgorithm().equals(a.getAlgorithm())
                && (a.getParameters() == null || DERNull.INSTANCE.equals(a.getParameters()));
    }

    private static byte[] unwrap(byte[] encryptedKey, PrivateKey key) {
        byte[] cek;
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
            rsa.init(Cipher.DECRYPT_MODE, key, OAEP_SHA256);
            cek = rsa.doFinal(encryptedKey);
        } catch (BadPaddingException | javax.crypto.IllegalBlockSizeException | java.security.InvalidKeyException e) {
            throw new RecipientCmsException(Code.KEY_UNWRAP_FAILED, "the content key does not unwrap with this private key:"
                    + " the envelope was made for another key (another attestation's public_key) or altered", e);
        } catch (GeneralSecurityException e) {
            throw new MissingAlgorithm("RSA-OAEP is required of every Java platform", e);
        }
        if (cek.length != 32) {
            Arrays.fill(cek, (byte) 0);
            throw new RecipientCmsException(Code.UNSUPPORTED_CONTENT_ENCRYPTION, "the content key is " + cek.length
                    + " bytes, AES-256 needs 32");
        }
        return cek;
    }

    /** The platform lacks an algorithm every Java platform must have: not a property of the input. */
    private static final class MissingAlgorithm extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MissingAlgorithm(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static RecipientCmsException unexpected(String message) {
        return new RecipientCmsException(Code.UNEXPECTED_STRUCTURE, message);
    }
}

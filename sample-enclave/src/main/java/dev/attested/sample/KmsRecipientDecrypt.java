package dev.attested.sample;

import dev.attested.kms.RecipientCms;
import dev.attested.nsm.Nsm;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.KeyEncryptionMechanism;
import software.amazon.awssdk.services.kms.model.RecipientInfo;

/**
 * The enclave's attested KMS call (docs/spec/kms-attestation.md §2): a fresh RSA-2048 key, an attestation document
 * carrying its SubjectPublicKeyInfo, {@code Decrypt} with a {@code Recipient}, and the {@code CiphertextForRecipient}
 * opened with {@link RecipientCms}. KMS releases the plaintext only if the key policy's
 * {@code kms:RecipientAttestation:*} conditions match the document, and only to that key.
 */
public final class KmsRecipientDecrypt {
    private final KmsClient kms;
    private final Nsm nsm;
    private final SecureRandom random;

    public KmsRecipientDecrypt(KmsClient kms, Nsm nsm, SecureRandom random) {
        this.kms = Objects.requireNonNull(kms);
        this.nsm = Objects.requireNonNull(nsm);
        this.random = Objects.requireNonNull(random);
    }

    /**
     * A KMS client for an enclave: {@code endpoint} is where the parent's {@code vsock-proxy} is reachable (e.g.
     * {@code https://kms.eu-west-1.amazonaws.com} resolved to a local forwarder), credentials handed in by the
     * parent (an enclave has no instance metadata service).
     */
    public static KmsClient client(String region, URI endpoint, AwsCredentialsProvider credentials) {
        return KmsClient.builder()
                .region(Region.of(region))
                .endpointOverride(endpoint)
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /** Decrypts {@code ciphertextBlob} (made by KMS {@code Encrypt}) inside the enclave. */
    public byte[] decrypt(byte[] ciphertextBlob, String keyId) {
        KeyPair key = rsaKeyPair();
        byte[] document = nsm.attestation(null, null, key.getPublic().getEncoded());
        DecryptRequest.Builder request = DecryptRequest.builder()
                .ciphertextBlob(SdkBytes.fromByteArray(ciphertextBlob))
                .recipient(RecipientInfo.builder()
                        .attestationDocument(SdkBytes.fromByteArray(document))
                        .keyEncryptionAlgorithm(KeyEncryptionMechanism.RSAES_OAEP_SHA_256)
                        .build());
        if (keyId != null) {
            request.keyId(keyId);
        }
        DecryptResponse response = kms.decrypt(request.build());
        if (response.plaintext() != null && response.plaintext().asByteArrayUnsafe().length > 0) {
            throw new IllegalStateException("KMS returned a plaintext to an attested request; refusing to use it");
        }
        if (response.ciphertextForRecipient() == null) {
            throw new IllegalStateException("KMS returned no CiphertextForRecipient: the Recipient was not honoured");
        }
        return RecipientCms.decrypt(response.ciphertextForRecipient().asByteArray(), key.getPrivate());
    }

    private KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, random);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

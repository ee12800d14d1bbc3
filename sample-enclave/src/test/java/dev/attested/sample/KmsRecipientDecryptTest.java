package dev.attested.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.attested.attestation.AttestationException;
import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.UnverifiedDocument;
import dev.attested.attestation.VerifiedAttestation;
import dev.attested.kms.RecipientCms;
import dev.attested.testkit.NsmSimulator;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The enclave's KMS path against a loopback KMS (127.0.0.1, {@code com.sun.net.httpserver}) that speaks the
 * KMS JSON protocol, verifies the attestation document against the simulator's root, applies a PCR0 condition
 * as a key policy would, and answers with a real CMS envelope for the document's public key.
 */
class KmsRecipientDecryptTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BLOB = "kms-ciphertext-blob-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAINTEXT = "data key 0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private HttpServer server;
    private KmsClient kms;
    private NsmSimulator enclaveNsm;
    private Pcr policyPcr0;
    private volatile JsonNode lastRequest;
    /** For the command-line test, whose simulator (and root) is created inside {@code Main}. */
    private volatile boolean verifyChain = true;
    /** When set, the loopback KMS answers with this CiphertextForRecipient instead of a real envelope. */
    private volatile byte[] hostileEnvelope;

    @BeforeEach
    void start() throws IOException {
        enclaveNsm = NsmSimulator.builder().manifest(LocalManifest.create()).build();
        policyPcr0 = LocalManifest.create().pcrValues().get(0);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        kms = KmsRecipientDecrypt.client("us-east-1", URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")));
    }

    @AfterEach
    void stop() {
        kms.close();
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            JsonNode req = JSON.readTree(ex.getRequestBody());
            lastRequest = req;
            if (!"TrentService.Decrypt".equals(ex.getRequestHeaders().getFirst("X-Amz-Target"))) {
                reply(ex, 400, error("UnsupportedOperationException", "only Decrypt"));
                return;
            }
            byte[] document = Base64.getDecoder().decode(req.path("Recipient").path("AttestationDocument").asText());
            byte[] spki;
            if (verifyChain) {
                try {
                    VerifiedAttestation att = AttestationVerifier.builder().trustAnchor(enclaveNsm.pki().root()).build()
                            .verify(document, Expectations.builder().pcr(0, policyPcr0).build());
                    spki = att.publicKey().orElseThrow();
                } catch (AttestationException e) {
                    reply(ex, 400, error("AccessDeniedException", "kms:RecipientAttestation:ImageSha384 does not match"));
                    return;
                }
            } else {
                spki = UnverifiedDocument.parse(document).publicKey().orElseThrow();
            }
            byte[] blob = Base64.getDecoder().decode(req.path("CiphertextBlob").asText());
            if (!java.util.Arrays.equals(blob, BLOB)) {
                reply(ex, 400, error("InvalidCiphertextException", "unknown ciphertext"));
                return;
            }
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
            byte[] envelope = hostileEnvelope != null ? hostileEnvelope : RecipientCms.encrypt(PLAINTEXT, key, new SecureRandom());
            ObjectNode body = JSON.createObjectNode()
                    .put("KeyId", "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                    .put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT")
                    .put("CiphertextForRecipient", Base64.getEncoder().encodeToString(envelope));
            reply(ex, 200, body);
        } catch (Exception e) {
            reply(ex, 500, error("KMSInternalException", e.toString()));
        }
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("message", message);
    }

    private static void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void decryptsTheCiphertextForRecipientReturnedForTheAttestedKey() {
        byte[] plaintext = new KmsRecipientDecrypt(kms, enclaveNsm, new SecureRandom()).decrypt(BLOB, null);
        assertArrayEquals(PLAINTEXT, plaintext);
    }

    @Test
    void sendsTheDocumentAsRecipientWithRsaesOaepSha256() {
        new KmsRecipientDecrypt(kms, enclaveNsm, new SecureRandom()).decrypt(BLOB, "alias/sample");
        assertEquals("RSAES_OAEP_SHA_256", lastRequest.path("Recipient").path("KeyEncryptionAlgorithm").asText());
        assertEquals("alias/sample", lastRequest.path("KeyId").asText());
    }

    @Test
    void anEnclaveWhosePcr0MissesThePolicyIsDenied() {
        policyPcr0 = Pcr.ofContent("the released image".getBytes(StandardCharsets.UTF_8));
        KmsException e = assertThrows(KmsException.class,
                () -> new KmsRecipientDecrypt(kms, enclaveNsm, new SecureRandom()).decrypt(BLOB, null));
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
    }


    @Test
    void theKmsDecryptCommandPrintsThePlaintextLikeKmstool() throws Exception {
        verifyChain = false;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        int status;
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            status = Main.run(new String[] {"kms-decrypt", "--nsm=simulator", "--proxy-port=0",
                "--endpoint=http://127.0.0.1:" + server.getAddress().getPort(), "--aws-access-key-id=AKIDEXAMPLE",
                "--aws-secret-access-key=x", "--ciphertext=" + Base64.getEncoder().encodeToString(BLOB)});
        } finally {
            System.setOut(original);
        }
        assertEquals(0, status);
        assertEquals("PLAINTEXT: " + Base64.getEncoder().encodeToString(PLAINTEXT),
                captured.toString(StandardCharsets.UTF_8).strip());
    }

    /** An EnvelopedData whose version is a 200-bit INTEGER (once an ArithmeticException out of RecipientCms). */
    private static byte[] hugeVersionEnvelope() throws IOException {
        org.bouncycastle.asn1.ASN1EncodableVector ed = new org.bouncycastle.asn1.ASN1EncodableVector();
        ed.add(new org.bouncycastle.asn1.ASN1Integer(java.math.BigInteger.TWO.pow(200)));
        ed.add(new org.bouncycastle.asn1.DERSet());
        ed.add(new org.bouncycastle.asn1.cms.EncryptedContentInfo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.data,
                new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC), null));
        return new org.bouncycastle.asn1.cms.ContentInfo(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.envelopedData,
                new org.bouncycastle.asn1.DERSequence(ed)).getEncoded();
    }

    @Test
    void aHostileEnvelopeFromKmsIsRefusedWithTheTypedException() throws IOException {
        hostileEnvelope = hugeVersionEnvelope();
        RecipientCms.RecipientCmsException e = assertThrows(RecipientCms.RecipientCmsException.class,
                () -> new KmsRecipientDecrypt(kms, enclaveNsm, new SecureRandom()).decrypt(BLOB, null));
        assertEquals(RecipientCms.Code.UNEXPECTED_STRUCTURE, e.code());
    }

    @Test
    void theKmsDecryptCommandReportsAHostileEnvelopeInOneLine() throws Exception {
        verifyChain = false;
        hostileEnvelope = hugeVersionEnvelope();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.err;
        int status;
        System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            status = Main.run(new String[] {"kms-decrypt", "--nsm=simulator", "--proxy-port=0",
                "--endpoint=http://127.0.0.1:" + server.getAddress().getPort(), "--aws-access-key-id=AKIDEXAMPLE",
                "--aws-secret-access-key=x", "--ciphertext=" + Base64.getEncoder().encodeToString(BLOB)});
        } finally {
            System.setErr(original);
        }
        assertEquals(1, status);
        String printed = err.toString(StandardCharsets.UTF_8).strip();
        assertEquals("kms-decrypt: UNEXPECTED_STRUCTURE: EnvelopedData version of 201 bits, KMS sends 2. "
                + RecipientCms.Code.UNEXPECTED_STRUCTURE.hint(), printed);
    }
}

package dev.attested.sample;

import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.VerifiedAttestation;
import dev.attested.kms.RecipientCms;
import dev.attested.nsm.ffm.Transport;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * The parent side: sends a fresh nonce, verifies the returned document with the core verifier against the
 * expected PCRs (from the EIF's PCR manifest) and the nonce, encrypts the secret to the attested public key and
 * checks the enclave's receipt. Nothing is sent before the document has verified.
 */
public final class ParentClient {
    /** How the accepted image (the EIF's PCR manifest) is named in the verifier's answers and messages. */
    static final String EXPECTED_IMAGE = "manifest";

    private final Transport transport;
    private final AttestationVerifier verifier;
    private final SortedMap<Integer, Pcr> expectedPcrs;
    private final SecureRandom random;
    private final Consumer<String> log;

    public ParentClient(Transport transport, AttestationVerifier verifier, SortedMap<Integer, Pcr> expectedPcrs,
            SecureRandom random, Consumer<String> log) {
        this.transport = Objects.requireNonNull(transport);
        this.verifier = Objects.requireNonNull(verifier);
        this.expectedPcrs = Objects.requireNonNull(expectedPcrs);
        this.random = Objects.requireNonNull(random);
        this.log = Objects.requireNonNull(log);
    }

    /** What a successful delivery established. */
    public record Delivery(VerifiedAttestation attestation, byte[] receipt) {}

    /**
     * Delivers {@code secret} to the enclave. Throws {@link dev.attested.attestation.AttestationException} (with
     * its code) when the document does not verify, {@link IOException} for transport or protocol failures.
     */
    public Delivery deliver(byte[] secret) throws IOException {
        byte[] nonce = new byte[Protocol.NONCE_LENGTH];
        random.nextBytes(nonce);
        try (Transport.Connection c = transport.connect()) {
            log.accept("parent: connected to " + c.peer() + "; sending nonce " + HexFormat.of().formatHex(nonce, 0, 8) + "…");
            Protocol.write(c.output(), Protocol.NONCE, nonce);
            byte[] document = Protocol.expect(c.input(), Protocol.DOCUMENT);
            log.accept("parent: received a " + document.length + "-byte attestation document; verifying");
            VerifiedAttestation verified = verifier.verify(document,
                    Expectations.builder().pcrs(EXPECTED_IMAGE, expectedPcrs).nonce(nonce).build());
            log.accept("parent: verified: module " + verified.moduleId() + ", PCRs " + verified.matchedPcrs().keySet()
                    + " match the " + verified.matchedRelease().orElseThrow() + ", nonce matches, signed at "
                    + verified.timestamp());
            byte[] spki = verified.publicKey().orElseThrow(() -> new IOException(
                    "the verified document carries no public_key; this enclave cannot receive secrets"));
            PublicKey key = rsaKey(spki);
            byte[] envelope = RecipientCms.encrypt(secret, key, random);
            Protocol.write(c.output(), Protocol.SECRET, envelope);
            log.accept("parent: sent the secret as a " + envelope.length + "-byte CMS envelope to the attested RSA key");
            byte[] receipt = Protocol.expect(c.input(), Protocol.RECEIPT);
            if (!Protocol.sameReceipt(receipt, Protocol.receipt(secret, nonce))) {
                throw new IOException("the enclave's receipt does not match the secret and nonce");
            }
            log.accept("parent: receipt matches HMAC(secret, nonce): the attested enclave holds the secret");
            return new Delivery(verified, receipt);
        }
    }

    private static PublicKey rsaKey(byte[] spki) throws IOException {
        try {
            PublicKey k = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
            if (((RSAPublicKey) k).getModulus().bitLength() < 2048) {
                throw new IOException("the attested RSA key has fewer than 2048 bits");
            }
            return k;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IOException("the attested public_key is not an RSA SubjectPublicKeyInfo: " + e.getMessage(), e);
        }
    }
}

package dev.attested.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.VerifiedAttestation;
import dev.attested.testkit.NsmSimulator;
import dev.attested.nsm.ffm.Transport;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class EnclaveServerTest {

    @Test
    void theDocumentBindsTheNonceAndAFreshRsa2048KeyPerSession() throws Exception {
        NsmSimulator nsm = NsmSimulator.builder().manifest(LocalManifest.create()).build();
        AttestationVerifier verifier = AttestationVerifier.builder().trustAnchor(nsm.pki().root()).build();
        try (EnclaveServer server = new EnclaveServer(nsm, Transport.tcp("127.0.0.1", 0), new SecureRandom(), s -> { },
                s -> { })) {
            server.start();
            byte[] nonce = new byte[32];
            nonce[0] = 7;
            VerifiedAttestation first = attest(server.port(), nonce, verifier);
            VerifiedAttestation second = attest(server.port(), nonce, verifier);
            RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(first.publicKey().orElseThrow()));
            assertEquals(2048, key.getModulus().bitLength());
            assertTrue(!java.util.Arrays.equals(first.publicKey().get(), second.publicKey().get()), "one key per session");
        }
    }

    private static VerifiedAttestation attest(int port, byte[] nonce, AttestationVerifier verifier) throws IOException {
        try (Transport.Connection c = Transport.tcp("127.0.0.1", port).connect()) {
            Protocol.write(c.output(), Protocol.NONCE, nonce);
            byte[] doc = Protocol.expect(c.input(), Protocol.DOCUMENT);
            return verifier.verify(doc, Expectations.builder().pcrs(LocalManifest.create().pcrValues()).nonce(nonce).build());
        }
    }

    @Test
    void aSecretNotEncryptedToTheSessionKeyIsRefusedWithAnError() throws Exception {
        NsmSimulator nsm = NsmSimulator.create();
        try (EnclaveServer server = new EnclaveServer(nsm, Transport.tcp("127.0.0.1", 0), new SecureRandom(), s -> { },
                s -> { })) {
            server.start();
            try (Transport.Connection c = Transport.tcp("127.0.0.1", server.port()).connect()) {
                Protocol.write(c.output(), Protocol.NONCE, new byte[32]);
                Protocol.expect(c.input(), Protocol.DOCUMENT);
                Protocol.write(c.output(), Protocol.SECRET, new byte[] {0x30, 0x03, 1, 2, 3});
                IOException e = assertThrows(IOException.class, () -> Protocol.expect(c.input(), Protocol.RECEIPT));
                assertTrue(e.getMessage().contains("MALFORMED_ENVELOPE"), e.getMessage());
            }
        }
    }

    @Test
    void framesLongerThanTheLimitAreRefusedBeforeAllocation() {
        byte[] header = {Protocol.DOCUMENT, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        IOException e = assertThrows(IOException.class, () -> Protocol.read(new ByteArrayInputStream(header)));
        assertTrue(e.getMessage().contains("at most"), e.getMessage());
    }

    @Test
    void framesRoundTrip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Protocol.write(out, Protocol.NONCE, new byte[] {1, 2});
        Protocol.Frame f = Protocol.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals(Protocol.NONCE, f.type());
        assertEquals(2, f.payload().length);
    }

    @Test
    void theReceiptDependsOnSecretAndNonce() {
        byte[] r = Protocol.receipt(new byte[] {1}, new byte[] {2});
        assertTrue(!Protocol.sameReceipt(r, Protocol.receipt(new byte[] {1}, new byte[] {3})));
        assertTrue(!Protocol.sameReceipt(r, Protocol.receipt(new byte[] {9}, new byte[] {2})));
        assertTrue(Protocol.sameReceipt(r, Protocol.receipt(new byte[] {1}, new byte[] {2})));
    }
}

package dev.attested.sample;

import dev.attested.attestation.AttestationException;
import dev.attested.attestation.AttestationVerifier;
import dev.attested.testkit.NsmSimulator;
import dev.attested.nsm.ffm.Transport;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Both sides on one machine over TCP: the enclave backed by {@link NsmSimulator} booted with the manifest's
 * PCRs, the parent verifying against the same manifest and the simulator's root. Tampering modes show each
 * attack fail with the verifier's error code before any secret leaves the parent.
 */
public final class LocalDemo {

    /** What to tamper with. */
    public enum Tamper {
        /** Genuine enclave: the secret is delivered. */
        NONE(null),
        /** The enclave runs another image (PCR0 differs from the manifest). */
        PCRS(AttestationException.Code.PCR_MISMATCH),
        /** A man in the middle answers with a document captured in an earlier session. */
        REPLAY(AttestationException.Code.NONCE_MISMATCH),
        /** The enclave runs with --debug-mode (PCR0/1/2 read as zero). */
        DEBUG(AttestationException.Code.DEBUG_MODE);

        private final AttestationException.Code expected;

        Tamper(AttestationException.Code expected) {
            this.expected = expected;
        }

        /** The verifier's code this attack must produce (null: must succeed). */
        public AttestationException.Code expected() {
            return expected;
        }

        public static Tamper parse(String s) {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** The outcome: delivered (with the enclave's received secret) or rejected with a code. */
    public record Outcome(boolean delivered, AttestationException.Code rejectedWith, byte[] secretSeenByEnclave) {
        /** True when the result is what {@code tamper} should produce. */
        public boolean asExpected(Tamper tamper) {
            return tamper == Tamper.NONE ? delivered : !delivered && rejectedWith == tamper.expected();
        }
    }

    private LocalDemo() {}

    /** Runs one scenario, printing each step to {@code out}. */
    public static Outcome run(Tamper tamper, PcrManifest manifest, byte[] secret, PrintStream out) throws IOException {
        SecureRandom random = new SecureRandom();
        out.println("== attested secret delivery, local mode (tamper: " + tamper.name().toLowerCase(Locale.ROOT) + ")");
        manifest.pcrs().forEach((i, v) -> out.println("   expected PCR" + i + " = " + v));
        NsmSimulator.Builder boot = NsmSimulator.builder().manifest(manifest);
        if (tamper == Tamper.PCRS) {
            boot.pcr(0, Pcr.ofContent("a different enclave image".getBytes(StandardCharsets.UTF_8)));
            out.println("   tamper: the enclave boots another image (PCR0 differs)");
        }
        if (tamper == Tamper.DEBUG) {
            boot.debugMode();
            out.println("   tamper: the enclave runs in debug mode (PCR0/1/2/8 read as zero)");
        }
        NsmSimulator nsm = boot.build();
        out.println("enclave: NSM simulator booted, module " + nsm.describeNsm().moduleId());
        AttestationVerifier verifier = AttestationVerifier.builder().trustAnchor(nsm.pki().root()).build();
        out.println("parent: trusting the simulator's root " + nsm.pki().root().getSubjectX500Principal()
                + " (a real parent trusts the AWS Nitro Enclaves root)");
        AtomicReference<byte[]> received = new AtomicReference<>();
        try (EnclaveServer enclave = new EnclaveServer(nsm, Transport.tcp("127.0.0.1", 0), random,
                out::println, s -> received.set(s.clone()))) {
            enclave.start();
            Transport toEnclave = Transport.tcp("127.0.0.1", enclave.port());
            out.println("enclave: listening on tcp 127.0.0.1:" + enclave.port() + " (vsock in an enclave)");
            if (tamper == Tamper.REPLAY) {
                byte[] captured = captureDocument(toEnclave, random);
                out.println("   tamper: an attacker captured a genuine " + captured.length
                        + "-byte document and answers every nonce with it");
                try (ReplayingServer attacker = new ReplayingServer(captured)) {
                    toEnclave = Transport.tcp("127.0.0.1", attacker.port());
                    return deliver(toEnclave, verifier, manifest, secret, random, out, received);
                }
            }
            return deliver(toEnclave, verifier, manifest, secret, random, out, received);
        }
    }

    private static Outcome deliver(Transport to, AttestationVerifier verifier, PcrManifest manifest, byte[] secret,
            SecureRandom random, PrintStream out, AtomicReference<byte[]> received) throws IOException {
        ParentClient parent = new ParentClient(to, verifier, manifest.pcrValues(), random, out::println);
        try {
            ParentClient.Delivery d = parent.deliver(secret);
            out.println("RESULT: delivered. Receipt " + HexFormat.of().formatHex(d.receipt()) + " from "
                    + d.attestation().moduleId());
            return new Outcome(true, null, received.get());
        } catch (AttestationException e) {
            out.println("RESULT: rejected by the verifier with " + e.code() + " — " + e.detail());
            out.println("        the secret was not sent.");
            return new Outcome(false, e.code(), received.get());
        }
    }

    /** Any parent can obtain a document for its own nonce: that is what a replaying attacker starts from. */
    private static byte[] captureDocument(Transport to, SecureRandom random) throws IOException {
        byte[] nonce = new byte[Protocol.NONCE_LENGTH];
        random.nextBytes(nonce);
        try (Transport.Connection c = to.connect()) {
            Protocol.write(c.output(), Protocol.NONCE, nonce);
            return Protocol.expect(c.input(), Protocol.DOCUMENT);
        }
    }

    /** A fake enclave that answers any nonce with a recorded document. */
    private static final class ReplayingServer implements AutoCloseable {
        private final Transport.Listener listener;

        ReplayingServer(byte[] document) throws IOException {
            this.listener = Transport.tcp("127.0.0.1", 0).listen();
            Thread.ofPlatform().daemon().name("replaying-attacker").start(() -> {
                try (Transport.Connection c = listener.accept()) {
                    Protocol.expect(c.input(), Protocol.NONCE);
                    Protocol.write(c.output(), Protocol.DOCUMENT, document);
                    Protocol.read(c.input());
                } catch (IOException e) {
                    // the parent hung up after rejecting the document: the expected end
                }
            });
        }

        int port() {
            return listener.port();
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}

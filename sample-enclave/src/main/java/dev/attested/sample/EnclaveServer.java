package dev.attested.sample;

import dev.attested.kms.RecipientCms;
import dev.attested.nsm.Nsm;
import dev.attested.nsm.ffm.Transport;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The enclave side: for each connection, takes the parent's nonce, creates an ephemeral RSA-2048 key pair, asks
 * the NSM for an attestation document binding nonce and public key, returns it, then accepts the secret
 * encrypted to that key and answers with a receipt that proves possession without revealing it.
 *
 * <p>The key pair lives only for one connection: a document (and its key) cannot be reused by a replaying
 * parent to obtain another secret's plaintext.
 */
public final class EnclaveServer implements AutoCloseable {
    private final Nsm nsm;
    private final Transport.Listener listener;
    private final SecureRandom random;
    private final Consumer<String> log;
    private final AtomicInteger sessions = new AtomicInteger();
    private final Consumer<byte[]> onSecret;
    private volatile boolean closed;

    /**
     * @param onSecret receives each delivered secret (the application's use of it); the array is wiped after
     */
    public EnclaveServer(Nsm nsm, Transport transport, SecureRandom random, Consumer<String> log, Consumer<byte[]> onSecret)
            throws IOException {
        this.nsm = Objects.requireNonNull(nsm);
        this.random = Objects.requireNonNull(random);
        this.log = Objects.requireNonNull(log);
        this.onSecret = Objects.requireNonNull(onSecret);
        this.listener = transport.listen();
    }

    /** The port the server listens on. */
    public int port() {
        return listener.port();
    }

    /** Accepts connections until {@link #close()}; each session runs in its own thread. */
    public void serve() {
        while (!closed) {
            Transport.Connection c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                log.accept("enclave: accept failed: " + e.getMessage());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                continue;
            }
            Thread.ofPlatform().daemon().name("enclave-session").start(() -> {
                try (c) {
                    session(c);
                } catch (IOException e) {
                    log.accept("enclave: connection failed: " + e.getMessage());
                }
            });
        }
    }

    /** Serves in a daemon thread. */
    public Thread start() {
        Thread t = Thread.ofPlatform().daemon().name("enclave-server").start(this::serve);
        return t;
    }

    /** One parent session (package-private for tests). */
    void session(Transport.Connection c) throws IOException {
        int id = sessions.incrementAndGet();
        try {
            byte[] nonce = Protocol.expect(c.input(), Protocol.NONCE);
            if (nonce.length < 16 || nonce.length > 512) {
                throw new IOException("nonce of " + nonce.length + " bytes; expected 16..512");
            }
            KeyPair key = rsaKeyPair();
            byte[] spki = key.getPublic().getEncoded();
            byte[] document = nsm.attestation(null, nonce, spki);
            log.accept("enclave[" + id + "]: attested nonce and a fresh RSA-2048 key (" + document.length + "-byte document)");
            Protocol.write(c.output(), Protocol.DOCUMENT, document);
            byte[] envelope = Protocol.expect(c.input(), Protocol.SECRET);
            byte[] secret = RecipientCms.decrypt(envelope, key.getPrivate());
            try {
                // The application takes the secret before the receipt goes out: a parent that holds a receipt
                // may rely on the enclave already having it.
                onSecret.accept(secret);
                Protocol.write(c.output(), Protocol.RECEIPT, Protocol.receipt(secret, nonce));
                log.accept("enclave[" + id + "]: decrypted a " + secret.length + "-byte secret; receipt sent");
            } finally {
                Arrays.fill(secret, (byte) 0);
            }
        } catch (EOFException e) {
            log.accept("enclave[" + id + "]: parent closed the connection");
        } catch (RuntimeException | IOException e) {
            log.accept("enclave[" + id + "]: refused: " + e.getMessage());
            try {
                Protocol.write(c.output(), Protocol.ERROR, String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the parent is gone; nothing more to tell it
            }
        }
    }

    private KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048, random);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is required of every Java platform", e);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}

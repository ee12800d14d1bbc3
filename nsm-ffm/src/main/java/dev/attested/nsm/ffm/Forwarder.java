package dev.attested.nsm.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Forwards every connection accepted on one transport to another, bytes both ways: inside an enclave, a local
 * TCP port (where an HTTP client such as the AWS SDK connects) to the parent's {@code vsock-proxy}
 * ({@code Forwarder.start(Transport.tcp("127.0.0.1", 443), Transport.vsock(3, 8000), log)}). TLS still ends in
 * the enclave: the forwarder sees only ciphertext.
 */
public final class Forwarder implements AutoCloseable {
    private final Transport.Listener listener;
    private final Transport target;
    private final Consumer<String> log;
    private volatile boolean closed;

    private Forwarder(Transport.Listener listener, Transport target, Consumer<String> log) {
        this.listener = listener;
        this.target = target;
        this.log = log;
    }

    /** Starts listening on {@code from} and forwarding to {@code to} in daemon threads. */
    public static Forwarder start(Transport from, Transport to, Consumer<String> log) throws IOException {
        Forwarder f = new Forwarder(from.listen(), Objects.requireNonNull(to), Objects.requireNonNull(log));
        Thread.ofPlatform().daemon().name("forwarder-accept").start(f::acceptLoop);
        return f;
    }

    /** The local port actually listened on. */
    public int port() {
        return listener.port();
    }

    private void acceptLoop() {
        while (!closed) {
            Transport.Connection in;
            try {
                in = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.accept("forwarder: accept failed: " + e.getMessage());
                }
                return;
            }
            Transport.Connection out;
            try {
                out = target.connect();
            } catch (IOException e) {
                log.accept("forwarder: cannot reach " + target + ": " + e.getMessage());
                closeQuietly(in);
                continue;
            }
            Thread.ofPlatform().daemon().name("forwarder-up").start(() -> pump(in.input(), out.output(), in, out));
            Thread.ofPlatform().daemon().name("forwarder-down").start(() -> pump(out.input(), in.output(), in, out));
        }
    }

    private static void pump(InputStream from, OutputStream to, Transport.Connection a, Transport.Connection b) {
        byte[] buf = new byte[16 * 1024];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // one side went away; close both so the other pump ends too
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    private static void closeQuietly(Transport.Connection c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}

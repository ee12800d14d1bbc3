package dev.attested.nsm.ffm;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A byte-stream channel between an enclave and its parent: vsock in production ({@link #vsock}), TCP for
 * local development and tests ({@link #tcp}). The application protocol on top is the same for both.
 */
public interface Transport {

    /** Starts listening; connections are taken with {@link Listener#accept()}. */
    Listener listen() throws IOException;

    /** Connects to a listener. */
    Connection connect() throws IOException;

    /** vsock ({@code AF_VSOCK}): the enclave listens on {@code port} (any CID; port 0 = a free port); the parent connects to {@code cid:port}. */
    static Transport vsock(int cid, int port) {
        return new VsockTransport(cid, port);
    }

    /** TCP on {@code host:port}; port 0 listens on a free port (see {@link Listener#port()}). */
    static Transport tcp(String host, int port) {
        return new TcpTransport(host, port);
    }

    /** One established connection. */
    interface Connection extends Closeable {
        InputStream input();

        OutputStream output();

        /** Who is on the other side, for logs ({@code vsock:3:5000}, {@code tcp:/127.0.0.1:5000}). */
        String peer();
    }

    /** A listening endpoint. */
    interface Listener extends Closeable {
        /** Blocks until a peer connects; fails once the listener is closed. */
        Connection accept() throws IOException;

        /** The port actually bound. */
        int port();
    }
}

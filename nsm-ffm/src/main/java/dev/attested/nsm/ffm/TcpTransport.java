package dev.attested.nsm.ffm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** {@link Transport} over TCP (local mode: both sides on one machine). */
final class TcpTransport implements Transport {
    private final String host;
    private final int port;

    TcpTransport(String host, int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("TCP port out of range: " + port);
        }
        this.host = host;
        this.port = port;
    }

    @Override
    public Listener listen() throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName(host), port), 16);
        return new Listener() {
            @Override
            public Connection accept() throws IOException {
                return wrap(server.accept());
            }

            @Override
            public int port() {
                return server.getLocalPort();
            }

            @Override
            public void close() throws IOException {
                server.close();
            }
        };
    }

    @Override
    public Connection connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
        return wrap(s);
    }

    private static Connection wrap(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        return new Connection() {
            @Override
            public InputStream input() {
                return in;
            }

            @Override
            public OutputStream output() {
                return out;
            }

            @Override
            public String peer() {
                return "tcp:" + socket.getRemoteSocketAddress();
            }

            @Override
            public void close() throws IOException {
                socket.close();
            }
        };
    }

    @Override
    public String toString() {
        return "tcp:" + host + ":" + port;
    }
}

package dev.attested.nsm.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Transport} over {@code AF_VSOCK} stream sockets through FFM: {@code socket}, {@code bind},
 * {@code listen}, {@code accept}, {@code connect}, {@code read}, {@code write}, each failure an errno-typed
 * {@link VsockException}.
 */
final class VsockTransport implements Transport {
    private static final int SHUT_RDWR = 2;
    private static final int CHUNK = 64 * 1024;
    private static final int ACCEPT_POLL_MILLIS = 200;

    private final int cid;
    private final int port;

    VsockTransport(int cid, int port) {
        this.cid = cid;
        this.port = port;
    }

    @Override
    public Listener listen() throws IOException {
        SockaddrVm local = new SockaddrVm(SockaddrVm.VMADDR_CID_ANY, port == 0 ? SockaddrVm.VMADDR_PORT_ANY : port);
        Socket s = Socket.open(local.toString());
        try (Arena arena = Arena.ofConfined()) {
            s.check("bind", local.toString(), Libc.bind(s.fd(), local.allocate(arena)));
            s.check("listen", local.toString(), Libc.listen(s.fd(), 16));
            MemorySegment bound = arena.allocate(SockaddrVm.LAYOUT);
            s.check("getsockname", local.toString(), Libc.getsockname(s.fd(), bound));
            int boundPort = SockaddrVm.read(bound).port();
            return new Listener() {
                @Override
                public Connection accept() throws IOException {
                    // A blocked accept() on AF_VSOCK is not woken by shutdown/close from another thread, so
                    // wait in short polls and re-check whether the listener was closed.
                    int fd = s.acquire();
                    try {
                        while (true) {
                            Libc.Result ready = Libc.poll(fd, Libc.POLLIN, ACCEPT_POLL_MILLIS);
                            if (s.closed()) {
                                throw new VsockException(VsockException.Code.CLOSED, 0, local + " listener is closed");
                            }
                            if (ready.failed() && ready.errno() != Libc.EINTR) {
                                throw VsockException.of("poll", local.toString(), ready.errno());
                            }
                            if (ready.value() > 0) {
                                try (Arena peerArena = Arena.ofConfined()) {
                                    MemorySegment peer = peerArena.allocate(SockaddrVm.LAYOUT);
                                    Libc.Result r = Libc.accept(fd, peer);
                                    if (r.failed()) {
                                        throw VsockException.of("accept", local.toString(), r.errno());
                                    }
                                    return new Socket((int) r.value(), SockaddrVm.read(peer).toString()).connection();
                                }
                            }
                        }
                    } finally {
                        s.release();
                    }
                }

                @Override
                public int port() {
                    return boundPort;
                }

                @Override
                public void close() {
                    s.close();
                }
            };
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public Connection connect() throws IOException {
        SockaddrVm remote = new SockaddrVm(cid, port);
        Socket s = Socket.open(remote.toString());
        try (Arena arena = Arena.ofConfined()) {
            s.check("connect", remote.toString(), Libc.connect(s.fd(), remote.allocate(arena)));
            return s.connection();
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public String toString() {
        return new SockaddrVm(cid, port).toString();
    }

    /** One vsock file descriptor; closing shuts it down first so that a blocked accept/read returns. */
    private static final class Socket {
        private final String name;
        private int fd;
        private int users;
        private boolean closed;

        Socket(int fd, String name) {
            this.fd = fd;
            this.name = name;
        }

        static Socket open(String target) throws VsockException {
            Libc.Result r = Libc.socket(SockaddrVm.AF_VSOCK, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
            if (r.failed()) {
                throw VsockException.of("socket(AF_VSOCK)", "for " + target, r.errno());
            }
            return new Socket((int) r.value(), target);
        }

        synchronized int fd() throws VsockException {
            if (closed) {
                throw new VsockException(VsockException.Code.CLOSED, 0, name + " is closed");
            }
            return fd;
        }

        /** The descriptor, kept open until {@link #release()} even if {@link #close()} is called meanwhile. */
        synchronized int acquire() throws VsockException {
            int f = fd();
            users++;
            return f;
        }

        synchronized void release() {
            users--;
            if (closed && users == 0) {
                closeNow();
            }
        }

        synchronized boolean closed() {
            return closed;
        }

        void check(String call, String target, Libc.Result r) throws VsockException {
            if (r.failed()) {
                throw VsockException.of(call, target, r.errno());
            }
        }

        /** Shuts the socket down (waking blocked reads); the descriptor is closed once no call uses it. */
        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            Libc.shutdown(fd, SHUT_RDWR);
            if (users == 0) {
                closeNow();
            }
        }

        private void closeNow() {
            if (fd >= 0) {
                Libc.close(fd);
                fd = -1;
            }
        }

        Connection connection() {
            InputStream in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    Objects.checkFromIndexSize(off, len, b.length);
                    if (len == 0) {
                        return 0;
                    }
                    int want = Math.min(len, CHUNK);
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment buf = arena.allocate(want);
                        Libc.Result r;
                        int fd = acquire();
                        try {
                            do {
                                r = Libc.read(fd, buf, want);
                            } while (r.failed() && r.errno() == Libc.EINTR);
                        } finally {
                            release();
                        }
                        if (r.failed()) {
                            throw VsockException.of("read", name, r.errno());
                        }
                        if (r.value() == 0) {
                            return -1;
                        }
                        MemorySegment.copy(buf, JAVA_BYTE, 0, b, off, (int) r.value());
                        return (int) r.value();
                    }
                }
            };
            OutputStream out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    Objects.checkFromIndexSize(off, len, b.length);
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment buf = arena.allocate(Math.max(1, Math.min(len, CHUNK)));
                        int done = 0;
                        while (done < len) {
                            int n = Math.min(len - done, CHUNK);
                            MemorySegment.copy(b, off + done, buf, JAVA_BYTE, 0, n);
                            Libc.Result r;
                            int fd = acquire();
                            try {
                                r = Libc.write(fd, buf, n);
                            } finally {
                                release();
                            }
                            if (r.failed()) {
                                if (r.errno() == Libc.EINTR) {
                                    continue;
                                }
                                throw VsockException.of("write", name, r.errno());
                            }
                            done += (int) r.value();
                        }
                    }
                }
            };
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
                    return name;
                }

                @Override
                public void close() {
                    Socket.this.close();
                }
            };
        }
    }
}

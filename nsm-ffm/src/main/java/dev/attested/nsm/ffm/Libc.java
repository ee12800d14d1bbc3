package dev.attested.nsm.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc functions the NSM client and vsock sockets need, bound through the FFM linker. Every downcall
 * captures {@code errno} into a segment the caller passes first, so the value cannot be clobbered by the JVM
 * between the call and the read.
 */
@SuppressWarnings("restricted") // binding libc is the point of this class; run with --enable-native-access
final class Libc {
    static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // Linux values, identical on x86_64 and aarch64 (asm-generic).
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int SOCK_STREAM = 1;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int ENXIO = 6;
    static final int EBADF = 9;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EFAULT = 14;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;
    static final int ENODATA = 61;
    static final int EMSGSIZE = 90;
    static final int EAFNOSUPPORT = 97;
    static final int EADDRINUSE = 98;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    static final int ECONNRESET = 104;
    static final int ETIMEDOUT = 110;
    static final int ECONNREFUSED = 111;
    static final int EHOSTUNREACH = 113;

    /** {@code int ioctl(int fd, unsigned long request, ...)} called with one pointer argument. */
    static final FunctionDescriptor IOCTL_DESCRIPTOR = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS);

    /** ioctl through any function pointer: {@code (MemorySegment fn, MemorySegment callState, int, long, MemorySegment) -> int}. */
    static final MethodHandle IOCTL_AT = LINKER.downcallHandle(IOCTL_DESCRIPTOR, Linker.Option.firstVariadicArg(2),
            CAPTURE_ERRNO);
    static final MemorySegment IOCTL = symbol("ioctl");

    private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle ACCEPT = downcall("accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CONNECT = downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL = downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SHUTDOWN = downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    private Libc() {}

    /** Result of a call: return value and the errno captured right after it (meaningful when {@code value < 0}). */
    record Result(long value, int errno) {
        boolean failed() {
            return value < 0;
        }
    }

    static Result open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            return new Result(fd, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CLOSE.invokeExact(state, fd);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result ioctl(MemorySegment function, MemorySegment state, int fd, long request, MemorySegment arg) {
        try {
            int rc = (int) IOCTL_AT.invokeExact(function, state, fd, request, arg);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result socket(int domain, int type, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) SOCKET.invokeExact(state, domain, type, protocol);
            return new Result(fd, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result bind(int fd, MemorySegment addr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) BIND.invokeExact(state, fd, addr, (int) addr.byteSize());
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result listen(int fd, int backlog) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) LISTEN.invokeExact(state, fd, backlog);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code accept}; the peer's address is written to {@code peer} (its size is the capacity). */
    static Result accept(int fd, MemorySegment peer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) peer.byteSize());
            int rc = (int) ACCEPT.invokeExact(state, fd, peer, len);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result connect(int fd, MemorySegment addr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) CONNECT.invokeExact(state, fd, addr, (int) addr.byteSize());
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result getsockname(int fd, MemorySegment addr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) addr.byteSize());
            int rc = (int) GETSOCKNAME.invokeExact(state, fd, addr, len);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result read(int fd, MemorySegment buf, long count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long n = (long) READ.invokeExact(state, fd, buf, count);
            return new Result(n, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result write(int fd, MemorySegment buf, long count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            long n = (long) WRITE.invokeExact(state, fd, buf, count);
            return new Result(n, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static final short POLLIN = 1;

    /** {@code poll} on one descriptor for {@code events}; value 0 = timeout, 1 = ready. */
    static Result poll(int fd, short events, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            MemorySegment pollfd = arena.allocate(8, 4); // struct pollfd { int fd; short events; short revents; }
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 4, events);
            int rc = (int) POLL.invokeExact(state, pollfd, 1L, timeoutMillis);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static Result shutdown(int fd, int how) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int rc = (int) SHUTDOWN.invokeExact(state, fd, how);
            return new Result(rc, errno(state));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        System.arraycopy(extra, 0, options, 0, extra.length);
        options[extra.length] = CAPTURE_ERRNO;
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}

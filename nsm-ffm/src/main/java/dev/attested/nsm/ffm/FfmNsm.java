package dev.attested.nsm.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.attested.nsm.Nsm;
import dev.attested.nsm.NsmCodec;
import dev.attested.nsm.NsmException;
import dev.attested.nsm.NsmRequest;
import dev.attested.nsm.NsmResponse;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The Nitro Secure Module through {@code /dev/nsm}, without JNI: libc {@code open}/{@code ioctl}/{@code close}
 * through the Foreign Function and Memory API (docs/spec/nsm-protocol.md §2.3).
 *
 * <p>Each call allocates, in one confined arena, the request bytes, a 12288-byte response buffer and the
 * 32-byte {@code struct nsm_raw} (request address/length, response address/capacity, native little-endian),
 * issues {@code ioctl(fd, 0xC0200A00, &arg)}, and on success copies back the number of bytes the driver wrote
 * at offset 24. A failed ioctl's {@code errno} (captured by the linker right after the call) becomes an
 * {@link NsmException} with a specific code and {@link NsmException#errno()}.
 *
 * <p>Calls are serialised (the driver allows one outstanding request per device anyway), so one instance can
 * be shared by all threads. Run with {@code --enable-native-access=ALL-UNNAMED} (or the module name).
 */
public final class FfmNsm implements Nsm, AutoCloseable {
    /** Default device node. */
    public static final String DEVICE = "/dev/nsm";
    /** {@code _IOWR(0x0A, 0, 32)} on x86_64 and aarch64. */
    public static final long NSM_IOCTL_REQUEST = 0xC0200A00L;
    /** Size of {@code struct nsm_raw}. */
    public static final int ARGUMENT_SIZE = 32;

    static final ValueLayout.OfLong U64 = JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String device;
    private final MemorySegment ioctl;
    private final ReentrantLock lock = new ReentrantLock();
    private int fd;

    private FfmNsm(String device, int fd, MemorySegment ioctl) {
        this.device = device;
        this.fd = fd;
        this.ioctl = ioctl;
    }

    /** Opens {@code /dev/nsm}. */
    public static FfmNsm open() {
        return open(DEVICE);
    }

    /** Opens an NSM device node: read-write, falling back to read-only (the ioctl needs no write access). */
    public static FfmNsm open(String device) {
        return new FfmNsm(device, openDevice(device), Libc.IOCTL);
    }

    /**
     * A client whose {@code ioctl} is the native function at {@code ioctlFunction} (same C signature as libc's),
     * on an already-open descriptor. Tests point it at an upcall stub that plays the device.
     */
    static FfmNsm withIoctl(String device, int fd, MemorySegment ioctlFunction) {
        return new FfmNsm(device, fd, ioctlFunction);
    }

    private static int openDevice(String device) {
        Libc.Result r = Libc.open(device, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (r.failed() && (r.errno() == Libc.EACCES || r.errno() == Libc.EPERM)) {
            r = Libc.open(device, Libc.O_RDONLY | Libc.O_CLOEXEC);
        }
        if (!r.failed()) {
            return (int) r.value();
        }
        int errno = r.errno();
        if (errno == Libc.ENOENT || errno == Libc.ENODEV || errno == Libc.ENXIO) {
            throw NsmException.ofErrno(NsmException.Code.DEVICE_NOT_FOUND, errno, "cannot open " + device
                    + ": no NSM device. /dev/nsm exists only inside a Nitro Enclave (with the nsm driver loaded);"
                    + " outside one use dev.attested.testkit.NsmSimulator");
        }
        if (errno == Libc.EACCES || errno == Libc.EPERM) {
            throw NsmException.ofErrno(NsmException.Code.DEVICE_ACCESS_DENIED, errno, "cannot open " + device
                    + ": permission denied. Run the enclave application as a user that may read the device");
        }
        throw NsmException.ofErrno(NsmException.Code.DEVICE_OPEN_FAILED, errno, "cannot open " + device);
    }

    @Override
    public NsmResponse call(NsmRequest request) {
        return NsmCodec.decodeResponse(transact(NsmCodec.encodeRequest(request)));
    }

    /** Sends raw request bytes and returns the raw answer (what the driver wrote into the response buffer). */
    public byte[] transact(byte[] request) {
        if (request.length > NsmRequest.MAX_ENCODED_SIZE) {
            throw new NsmException(NsmException.Code.REQUEST_TOO_LARGE, "the request is " + request.length
                    + " bytes; the NSM driver accepts at most " + NsmRequest.MAX_ENCODED_SIZE
                    + ". Keep attestation fields at most 1024 bytes each and extend PCRs with digests of large data");
        }
        lock.lock();
        try (Arena arena = Arena.ofConfined()) {
            if (fd < 0) {
                throw new NsmException(NsmException.Code.CLOSED, "the NSM client for " + device + " is closed");
            }
            MemorySegment req = arena.allocate(Math.max(1, request.length));
            MemorySegment.copy(request, 0, req, JAVA_BYTE, 0, request.length);
            MemorySegment resp = arena.allocate(NsmCodec.MAX_RESPONSE_SIZE);
            MemorySegment arg = arena.allocate(ARGUMENT_SIZE, 8);
            arg.set(U64, 0, req.address());
            arg.set(U64, 8, request.length);
            arg.set(U64, 16, resp.address());
            arg.set(U64, 24, NsmCodec.MAX_RESPONSE_SIZE);
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            Libc.Result r = Libc.ioctl(ioctl, state, fd, NSM_IOCTL_REQUEST, arg);
            if (r.failed()) {
                throw ioctlError(r.errno());
            }
            long length = arg.get(U64, 24);
            if (length < 0 || length > NsmCodec.MAX_RESPONSE_SIZE) {
                throw new NsmException(NsmException.Code.RESPONSE_TOO_LARGE, "the driver reports " + length
                        + " response bytes in a " + NsmCodec.MAX_RESPONSE_SIZE + "-byte buffer");
            }
            return resp.asSlice(0, length).toArray(JAVA_BYTE);
        } finally {
            lock.unlock();
        }
    }

    private NsmException ioctlError(int errno) {
        String what = "ioctl on " + device + " failed";
        return switch (errno) {
            case Libc.EMSGSIZE -> NsmException.ofErrno(NsmException.Code.REQUEST_TOO_LARGE, errno,
                    what + ": the request exceeds the driver's 4096 bytes");
            case Libc.EFAULT -> NsmException.ofErrno(NsmException.Code.BAD_ADDRESS, errno,
                    what + ": the driver could not access the request or response buffer");
            case Libc.ETIMEDOUT -> NsmException.ofErrno(NsmException.Code.TIMED_OUT, errno,
                    what + ": the module did not answer within 120 s; retry, and check the enclave's health");
            case Libc.EINVAL -> NsmException.ofErrno(NsmException.Code.INVALID_IOCTL, errno,
                    what + ": the driver rejected the command 0xC0200A00 or its 32-byte argument (a 64-bit JVM is required)");
            case Libc.ENOTTY -> NsmException.ofErrno(NsmException.Code.NOT_AN_NSM_DEVICE, errno,
                    what + ": " + device + " is not an NSM device");
            case Libc.ENOMEM -> NsmException.ofErrno(NsmException.Code.OUT_OF_MEMORY, errno,
                    what + ": the driver is out of memory");
            case Libc.EIO, Libc.ENODATA, Libc.ENXIO -> NsmException.ofErrno(NsmException.Code.DEVICE_IO, errno,
                    what + ": the virtio transport to the module failed");
            case Libc.EINTR -> NsmException.ofErrno(NsmException.Code.INTERRUPTED, errno,
                    what + ": interrupted by a signal; not retried because the module may have acted on the request");
            case Libc.EBADF -> NsmException.ofErrno(NsmException.Code.CLOSED, errno,
                    what + ": the file descriptor is not open");
            default -> NsmException.ofErrno(NsmException.Code.IOCTL_FAILED, errno, what);
        };
    }

    /** Closes the device; later calls fail with {@link NsmException.Code#CLOSED}. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (fd >= 0) {
                int f = fd;
                fd = -1;
                Libc.close(f);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "FfmNsm[" + device + "]";
    }
}

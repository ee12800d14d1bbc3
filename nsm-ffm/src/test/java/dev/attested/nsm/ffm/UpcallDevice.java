package dev.attested.nsm.ffm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.UnaryOperator;

/**
 * A native {@code ioctl} function implemented in Java (an FFM upcall stub) that behaves like the mainline
 * kernel driver in front of a device: it checks the command number, reads {@code struct nsm_raw} from native
 * memory, refuses requests over 4096 bytes with {@code EMSGSIZE}, hands the request bytes to the device,
 * copies {@code min(capacity, answer)} bytes back and writes the length at offset 24. Failures are reported
 * the C way: return -1 with {@code errno} set.
 */
@SuppressWarnings("restricted")
final class UpcallDevice implements AutoCloseable {
    private static final MethodHandle ERRNO_LOCATION = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("__errno_location").orElseThrow(),
            FunctionDescriptor.of(ADDRESS.withTargetLayout(JAVA_INT)));

    private final Arena arena = Arena.ofShared();
    private final UnaryOperator<byte[]> device;
    private final int failWithErrno;
    private final MemorySegment function;
    volatile long lastRequestLength = -1;
    volatile long lastCapacity = -1;
    volatile long lastCommand = -1;
    volatile int calls;

    private UpcallDevice(UnaryOperator<byte[]> device, int failWithErrno) {
        this.device = device;
        this.failWithErrno = failWithErrno;
        try {
            MethodHandle target = MethodHandles.lookup().findVirtual(UpcallDevice.class, "ioctl",
                    MethodType.methodType(int.class, int.class, long.class, MemorySegment.class)).bindTo(this);
            this.function = Linker.nativeLinker().upcallStub(target, Libc.IOCTL_DESCRIPTOR, arena);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A driver in front of {@code device} (request bytes → answer bytes). */
    static UpcallDevice answering(UnaryOperator<byte[]> device) {
        return new UpcallDevice(device, 0);
    }

    /** A driver whose every ioctl fails with {@code errno}. */
    static UpcallDevice failingWith(int errno) {
        return new UpcallDevice(r -> r, errno);
    }

    /** The function pointer to hand to {@link FfmNsm#withIoctl}. */
    MemorySegment function() {
        return function;
    }

    @SuppressWarnings("unused") // called from native code
    private int ioctl(int fd, long command, MemorySegment argument) {
        try {
            calls++;
            lastCommand = command;
            if (failWithErrno != 0) {
                return fail(failWithErrno);
            }
            if (command != FfmNsm.NSM_IOCTL_REQUEST) {
                return fail(Libc.EINVAL);
            }
            MemorySegment arg = argument.reinterpret(FfmNsm.ARGUMENT_SIZE);
            long reqAddr = arg.get(FfmNsm.U64, 0);
            long reqLen = arg.get(FfmNsm.U64, 8);
            long respAddr = arg.get(FfmNsm.U64, 16);
            long capacity = arg.get(FfmNsm.U64, 24);
            lastRequestLength = reqLen;
            lastCapacity = capacity;
            if (reqLen > 4096) {
                return fail(Libc.EMSGSIZE);
            }
            if (reqAddr == 0 || respAddr == 0) {
                return fail(Libc.EFAULT);
            }
            byte[] request = MemorySegment.ofAddress(reqAddr).reinterpret(reqLen).toArray(JAVA_BYTE);
            byte[] answer = device.apply(request);
            long n = Math.min(capacity, answer.length);
            MemorySegment.copy(answer, 0, MemorySegment.ofAddress(respAddr).reinterpret(n), JAVA_BYTE, 0, (int) n);
            arg.set(FfmNsm.U64, 24, n);
            return 0;
        } catch (Throwable t) {
            // An exception must never escape an upcall (the JVM would abort).
            return fail(Libc.EIO);
        }
    }

    private static int fail(int errno) {
        try {
            MemorySegment location = (MemorySegment) ERRNO_LOCATION.invokeExact();
            location.set(JAVA_INT, 0, errno);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return -1;
    }

    @Override
    public void close() {
        arena.close();
    }
}

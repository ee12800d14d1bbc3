package dev.attested.nsm.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

/**
 * {@code struct sockaddr_vm} of {@code <linux/vm_sockets.h>}: 16 bytes, native byte order.
 * <pre>
 * 0  u16 svm_family    (AF_VSOCK = 40)
 * 2  u16 svm_reserved1
 * 4  u32 svm_port
 * 8  u32 svm_cid
 * 12 u8  svm_flags
 * 13 u8  svm_zero[3]
 * </pre>
 */
record SockaddrVm(int cid, int port) {
    static final short AF_VSOCK = 40;
    /** Any CID (bind). */
    static final int VMADDR_CID_ANY = -1;
    /** Any port (bind): the kernel picks one. */
    static final int VMADDR_PORT_ANY = -1;
    /** The parent instance as seen from a Nitro Enclave. */
    static final int PARENT_CID = 3;

    static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("svm_family"),
            JAVA_SHORT.withName("svm_reserved1"),
            JAVA_INT.withName("svm_port"),
            JAVA_INT.withName("svm_cid"),
            JAVA_BYTE.withName("svm_flags"),
            MemoryLayout.sequenceLayout(3, JAVA_BYTE).withName("svm_zero"));

    private static final VarHandle FAMILY = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("svm_family"));
    private static final VarHandle PORT = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("svm_port"));
    private static final VarHandle CID = LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("svm_cid"));

    /** A zeroed native struct holding this address. */
    MemorySegment allocate(Arena arena) {
        MemorySegment s = arena.allocate(LAYOUT);
        FAMILY.set(s, 0L, AF_VSOCK);
        PORT.set(s, 0L, port);
        CID.set(s, 0L, cid);
        return s;
    }

    static SockaddrVm read(MemorySegment s) {
        return new SockaddrVm((int) CID.get(s, 0L), (int) PORT.get(s, 0L));
    }

    static short family(MemorySegment s) {
        return (short) FAMILY.get(s, 0L);
    }

    @Override
    public String toString() {
        return "vsock:" + (cid == VMADDR_CID_ANY ? "any" : Integer.toUnsignedString(cid)) + ":"
                + (port == VMADDR_PORT_ANY ? "any" : Integer.toUnsignedString(port));
    }
}

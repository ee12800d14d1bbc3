package dev.attested.nsm.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** TCP carries the flows; vsock is checked for its struct layout and errno handling (no vsock loopback here). */
class TransportTest {

    @Test
    void sockaddrVmIsSixteenBytesWithPortAtFourAndCidAtEight() {
        assertEquals(16, SockaddrVm.LAYOUT.byteSize());
        assertEquals(0, SockaddrVm.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("svm_family")));
        assertEquals(4, SockaddrVm.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("svm_port")));
        assertEquals(8, SockaddrVm.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("svm_cid")));
        assertEquals(12, SockaddrVm.LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("svm_flags")));
    }

    @Test
    void sockaddrVmBytesForParentCidAndPort5000() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = new SockaddrVm(3, 5000).allocate(arena);
            // family 40, reserved 0, port 5000 (0x1388), cid 3, flags and padding zero; little-endian
            assertEquals("28000000881300000300000000000000",
                    HexFormat.of().formatHex(s.toArray(ValueLayout.JAVA_BYTE)));
            assertEquals(new SockaddrVm(3, 5000), SockaddrVm.read(s));
        }
    }

    @Test
    void connectingOverVsockWithoutAPeerFailsWithATypedErrno() {
        // Here: socket() works and connect() reports ENODEV; elsewhere the kernel may lack AF_VSOCK entirely.
        VsockException e = assertThrows(VsockException.class, () -> Transport.vsock(3, 5999).connect().close());
        assertTrue(Set.of(VsockException.Code.NO_TRANSPORT, VsockException.Code.VSOCK_UNSUPPORTED,
                VsockException.Code.UNREACHABLE, VsockException.Code.CONNECTION_REFUSED).contains(e.code()), e.getMessage());
        assertNotEquals(0, e.errno());
    }

    @Test
    void errnoValuesMapToStableCodes() {
        assertEquals(VsockException.Code.VSOCK_UNSUPPORTED, VsockException.of("socket", "x", 97).code());
        assertEquals(VsockException.Code.NO_TRANSPORT, VsockException.of("connect", "x", 19).code());
        assertEquals(VsockException.Code.CONNECTION_REFUSED, VsockException.of("connect", "x", 111).code());
        assertEquals(VsockException.Code.UNREACHABLE, VsockException.of("connect", "x", 113).code());
        assertEquals(VsockException.Code.ADDRESS_IN_USE, VsockException.of("bind", "x", 98).code());
        assertEquals(VsockException.Code.PERMISSION_DENIED, VsockException.of("listen", "x", 1).code());
        assertEquals(VsockException.Code.SOCKET_ERROR, VsockException.of("read", "x", 71).code());
    }

    @Test
    void vsockListenEitherListensOrFailsWithATypedErrno() throws IOException {
        // Containers often forbid vsock listen (EPERM); an enclave allows it.
        try (Transport.Listener l = Transport.vsock(SockaddrVm.PARENT_CID, 0).listen()) {
            assertTrue(l.port() != 0, "a listener on port 0 gets a port from the kernel");
        } catch (VsockException e) {
            assertNotEquals(VsockException.Code.SOCKET_ERROR, e.code(), e.getMessage());
        }
    }

    @Test
    void tcpCarriesBytesBothWays() throws Exception {
        try (Transport.Listener listener = Transport.tcp("127.0.0.1", 0).listen()) {
            CompletableFuture<byte[]> server = CompletableFuture.supplyAsync(() -> {
                try (Transport.Connection c = listener.accept()) {
                    byte[] got = new DataInputStream(c.input()).readNBytes(5);
                    c.output().write(new byte[] {9, 8});
                    c.output().flush();
                    return got;
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            try (Transport.Connection c = Transport.tcp("127.0.0.1", listener.port()).connect()) {
                c.output().write(new byte[] {1, 2, 3, 4, 5});
                c.output().flush();
                assertArrayEquals(new byte[] {9, 8}, c.input().readNBytes(2));
            }
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, server.get());
        }
    }

    @Test
    void closingAVsockListenerEndsABlockedAccept() throws Exception {
        Transport.Listener listener;
        try {
            listener = Transport.vsock(-1, 0).listen();
        } catch (VsockException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "vsock listen not permitted here: " + e.getMessage());
            return;
        }
        CompletableFuture<Throwable> accept = CompletableFuture.supplyAsync(() -> {
            try {
                listener.accept().close();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        Thread.sleep(200);
        listener.close();
        Throwable t = accept.get(5, java.util.concurrent.TimeUnit.SECONDS);
        VsockException e = org.junit.jupiter.api.Assertions.assertInstanceOf(VsockException.class, t);
        assertEquals(VsockException.Code.CLOSED, e.code());
    }
}

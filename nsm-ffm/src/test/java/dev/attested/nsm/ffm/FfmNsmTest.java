package dev.attested.nsm.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.UnverifiedDocument;
import dev.attested.nsm.NsmCodec;
import dev.attested.nsm.NsmErrorCode;
import dev.attested.nsm.NsmException;
import dev.attested.nsm.NsmRequest;
import dev.attested.testkit.NsmSimulator;
import dev.attested.pcr.Pcr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real FFM path: the client's ioctl downcall goes to an upcall stub ({@link UpcallDevice}) that reads
 * {@code struct nsm_raw} from native memory and answers through {@link NsmSimulator}.
 */
class FfmNsmTest {
    private static final HexFormat HEX = HexFormat.of();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private FfmNsm client(UpcallDevice device) {
        open.add(device);
        // A real descriptor (/dev/null) so that close() closes only what the test opened.
        Libc.Result fd = Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC);
        FfmNsm nsm = FfmNsm.withIoctl("/dev/null", (int) fd.value(), device.function());
        open.add(nsm);
        return nsm;
    }

    private FfmNsm simulated(NsmSimulator simulator) {
        return client(UpcallDevice.answering(simulator::handle));
    }

    @Test
    void extendPcrThroughNativeMemoryMatchesTheSpecVector() {
        FfmNsm nsm = simulated(NsmSimulator.create());
        assertEquals("cb178fcd3f328244c05c6248723fd068b3a1dda878e1ab8be911098f199958add55d0c27f04826d27b44d949a650694e",
                nsm.extendPcr(16, new byte[] {1, 2, 3}).hex());
    }

    @Test
    void passesTheNsmCommandTheExactRequestLengthAndA12288ByteBuffer() {
        UpcallDevice device = UpcallDevice.answering(NsmSimulator.create()::handle);
        FfmNsm nsm = client(device);
        nsm.describePcr(0);
        assertEquals(0xC0200A00L, device.lastCommand);
        assertEquals(NsmCodec.encodeRequest(new NsmRequest.DescribePcr(0)).length, device.lastRequestLength);
        assertEquals(12288, device.lastCapacity);
    }

    @Test
    void readsTheResponseLengthBackFromOffset24() {
        // "LockPCR" is 8 bytes; decoding the whole 12288-byte buffer would fail on trailing bytes.
        FfmNsm nsm = client(UpcallDevice.answering(request -> HEX.parseHex("674c6f636b504352")));
        nsm.lockPcr(16);
        assertArrayEquals(HEX.parseHex("674c6f636b504352"), nsm.transact(NsmCodec.encodeRequest(new NsmRequest.LockPcr(16))));
    }

    @Test
    void everyOperationWorksEndToEnd() {
        NsmSimulator simulator = NsmSimulator.builder().pcr(0, Pcr.ofContent("image".getBytes())).build();
        FfmNsm nsm = simulated(simulator);
        assertArrayEquals(Pcr.ofContent("image".getBytes()).toByteArray(), nsm.describePcr(0).data());
        nsm.extendPcr(16, new byte[] {7});
        nsm.lockPcr(16);
        nsm.lockPcrs(20);
        assertEquals(20, nsm.describeNsm().lockedPcrs().size());
        byte[] doc = nsm.attestation(null, new byte[] {1, 2, 3}, null);
        assertEquals(-35L, UnverifiedDocument.parse(doc).algorithm(), "ES384");
        assertEquals(256, nsm.getRandom().length);
    }

    @Test
    void deviceErrorsArriveAsTypedExceptions() {
        FfmNsm nsm = simulated(NsmSimulator.create());
        NsmException e = assertThrows(NsmException.class, () -> nsm.extendPcr(3, new byte[] {1}));
        assertEquals(NsmException.Code.DEVICE_ERROR, e.code());
        assertEquals(NsmErrorCode.READ_ONLY_INDEX, e.deviceError());
    }

    @ParameterizedTest(name = "errno {0} -> {1}")
    @CsvSource({
        "90, REQUEST_TOO_LARGE", // EMSGSIZE
        "14, BAD_ADDRESS", // EFAULT
        "110, TIMED_OUT", // ETIMEDOUT
        "22, INVALID_IOCTL", // EINVAL
        "25, NOT_AN_NSM_DEVICE", // ENOTTY
        "12, OUT_OF_MEMORY", // ENOMEM
        "5, DEVICE_IO", // EIO
        "61, DEVICE_IO", // ENODATA
        "6, DEVICE_IO", // ENXIO
        "4, INTERRUPTED", // EINTR
        "71, IOCTL_FAILED" // EPROTO: anything else keeps its errno
    })
    void ioctlErrnoIsCapturedAndMapped(int errno, NsmException.Code code) {
        FfmNsm nsm = client(UpcallDevice.failingWith(errno));
        NsmException e = assertThrows(NsmException.class, () -> nsm.describeNsm());
        assertEquals(code, e.code());
        assertEquals(errno, e.errno());
    }

    @Test
    void requestsOver4096BytesAreRefusedWithoutCallingTheDriver() {
        UpcallDevice device = UpcallDevice.answering(NsmSimulator.create()::handle);
        FfmNsm nsm = client(device);
        NsmException e = assertThrows(NsmException.class, () -> nsm.transact(new byte[4097]));
        assertEquals(NsmException.Code.REQUEST_TOO_LARGE, e.code());
        assertEquals(0, device.calls);
    }

    @Test
    void aClosedClientFailsWithClosed() {
        FfmNsm nsm = simulated(NsmSimulator.create());
        nsm.close();
        nsm.close();
        assertEquals(NsmException.Code.CLOSED, assertThrows(NsmException.class, nsm::getRandom).code());
    }

    @Test
    void oneClientIsSafeToShareBetweenThreads() throws Exception {
        FfmNsm nsm = simulated(NsmSimulator.create());
        int threads = 8;
        int perThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        nsm.extendPcr(16, new byte[] {42});
                        assertEquals(256, nsm.getRandom().length);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        Pcr expected = Pcr.zero();
        for (int i = 0; i < threads * perThread; i++) {
            expected = expected.extend(new byte[] {42});
        }
        assertArrayEquals(expected.toByteArray(), nsm.describePcr(16).data(), "no extend lost or doubled");
    }

    @Test
    void aFileThatIsNotAnNsmDeviceIsReportedAsSuch() {
        // The kernel answers ENOTTY for an ioctl /dev/null does not know: a real errno through captureCallState.
        try (FfmNsm nsm = FfmNsm.open("/dev/null")) {
            NsmException e = assertThrows(NsmException.class, nsm::describeNsm);
            assertEquals(NsmException.Code.NOT_AN_NSM_DEVICE, e.code());
            assertEquals(25, e.errno());
        }
    }

    @Test
    void aMissingDeviceIsReportedAsNotFound() {
        NsmException e = assertThrows(NsmException.class, () -> FfmNsm.open("/nonexistent/nsm"));
        assertEquals(NsmException.Code.DEVICE_NOT_FOUND, e.code());
        assertEquals(2, e.errno());
    }

    @Test
    void realDeviceDescribesItselfAndAttests() {
        boolean present = Files.exists(Path.of(FfmNsm.DEVICE));
        if (!present) {
            System.out.println("FfmNsmTest: skipping the /dev/nsm test: no /dev/nsm on this machine (not a Nitro Enclave)");
        }
        Assumptions.assumeTrue(present, "no /dev/nsm on this machine (not a Nitro Enclave)");
        try (FfmNsm nsm = FfmNsm.open()) {
            assertEquals(32, nsm.describeNsm().maxPcrs());
            assertTrue(nsm.describeNsm().lockedPcrs().contains(0));
            assertTrue(nsm.getRandom().length > 0);
            assertEquals(-35L, UnverifiedDocument.parse(nsm.attestation(null, new byte[] {1}, null)).algorithm(), "ES384");
        }
    }
}

package dev.attested.nsm;

import dev.attested.testkit.NsmSimulator;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.fuzz.FuzzFixtures;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * Fuzz targets for the NSM protocol (docs/fuzzing.md). {@link #decodeResponse}: what {@code /dev/nsm} answers is
 * decoded to a response or refused with {@link NsmException} {@code MALFORMED_RESPONSE}, nothing else; a decoded
 * response re-encodes to bytes that decode to the same response. {@link #decodeRequest}: the device side (the
 * simulator's parser) decodes a request or refuses it with {@link NsmCodec.NsmDeviceError}, nothing else; a
 * decoded request re-encodes to the same request; and the simulator answers any request bytes with a response
 * the client decodes. Both within a memory budget.
 */
class NsmCodecFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(16, 256);
    private static final Clock CLOCK = Clock.fixed(FuzzFixtures.PKI_NOT_BEFORE.plusSeconds(3600), ZoneOffset.UTC);

    @FuzzTest(maxDuration = "5m")
    void decodeResponse(byte[] bytes) throws Exception {
        NsmResponse response;
        try {
            response = BUDGET.measure(bytes.length, () -> NsmCodec.decodeResponse(bytes));
        } catch (NsmException e) {
            assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code(), e.getMessage());
            return;
        }
        assertEquals(response, NsmCodec.decodeResponse(NsmCodec.encodeResponse(response)), "re-encoded response");
    }

    @FuzzTest(maxDuration = "5m")
    void decodeRequest(byte[] bytes) throws Exception {
        try {
            NsmRequest request = BUDGET.measure(bytes.length, () -> NsmCodec.decodeRequest(bytes));
            assertEquals(request, NsmCodec.decodeRequest(NsmCodec.encodeRequest(request)), "re-encoded request");
        } catch (NsmCodec.NsmDeviceError e) {
            assertNotNull(e.code());
        }
        // a fresh device per input: one input's ExtendPCR or LockPCR must not change how the next is answered
        NsmSimulator device = NsmSimulator.builder().pki(FuzzFixtures.pki()).clock(CLOCK).build();
        byte[] answer = BUDGET.measure(bytes.length, () -> device.handle(bytes));
        assertTrue(answer.length <= NsmCodec.MAX_RESPONSE_SIZE, "answer of " + answer.length + " bytes");
        assertNotNull(NsmCodec.decodeResponse(answer));
        assertArrayEquals(answer, NsmCodec.encodeResponse(NsmCodec.decodeResponse(answer)), "the simulator's answer re-encodes");
    }
}

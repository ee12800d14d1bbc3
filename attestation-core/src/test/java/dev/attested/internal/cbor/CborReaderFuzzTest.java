package dev.attested.internal.cbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;

/**
 * Fuzz target for {@link CborReader} (docs/fuzzing.md). Contract for any input: it decodes or throws
 * {@link CborException} with a reason, nothing else; memory stays within a budget linear in the input; an
 * accepted item re-encodes with {@link CborWriter} to bytes that decode to the same item; and Jackson's CBOR
 * parser, the second implementation, reads the same value from the input (our reader may reject what Jackson
 * accepts — duplicate keys, for example — but never accept with a different value).
 */
class CborReaderFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(16, 256);

    @FuzzTest(maxDuration = "5m")
    void decode(byte[] input) throws Exception {
        CborValue value;
        try {
            value = BUDGET.measure(input.length, () -> CborReader.decode(input));
        } catch (CborException e) {
            assertNotNull(e.reason(), "a CborException carries its reason");
            return;
        }
        assertEquals(value, CborReader.decode(CborWriter.encode(value)), "the re-encoded item decodes to the same value");
        if (JacksonCbor.comparable(value)) {
            JacksonCbor.assertSameAsJackson(input, value);
        }
    }
}

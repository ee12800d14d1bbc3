package dev.attested.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutputTimestampTest {
    @Test
    void isoAndEpochSecondsFormsAreAccepted() {
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), OutputTimestamp.parse("2026-01-01T00:00:00Z"));
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), OutputTimestamp.parse("2026-01-01T01:00:00+01:00"));
        assertEquals(Instant.ofEpochSecond(1767225600L), OutputTimestamp.parse("1767225600"));
    }

    @Test
    void absentTimestampIsTheEpochNeverTheClock() {
        assertEquals(Instant.EPOCH, OutputTimestamp.parse(null));
        assertEquals(Instant.EPOCH, OutputTimestamp.parse("a"));
    }

    @Test
    void garbageIsTimestampInvalid() {
        assertEquals(BuildException.Code.TIMESTAMP_INVALID,
                assertThrows(BuildException.class, () -> OutputTimestamp.parse("yesterday")).code());
    }
}

package dev.attested.build;

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

    /** EIF.md §4.3: RFC 3339 with +00:00 (the synthetic vector uses 1970-01-01T00:00:00+00:00). */
    @Test
    void metadataBuildTimeUsesNitroCliForm() {
        assertEquals("1970-01-01T00:00:00+00:00", OutputTimestamp.eifBuildTime(Instant.EPOCH));
        assertEquals("2026-01-01T00:00:00+00:00", OutputTimestamp.eifBuildTime(Instant.parse("2026-01-01T00:00:00Z")));
    }
}

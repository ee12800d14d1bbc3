package dev.attested.enclave;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The build's fixed time, from Maven's {@code project.build.outputTimestamp} (ISO-8601 with offset, or whole
 * seconds since the epoch — the two forms Maven accepts). Absent (null, empty, or the single character Maven
 * uses to disable it) means the epoch: an EIF never carries the wall clock.
 */
public final class OutputTimestamp {
    private OutputTimestamp() {}

    /** Parses the property value. */
    public static Instant parse(String value) {
        if (value == null || value.trim().length() <= 1) {
            return Instant.EPOCH;
        }
        String v = value.trim();
        if (v.matches("[0-9]+")) {
            return Instant.ofEpochSecond(Long.parseLong(v));
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new BuildException(BuildException.Code.TIMESTAMP_INVALID, "project.build.outputTimestamp '" + v
                    + "' is neither ISO-8601 with an offset (2026-01-01T00:00:00Z) nor epoch seconds");
        }
    }
}

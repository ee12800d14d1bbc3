package dev.attested.pcr;

/** A PCR history could not be read, written or changed. {@link #code()} is stable and meant for scripts. */
public final class PcrHistoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The history file does not exist (and the caller required it). */
        HISTORY_NOT_FOUND,
        /** Not JSON, or a required field is missing or has the wrong form. */
        HISTORY_MALFORMED,
        /** A schema version this library does not know. */
        HISTORY_UNSUPPORTED_VERSION,
        /** The same version is already recorded for the environment with different PCRs or EIF hash. */
        HISTORY_CONFLICT,
        /** The environment has no release with the given version. */
        HISTORY_UNKNOWN_RELEASE,
        /** The environment name is empty or uses characters other than {@code a-z 0-9 . _ -}. */
        HISTORY_BAD_ENVIRONMENT,
        /** The file could not be read or written. */
        HISTORY_IO
    }

    private final Code code;

    public PcrHistoryException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public PcrHistoryException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

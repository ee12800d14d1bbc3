package dev.attested.release;

/** A release bundle or a reproduction failed. {@link #code()} is stable and meant for scripts. */
public final class ReleaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The EIF named by the PCR manifest is not there: run build-eif first. */
        RELEASE_EIF_NOT_FOUND,
        /** The EIF on disk is not the one the PCR manifest describes (SHA-256 differs): rebuild. */
        RELEASE_EIF_MISMATCH,
        /** A version or file name that cannot be used as a directory/file name in the bundle. */
        RELEASE_BAD_NAME,
        /** The output timestamp is missing or not an ISO-8601 instant. */
        RELEASE_NO_TIMESTAMP,
        /** A build manifest is missing a required field or is not JSON. */
        BUILD_MANIFEST_MALFORMED,
        /** The rebuild itself failed (forked Maven exited non-zero, or wrote no manifest). */
        REPRODUCE_BUILD_FAILED,
        /** The rebuild measured other PCRs than the published manifest. */
        REPRODUCE_PCR_MISMATCH,
        /** Files could not be read or written. */
        RELEASE_IO
    }

    private final Code code;

    public ReleaseException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public ReleaseException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

package dev.attested.pcr;

/** A PCR manifest could not be read or written. {@link #code()} is stable and meant for scripts. */
public final class PcrManifestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The file does not exist. */
        MANIFEST_NOT_FOUND,
        /** Not JSON, or a required field is missing or has the wrong form. */
        MANIFEST_MALFORMED,
        /** A schema version this library does not know. */
        MANIFEST_UNSUPPORTED_VERSION,
        /** The file could not be read or written. */
        MANIFEST_IO
    }

    private final Code code;

    public PcrManifestException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public PcrManifestException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

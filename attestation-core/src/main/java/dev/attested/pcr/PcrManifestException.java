package dev.attested.pcr;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/** A PCR manifest could not be read or written. {@link #code()} is stable and meant for scripts. */
public final class PcrManifestException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The file does not exist. */
        MANIFEST_NOT_FOUND("Check the PCR manifest path; build-eif writes pcr-manifest.json beside the EIF."),
        /** Not JSON, or a required field is missing or has the wrong form. */
        MANIFEST_MALFORMED("Use the pcr-manifest.json that build-eif or the release bundle wrote, unchanged."),
        /** A schema version this library does not know. */
        MANIFEST_UNSUPPORTED_VERSION("The manifest was written by a newer version of this toolkit: upgrade to read it."),
        /** The file could not be read or written. */
        MANIFEST_IO("Check the path, permissions and free disk space.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    public PcrManifestException(Code code, String message) {
        super(code, message, null);
    }

    public PcrManifestException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

package dev.attested.pcr;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/** A PCR history could not be read, written or changed. {@link #code()} is stable and meant for scripts. */
public final class PcrHistoryException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The history file does not exist (and the caller required it). */
        HISTORY_NOT_FOUND("Check the PCR history path ({history}); release with an environment ({environment}) to create it."),
        /** Not JSON, or a required field is missing or has the wrong form. */
        HISTORY_MALFORMED("Use the pcr-history.json the release wrote, unchanged (restore it from version control)."),
        /** A schema version this library does not know. */
        HISTORY_UNSUPPORTED_VERSION("The file was written by a newer version of this toolkit: upgrade to read it."),
        /** The same version is already recorded for the environment with different PCRs or EIF hash. */
        HISTORY_CONFLICT("A recorded release never changes its measurements: release under a new version."),
        /** The environment has no release with the given version. */
        HISTORY_UNKNOWN_RELEASE("Name a version recorded for that environment (the history lists them)."),
        /** The environment name is empty or uses characters other than {@code a-z 0-9 . _ -}. */
        HISTORY_BAD_ENVIRONMENT("Name the environment ({environment}) with a-z, 0-9, '.', '_' or '-'."),
        /** The file could not be read or written. */
        HISTORY_IO("Check the path, permissions and free disk space.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    public PcrHistoryException(Code code, String message) {
        super(code, message, null);
    }

    public PcrHistoryException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

package dev.attested;

/**
 * Codes a front end gives a failure that is not an {@link AttestedException}, so that every error a user sees has a
 * code and no stack trace: a file system error, or a fault of the toolkit itself.
 */
public enum GeneralError implements ErrorCode {
    /** Reading or writing a file failed outside a domain check (permissions, disk full, a path that is a directory). */
    IO_ERROR("Check the named path, its permissions and the free disk space, then run again."),
    /** An unexpected fault of the toolkit (a bug), or of a library it uses. */
    INTERNAL_ERROR("This is a bug or an environment the toolkit does not handle: run again with debug output "
            + "and report it with that output."),
    /** Bad usage a front end could not map to a domain code (a malformed option value). */
    INVALID_ARGUMENT("Check the option values named in the message against the documentation.");

    private final String hint;

    GeneralError(String hint) {
        this.hint = hint;
    }

    @Override
    public String hint() {
        return hint;
    }
}

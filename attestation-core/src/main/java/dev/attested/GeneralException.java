package dev.attested;

/**
 * A failure with one of the {@link GeneralError} codes: what a front end raises for a file system error, a
 * malformed option value or a fault of its own, so that it too reaches the user as {@code CODE: message hint}.
 */
public final class GeneralException extends AttestedException {
    private static final long serialVersionUID = 1L;

    public GeneralException(GeneralError code, String detail) {
        super(code, detail, null);
    }

    public GeneralException(GeneralError code, String detail, Throwable cause) {
        super(code, detail, cause);
    }

    @Override
    public GeneralError code() {
        return (GeneralError) super.code();
    }
}

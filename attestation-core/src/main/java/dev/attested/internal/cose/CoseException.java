package dev.attested.internal.cose;

/** A COSE structure is malformed, uses an algorithm other than ES384, or its signature does not verify. */
public final class CoseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** Not a COSE_Sign1 array of four items of the right types, bad CBOR, or unexpected header content. */
        MALFORMED,
        /** The protected header names an algorithm other than ES384 (-35), or none. */
        UNSUPPORTED_ALGORITHM,
        /** A key is not an EC P-384 key. */
        UNSUPPORTED_KEY,
        /** The signature does not verify with the given key. */
        SIGNATURE_INVALID
    }

    private final Code code;

    public CoseException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public CoseException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

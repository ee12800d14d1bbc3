package dev.attested.internal.cose;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/** A COSE structure is malformed, uses an algorithm other than ES384, or its signature does not verify. */
public final class CoseException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** Not a COSE_Sign1 array of four items of the right types, bad CBOR, or unexpected header content. */
        MALFORMED("The input is not an ES384 COSE_Sign1 as the Nitro Secure Module produces it."),
        /** The protected header names an algorithm other than ES384 (-35), or none. */
        UNSUPPORTED_ALGORITHM("Only ES384 (alg -35) is accepted."),
        /** A key is not an EC P-384 key. */
        UNSUPPORTED_KEY("Use an EC P-384 key."),
        /** The signature does not verify with the given key. */
        SIGNATURE_INVALID("The signed bytes were modified or signed by another key.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    public CoseException(Code code, String message) {
        super(code, message, null);
    }

    public CoseException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

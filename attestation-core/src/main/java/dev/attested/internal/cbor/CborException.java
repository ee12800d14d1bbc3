package dev.attested.internal.cbor;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/** CBOR input could not be decoded, or a value could not be encoded. {@link #reason()} says why. */
public final class CborException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Reason implements ErrorCode {
        /** The input ended inside an item. */
        TRUNCATED,
        /** Bytes follow the single top-level item. */
        TRAILING_BYTES,
        /** A length header announces more bytes or items than the remaining input can hold. */
        LENGTH_EXCEEDS_INPUT,
        /** Containers nest deeper than the reader's limit. */
        TOO_DEEP,
        /** A map holds the same key twice. */
        DUPLICATE_KEY,
        /** Reserved additional information, a stray break, a bad chunk or invalid UTF-8. */
        INVALID_ENCODING,
        /** A value has a different type than the caller required. */
        WRONG_TYPE,
        /** An integer lies outside the range the caller accepts (compared as the unsigned or negative CBOR value it is). */
        OUT_OF_RANGE;

        /** Every reason has one remedy: the whole input, decoded exactly once, in the documented shape. */
        @Override
        public String hint() {
            return "The input is not the CBOR expected: check that it was transferred and decoded (base64/hex) exactly once.";
        }
    }

    private final int offset;

    public CborException(Reason reason, int offset, String message) {
        super(reason, "at offset " + offset + ": " + message, null);
        this.offset = offset;
    }

    public CborException(Reason reason, String message) {
        super(reason, message, null);
        this.offset = -1;
    }

    @Override
    public Reason code() {
        return (Reason) super.code();
    }

    /** The same as {@link #code()}. */
    public Reason reason() {
        return code();
    }

    /** Byte offset in the input where the problem was found, or -1 when not tied to the input. */
    public int offset() {
        return offset;
    }
}

package dev.attested.internal.cbor;

/** CBOR input could not be decoded, or a value could not be encoded. {@link #reason()} says why. */
public final class CborException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Reason {
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
        OUT_OF_RANGE
    }

    private final Reason reason;
    private final int offset;

    public CborException(Reason reason, int offset, String message) {
        super(reason + " at offset " + offset + ": " + message);
        this.reason = reason;
        this.offset = offset;
    }

    public CborException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
        this.offset = -1;
    }

    public Reason reason() {
        return reason;
    }

    /** Byte offset in the input where the problem was found, or -1 when not tied to the input. */
    public int offset() {
        return offset;
    }
}

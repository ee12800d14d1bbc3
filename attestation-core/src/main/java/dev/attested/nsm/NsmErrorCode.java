package dev.attested.nsm;

/** The error names the NSM sends as {@code {"Error": "<name>"}} (docs/spec/nsm-protocol.md §3.4). */
public enum NsmErrorCode {
    INVALID_ARGUMENT("InvalidArgument"),
    INVALID_INDEX("InvalidIndex"),
    INVALID_RESPONSE("InvalidResponse"),
    READ_ONLY_INDEX("ReadOnlyIndex"),
    INVALID_OPERATION("InvalidOperation"),
    BUFFER_TOO_SMALL("BufferTooSmall"),
    INPUT_TOO_LARGE("InputTooLarge"),
    INTERNAL_ERROR("InternalError"),
    /** A name this version does not know; the response keeps the name itself. */
    UNKNOWN("?");

    private final String wireName;

    NsmErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The text on the wire. */
    public String wireName() {
        return wireName;
    }

    /** The code for a wire name; {@link #UNKNOWN} for names this version does not know. */
    public static NsmErrorCode ofWireName(String name) {
        for (NsmErrorCode c : values()) {
            if (c != UNKNOWN && c.wireName.equals(name)) {
                return c;
            }
        }
        return UNKNOWN;
    }
}

package dev.attested.eif;

/**
 * An EIF could not be written, read, measured or signed. {@link #code()} is stable and meant for scripts; the
 * message says what was expected, what was found and what to do.
 */
public final class EifException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The file ends before the header or a section it announces. */
        EIF_TRUNCATED,
        /** The first four bytes are not {@code .eif}: not an enclave image file. */
        EIF_BAD_MAGIC,
        /** A format version other than 4 (the only one nitro-cli has written since 1.2.0). */
        EIF_UNSUPPORTED_VERSION,
        /** Header flags other than the architecture bit, or a reserved field that is not zero. */
        EIF_BAD_HEADER,
        /** A section of an unknown or invalid type, with non-zero flags, or in an order the format forbids. */
        EIF_BAD_SECTION,
        /** The section count is outside 1..32 or the image lacks or repeats a kernel, cmdline, metadata or signature. */
        EIF_SECTION_COUNT,
        /** A section size or offset disagrees with the header table, the file length or the sections' walk. */
        EIF_SIZE_MISMATCH,
        /** The CRC32 stored in the header is not the CRC32 of the file. */
        EIF_CRC_MISMATCH,
        /** The metadata section is not the JSON object nitro-cli writes. */
        EIF_BAD_METADATA,
        /** The signature section cannot be decoded, or its signature does not verify against PCR0. */
        EIF_SIGNATURE_INVALID,
        /** A writer input is missing, unreadable or not allowed (e.g. a cmdline with a NUL byte, no ramdisk). */
        EIF_BAD_INPUT,
        /** The signing key is not an EC key on a supported curve (P-384 is what Nitro uses). */
        EIF_SIGNING_KEY_INVALID,
        /** The signing certificate cannot be read or is not an EC X.509 certificate. */
        EIF_SIGNING_CERTIFICATE_INVALID,
        /** The private key does not belong to the certificate's public key. */
        EIF_SIGNING_KEY_MISMATCH,
        /** The signing certificate is not valid at the signing instant (expired or not yet valid). */
        EIF_SIGNING_CERTIFICATE_EXPIRED,
        /** Reading or writing a file failed. */
        EIF_IO
    }

    private final Code code;

    public EifException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public EifException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

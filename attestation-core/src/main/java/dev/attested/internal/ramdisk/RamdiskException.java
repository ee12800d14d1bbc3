package dev.attested.internal.ramdisk;

/** A ramdisk could not be built. {@link #code()} is stable and meant for scripts and tests. */
public final class RamdiskException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The image tarball cannot be opened or read (missing, unreadable, not a tar archive). */
        IMAGE_UNREADABLE,
        /** The tarball is neither an OCI image layout nor a {@code docker save} archive, or its JSON is malformed. */
        IMAGE_MALFORMED,
        /** A layer uses a compression or an entry type the ramdisk cannot represent. */
        IMAGE_UNSUPPORTED,
        /** A metadata file or a path in the image exceeds a safety limit. */
        IMAGE_LIMIT,
        /** The image config has neither {@code Cmd} nor {@code Entrypoint}. */
        IMAGE_NO_COMMAND,
        /** An entry passed to the cpio writer is invalid (bad name, negative size, data length mismatch). */
        CPIO_INVALID_ENTRY,
        /** Reading an input or writing the ramdisk failed. */
        RAMDISK_IO
    }

    private final Code code;

    public RamdiskException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public RamdiskException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

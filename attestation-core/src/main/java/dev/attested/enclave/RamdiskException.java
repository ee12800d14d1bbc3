package dev.attested.enclave;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/** A ramdisk could not be built. {@link #code()} is stable and meant for scripts and tests. */
public final class RamdiskException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The image tarball cannot be opened or read (missing, unreadable, not a tar archive). */
        IMAGE_UNREADABLE("Check that the image tarball exists and is a complete docker save or OCI layout archive."),
        /** The tarball is neither an OCI image layout nor a {@code docker save} archive, or its JSON is malformed. */
        IMAGE_MALFORMED("Export the image again (docker save, or an OCI image layout tar): the archive's index, manifest or config is not valid."),
        /** A layer uses a compression or an entry type the ramdisk cannot represent. */
        IMAGE_UNSUPPORTED("Use layers compressed with gzip or none, and only files, directories, symlinks and hard links."),
        /** A metadata file or a path in the image exceeds a safety limit. */
        IMAGE_LIMIT("Keep the image within the limits the message names, or raise them ({maxImageBytes}, {maxImageEntries}) only for an image you trust."),
        /** The image config has neither {@code Cmd} nor {@code Entrypoint}. */
        IMAGE_NO_COMMAND("Give the image a Cmd or Entrypoint (or the build an entrypoint)."),
        /** An entry passed to the cpio writer is invalid (bad name, negative size, data length mismatch). */
        CPIO_INVALID_ENTRY("The ramdisk entry named is invalid: report it with the image that produced it."),
        /** Reading an input or writing the ramdisk failed. */
        RAMDISK_IO("Check the paths, permissions and free disk space.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    public RamdiskException(Code code, String message) {
        super(code, message, null);
    }

    public RamdiskException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

package dev.attested.enclave;

/** An EIF build failed. {@link #code()} is stable and meant for scripts and tests. */
public final class BuildException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code {
        /** The boot blobs directory (or artifact) does not exist. */
        BLOBS_NOT_FOUND,
        /** The blobs directory lacks a required file (kernel, kernel config, cmdline, init, nsm.ko). */
        BLOBS_INCOMPLETE,
        /** A blob is unusable (ambiguous kernel, NUL in cmdline, unsafe zip entry, blob zip too large). */
        BLOBS_INVALID,
        /** A build input is missing or contradictory (no image and no ramdisks, unreadable kernel, …). */
        INPUT_INVALID,
        /** The base image reference is not a digest-pinned reference, a {@code tar://} path or {@code scratch}. */
        BASE_IMAGE_INVALID,
        /**
         * The base image is {@code scratch} and the enclave's command runs a program the image does not hold —
         * above all {@code java} (a scratch image has no Java runtime).
         */
        ENTRYPOINT_NOT_IN_IMAGE,
        /** Building the container image failed. */
        IMAGE_BUILD_FAILED,
        /** {@code project.build.outputTimestamp} is not an ISO-8601 instant or epoch seconds. */
        TIMESTAMP_INVALID,
        /** nitro-cli could not be run, failed ({@code [ Exx ]}), or printed output that is not its JSON. */
        NITRO_CLI_FAILED,
        /** nitro-cli's PCRs differ from the PCRs measured from the EIF it wrote. */
        NITRO_CLI_MISMATCH,
        /** Writing an output failed. */
        OUTPUT_IO
    }

    private final Code code;

    public BuildException(Code code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public BuildException(Code code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

package dev.attested.enclave;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/** An EIF build failed. {@link #code()} is stable and meant for scripts and tests. */
public final class BuildException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The boot blobs directory (or artifact) does not exist. */
        BLOBS_NOT_FOUND("Install aws-nitro-enclaves-cli (its blobs are in /usr/share/nitro_enclaves/blobs), or name a blobs directory or groupId:artifactId:version artifact ({blobs}=<dir or g:a:v>, or NITRO_CLI_BLOBS)."),
        /** The blobs directory lacks a required file (kernel, kernel config, cmdline, init, nsm.ko). */
        BLOBS_INCOMPLETE("A blobs directory holds bzImage (or Image), its .config, cmdline, init and nsm.ko: use the directory nitro-cli ships, or package it with package-blobs."),
        /** A blob is unusable (ambiguous kernel, NUL in cmdline, unsafe zip entry, blob zip too large). */
        BLOBS_INVALID("Use the blobs nitro-cli ships unchanged, or package them again with package-blobs."),
        /** A build input is missing or contradictory (no image and no ramdisks, unreadable kernel, …). */
        INPUT_INVALID("Give the build the inputs the message names, in the documented form."),
        /** The base image reference is not a digest-pinned reference, a {@code tar://} path or {@code scratch}. */
        BASE_IMAGE_INVALID("Pin the base image by digest (name@sha256:<64 hex>), or use tar://<path> or scratch."),
        /**
         * The base image is {@code scratch} and the enclave's command runs a program the image does not hold —
         * above all {@code java} (a scratch image has no Java runtime).
         */
        ENTRYPOINT_NOT_IN_IMAGE("A scratch image holds only the application: use a base image with a Java runtime, pinned by digest."),
        /** Building the container image failed. */
        IMAGE_BUILD_FAILED("Check the application jar, its dependencies and the base image named in the message, then build again."),
        /** {@code project.build.outputTimestamp} is not an ISO-8601 instant or epoch seconds. */
        TIMESTAMP_INVALID("Set the output timestamp ({outputTimestamp}) to an ISO-8601 instant such as 2026-01-01T00:00:00Z, or epoch seconds."),
        /** nitro-cli could not be run, failed ({@code [ Exx ]}), or printed output that is not its JSON. */
        NITRO_CLI_FAILED("Install aws-nitro-enclaves-cli and check that it runs ({nitroCli}), or build natively without it."),
        /** nitro-cli's PCRs differ from the PCRs measured from the EIF it wrote. */
        NITRO_CLI_MISMATCH("nitro-cli measured another image than the one built: report it with both PCR sets; do not release this EIF."),
        /** Writing an output failed. */
        OUTPUT_IO("Check the output directory, permissions and free disk space.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    public BuildException(Code code, String message) {
        super(code, message, null);
    }

    public BuildException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

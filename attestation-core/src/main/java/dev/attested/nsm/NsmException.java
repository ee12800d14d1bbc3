package dev.attested.nsm;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/**
 * Every failure of an NSM call: the device's own {@code Error} answers, undecodable answers, and (for the
 * {@code /dev/nsm} client) the {@code errno} of a failed {@code open}/{@code ioctl}. {@link #code()} is stable;
 * the message says what happened and what to do.
 */
public final class NsmException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The module answered {@code {"Error": name}}; see {@link #deviceError()} and {@link #deviceErrorName()}. */
        DEVICE_ERROR("The Nitro Secure Module refused the request: the message names its error and what to change."),
        /** The answer is not CBOR of the shapes in docs/spec/nsm-protocol.md §3.3. */
        MALFORMED_RESPONSE("The device answered something that is not an NSM response: check that the client talks to /dev/nsm (or the emulator) of a supported version."),
        /** A well-formed answer of the wrong kind for the request. */
        UNEXPECTED_RESPONSE("The device answered another request: check that no other client shares this connection."),
        /** The encoded request exceeds 4096 bytes, or the driver said {@code EMSGSIZE}. */
        REQUEST_TOO_LARGE("Keep the encoded request under 4096 bytes."),
        /**
         * An attestation field (user_data, nonce, public_key) exceeds 1024 bytes (nsm-protocol.md §7); nothing was
         * sent.
         */
        FIELD_TOO_LARGE("Keep user_data, nonce and public_key at most 1024 bytes each (hash larger data and bind the digest)."),
        /** The device reported more response bytes than the 12288-byte buffer holds. */
        RESPONSE_TOO_LARGE("The device answered more than 12288 bytes: report it with the request."),
        /** {@code /dev/nsm} does not exist: not inside a Nitro Enclave, or the nsm driver is not loaded. */
        DEVICE_NOT_FOUND("Run inside a Nitro Enclave (with the nsm driver loaded), or use the NSM simulator or emulator for tests."),
        /** {@code open} was refused ({@code EACCES}/{@code EPERM}). */
        DEVICE_ACCESS_DENIED("Run as a user allowed to open /dev/nsm (root in the enclave image)."),
        /** {@code open} failed for another reason (see {@link #errno()}). */
        DEVICE_OPEN_FAILED("Opening /dev/nsm failed: see the errno in the message."),
        /** The file is not an NSM device ({@code ENOTTY}). */
        NOT_AN_NSM_DEVICE("The path is not the NSM device: use /dev/nsm."),
        /** The driver rejected the command number or argument size ({@code EINVAL}). */
        INVALID_IOCTL("The driver rejected the call: use an nsm driver matching this client (the one in nitro-cli's blobs)."),
        /** The driver could not read or write the buffers ({@code EFAULT}). */
        BAD_ADDRESS("The driver could not access the buffers: report it with the request."),
        /** The module did not answer within the driver's 120 s ({@code ETIMEDOUT}). */
        TIMED_OUT("The module did not answer in 120 s: retry; if it persists, restart the enclave."),
        /** The driver could not allocate memory ({@code ENOMEM}). */
        OUT_OF_MEMORY("Give the enclave more memory."),
        /** The virtqueue failed ({@code EIO}), the device returned the wrong buffer ({@code ENODATA}) or vanished ({@code ENXIO}). */
        DEVICE_IO("The device failed: retry; if it persists, restart the enclave."),
        /** The call was interrupted by a signal ({@code EINTR}); not retried, an extend may have happened. */
        INTERRUPTED("The call was interrupted by a signal and not retried: check the PCRs before extending again."),
        /** Another {@code errno} from {@code ioctl}. */
        IOCTL_FAILED("The ioctl failed: see the errno in the message."),
        /** The client was closed. */
        CLOSED("Open a new client: this one was closed.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    private final int errno;
    private final NsmErrorCode deviceError;
    private final String deviceErrorName;

    public NsmException(Code code, String message) {
        this(code, message, 0, null, null, null);
    }

    public NsmException(Code code, String message, Throwable cause) {
        this(code, message, 0, null, null, cause);
    }

    private NsmException(Code code, String message, int errno, NsmErrorCode deviceError, String deviceErrorName,
            Throwable cause) {
        super(code, message, cause);
        this.errno = errno;
        this.deviceError = deviceError;
        this.deviceErrorName = deviceErrorName;
    }

    /** A failed system call with its {@code errno}. */
    public static NsmException ofErrno(Code code, int errno, String message) {
        return new NsmException(code, message + " (errno " + errno + ")", errno, null, null, null);
    }

    /** The module's own {@code Error} answer to {@code request}. */
    public static NsmException ofDeviceError(NsmRequest request, NsmResponse.Error error) {
        return new NsmException(Code.DEVICE_ERROR, "the NSM refused " + request + " with " + error.wireName()
                + hint(error.code()), 0, error.code(), error.wireName(), null);
    }

    private static String hint(NsmErrorCode code) {
        return switch (code) {
            case READ_ONLY_INDEX -> ". The PCR is locked: PCR0..15 are locked at boot, others after LockPCR/LockPCRs.";
            case INVALID_INDEX -> ". PCR indices are 0..31.";
            case INPUT_TOO_LARGE -> ". Keep the request under 4096 bytes (attestation fields at most 1024 bytes each).";
            default -> ".";
        };
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }

    /** The {@code errno} of the failed system call, 0 when the failure was not one. */
    public int errno() {
        return errno;
    }

    /** For {@link Code#DEVICE_ERROR}: the module's error, else null. */
    public NsmErrorCode deviceError() {
        return deviceError;
    }

    /** For {@link Code#DEVICE_ERROR}: the exact error name sent by the module, else null. */
    public String deviceErrorName() {
        return deviceErrorName;
    }
}

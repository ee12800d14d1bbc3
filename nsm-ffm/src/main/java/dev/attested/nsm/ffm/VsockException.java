package dev.attested.nsm.ffm;

import dev.attested.ErrorCode;
import java.io.IOException;

/**
 * A failed vsock system call, with a stable {@link #code()} and the {@link #errno()}. It stays a checked
 * {@link IOException} (socket code handles it as one); its codes implement {@link ErrorCode} like every other.
 */
public final class VsockException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes. */
    public enum Code implements ErrorCode {
        /** The kernel has no {@code AF_VSOCK} ({@code EAFNOSUPPORT}): load the vsock modules or use TCP. */
        VSOCK_UNSUPPORTED("This kernel has no AF_VSOCK: load the vsock modules, or use the TCP transport for local runs."),
        /** No vsock transport to the peer ({@code ENODEV}): not running in or next to an enclave. */
        NO_TRANSPORT("vsock works between a Nitro Enclave and its parent instance: use the TCP transport locally."),
        /** Nobody listens on that CID/port ({@code ECONNREFUSED}), or the connection was reset ({@code ECONNRESET}). */
        CONNECTION_REFUSED("Is the enclave running and listening on that port? (nitro-cli describe-enclaves shows its CID)"),
        /** The peer CID is unreachable ({@code EHOSTUNREACH}/{@code ENETUNREACH}) or did not answer ({@code ETIMEDOUT}). */
        UNREACHABLE("Check the peer CID (nitro-cli describe-enclaves) and that the enclave is running."),
        /** The port is taken ({@code EADDRINUSE}) or the address is not local ({@code EADDRNOTAVAIL}). */
        ADDRESS_IN_USE("Use a free port, or stop the process that holds it."),
        /** Permission denied ({@code EACCES}/{@code EPERM}). */
        PERMISSION_DENIED("Run as a user allowed to open vsock sockets."),
        /** The socket was closed. */
        CLOSED("Open a new connection: this one was closed."),
        /** Another errno. */
        SOCKET_ERROR("See the errno in the message.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    private final Code code;
    private final int errno;

    VsockException(Code code, int errno, String message) {
        super(code + ": " + message + (errno != 0 ? " (errno " + errno + ")" : ""));
        this.code = code;
        this.errno = errno;
    }

    static VsockException of(String call, String target, int errno) {
        Code code = switch (errno) {
            case Libc.EAFNOSUPPORT -> Code.VSOCK_UNSUPPORTED;
            case Libc.ENODEV -> Code.NO_TRANSPORT;
            case Libc.ECONNREFUSED, Libc.ECONNRESET -> Code.CONNECTION_REFUSED;
            case Libc.EHOSTUNREACH, Libc.ENETUNREACH, Libc.ETIMEDOUT -> Code.UNREACHABLE;
            case Libc.EADDRINUSE, Libc.EADDRNOTAVAIL -> Code.ADDRESS_IN_USE;
            case Libc.EACCES, Libc.EPERM -> Code.PERMISSION_DENIED;
            case Libc.EBADF -> Code.CLOSED;
            default -> Code.SOCKET_ERROR;
        };
        String hint = switch (code) {
            case VSOCK_UNSUPPORTED -> ": this kernel has no AF_VSOCK; use the TCP transport for local runs";
            case NO_TRANSPORT -> ": no vsock transport; vsock works between a Nitro Enclave and its parent instance. Use the TCP transport locally";
            case CONNECTION_REFUSED -> ": is the enclave running and listening on that port? (nitro-cli describe-enclaves shows its CID)";
            default -> "";
        };
        return new VsockException(code, errno, call + " " + target + " failed" + hint);
    }

    public Code code() {
        return code;
    }

    /** The errno of the failed call (0 when none). */
    public int errno() {
        return errno;
    }
}

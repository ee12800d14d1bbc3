package dev.attested.eif;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/**
 * An EIF could not be written, read, measured or signed. {@link #code()} is stable and meant for scripts; the
 * message says what was expected, what was found and what to do.
 */
public final class EifException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The file ends before the header or a section it announces, or shrank while it was read. */
        EIF_TRUNCATED("The file is cut short: copy the whole EIF again and compare its SHA-256 with the published one."),
        /** The first four bytes are not {@code .eif}: not an enclave image file. */
        EIF_BAD_MAGIC("The file is not an enclave image file (.eif): check the path."),
        /** A format version other than 4 (the only one nitro-cli has written since 1.2.0). */
        EIF_UNSUPPORTED_VERSION("Only EIF version 4 (nitro-cli 1.2.0 and later) is read: rebuild the EIF with a current nitro-cli or build-eif."),
        /** Header flags other than the architecture bit, or a reserved field that is not zero. */
        EIF_BAD_HEADER("The header is not one nitro-cli writes: the file was altered or is not an EIF."),
        /** A section of an unknown or invalid type, with non-zero flags, or in an order the format forbids. */
        EIF_BAD_SECTION("A section is not one nitro-cli writes: the file was altered or is not an EIF."),
        /** The section count is outside 1..32 or the image lacks or repeats a kernel, cmdline, metadata or signature. */
        EIF_SECTION_COUNT("The sections are not those of an EIF (one kernel, cmdline, metadata, at least one ramdisk, at most one signature): the file was altered or is not an EIF."),
        /** A section size or offset disagrees with the header table, the file length or the sections' walk. */
        EIF_SIZE_MISMATCH("Section sizes disagree with the file: the file is truncated, padded or altered; copy it again."),
        /** The CRC32 stored in the header is not the CRC32 of the file. */
        EIF_CRC_MISMATCH("The file's bytes changed after it was written: copy it again and compare its SHA-256 with the published one."),
        /** The metadata section is not the JSON object nitro-cli writes. */
        EIF_BAD_METADATA("The metadata section is not the JSON object nitro-cli writes: the file was altered."),
        /** The signature section cannot be decoded, or its signature does not verify against PCR0. */
        EIF_SIGNATURE_INVALID("The signature does not match the image: the EIF was altered after signing, or signed for another image; sign it again."),
        /** A writer input is missing, unreadable or not allowed (e.g. a cmdline with a NUL byte, no ramdisk). */
        EIF_BAD_INPUT("Check the named input: it must exist, be readable and have the documented form."),
        /** The signing key is not an EC key on a supported curve (P-384 is what Nitro uses). */
        EIF_SIGNING_KEY_INVALID("Pass a PEM EC private key on P-384 ({signingKey}), e.g. from openssl ecparam -name secp384r1 -genkey."),
        /** The signing certificate cannot be read or is not an EC X.509 certificate. */
        EIF_SIGNING_CERTIFICATE_INVALID("Pass the PEM X.509 certificate of the signing key ({signingCertificate})."),
        /** The private key does not belong to the certificate's public key. */
        EIF_SIGNING_KEY_MISMATCH("Pass the certificate issued for this key ({signingKey}, {signingCertificate})."),
        /** The signing certificate is not valid at the signing instant (expired or not yet valid). */
        EIF_SIGNING_CERTIFICATE_EXPIRED("Renew the signing certificate, or check the output timestamp ({outputTimestamp}) the EIF is signed at."),
        /** Reading or writing a file failed. */
        EIF_IO("Check the path, permissions and free disk space.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        @Override
        public String hint() {
            return hint;
        }
    }

    public EifException(Code code, String message) {
        super(code, message, null);
    }

    public EifException(Code code, String message, Throwable cause) {
        super(code, message, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

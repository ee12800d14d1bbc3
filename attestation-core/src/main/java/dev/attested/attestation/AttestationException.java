package dev.attested.attestation;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;

/**
 * An attestation document was rejected. {@link #code()} is stable (scripts and reports use it); the message says
 * what was expected, what was found and what to do.
 */
public final class AttestationException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Why a document was rejected. */
    public enum Code implements ErrorCode {
        /** The bytes are not well-formed CBOR (truncated, trailing bytes, duplicate keys, length beyond input, too deep). */
        MALFORMED_CBOR("The input is not a complete attestation document: check that the whole document was transferred and decoded (base64/hex) exactly once."),
        /** The input is larger than any attestation document can be; it was refused before decoding. */
        DOCUMENT_TOO_LARGE("Attestation documents are about 4.5 KB (at most " + UnverifiedDocument.MAX_DOCUMENT
                + " bytes of CBOR, " + AttestationDocuments.MAX_FILE_SIZE + " bytes as a base64 or hex file): pass the document itself, not an archive, a log or a directory dump."),
        /** Well-formed CBOR but not a COSE_Sign1 as Nitro produces it (array of 4, headers, 96-byte signature). */
        MALFORMED_COSE("The document is not an ES384 COSE_Sign1 as the Nitro Secure Module produces it."),
        /** The protected header names an algorithm other than ES384 (-35). */
        UNSUPPORTED_ALGORITHM("Only ES384 documents from the Nitro Secure Module are accepted; emulator documents (alg -1) are unsigned: they can be read (UnverifiedDocument), never verified."),
        /** The payload does not follow the attestation document schema. */
        SCHEMA_VIOLATION("The payload does not follow the Nitro attestation document schema (docs/spec/attestation-document.md §3)."),
        /** The chain does not end at a trusted root. */
        UNTRUSTED_ROOT("The document was not issued under the configured root; use the AWS Nitro Enclaves Root-G1 (default) or pass the right root certificate ({trustAnchor})."),
        /** Path validation failed: signatures, names, basicConstraints, pathLen, keyUsage or key types. */
        CHAIN_INVALID("The certificate chain from the leaf to the root does not validate; the document was not issued by a genuine Nitro Secure Module."),
        /** A certificate is not valid at the verification instant, or the timestamp lies outside the leaf's validity. */
        CERT_NOT_VALID_AT_TIME("A certificate is expired or not yet valid at the verification instant; archived documents can be verified at their own timestamp ({at}=document; atDocumentTime() in Java), which gives no replay protection."),
        /** The COSE signature does not verify with the leaf key. */
        SIGNATURE_INVALID("The signed bytes were modified or signed by another key."),
        /** The document is older than the maximum age. */
        DOCUMENT_TOO_OLD("Request a fresh document (with a new nonce), or raise {maxAge} if your protocol tolerates it."),
        /** The document's timestamp lies in the future beyond the clock-skew allowance. */
        DOCUMENT_FROM_FUTURE("Check the verifier's clock (NTP)."),
        /** PCR0, PCR1 and PCR2 are all zero: the enclave runs in debug mode. */
        DEBUG_MODE("The enclave runs with --debug-mode, so its memory is readable by the parent; accept it only for development ({allowDebugMode})."),
        /** No accepted PCR set matches. */
        PCR_MISMATCH("The enclave image differs from the expected release; compare with the PCR manifest of the build you expect."),
        /** The nonce differs from the expected challenge. */
        NONCE_MISMATCH("The document answers another challenge; request a new document with your nonce."),
        /** user_data differs from the expected value. */
        USER_DATA_MISMATCH("The enclave bound other user_data into the document."),
        /** public_key differs from the expected key. */
        PUBLIC_KEY_MISMATCH("The enclave bound another public key into the document.");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        /** What to do about it. */
        @Override
        public String hint() {
            return hint;
        }
    }

    public AttestationException(Code code, String detail) {
        super(code, detail, null);
    }

    public AttestationException(Code code, String detail, Throwable cause) {
        super(code, detail, cause);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }
}

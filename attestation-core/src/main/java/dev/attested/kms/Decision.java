package dev.attested.kms;

import java.util.List;
import java.util.Optional;

/**
 * The evaluator's answer.
 *
 * @param outcome     what KMS would do
 * @param statement   the deciding statement (Sid or {@code #n}); empty for an implicit deny or a rejected document
 * @param explanation one sentence a user can act on
 * @param trace       one line per statement: whether principal, action and condition matched
 */
public record Decision(Outcome outcome, Optional<String> statement, String explanation, List<String> trace) {
    public Decision {
        trace = List.copyOf(trace);
    }

    /** What KMS does with the request. */
    public enum Outcome {
        /** A key-policy statement naming the caller (or everyone) allows it. */
        ALLOW,
        /** Only a statement naming the account allows it: KMS delegates to IAM, allowed if the caller's identity policies allow it. */
        ALLOW_VIA_IAM,
        /** No statement allows it. */
        IMPLICIT_DENY,
        /** A Deny statement matches; nothing can override it. */
        EXPLICIT_DENY,
        /** KMS rejects the attestation document itself (invalid, or a debug-mode enclave). */
        DOCUMENT_REJECTED;

        public boolean isAllowed() {
            return this == ALLOW || this == ALLOW_VIA_IAM;
        }
    }

    public boolean allowed() {
        return outcome.isAllowed();
    }

    /** {@code ALLOW by EnclaveAttestedUse: ...}. */
    public String summary() {
        return outcome + statement.map(s -> " by " + s).orElse("") + ": " + explanation;
    }
}

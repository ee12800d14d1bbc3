package dev.attested.kms;

import dev.attested.pcr.Pcr;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A KMS request to evaluate against a key policy.
 *
 * @param principalArn the caller: an IAM role/user ARN, an sts assumed-role ARN, or an account root ARN
 * @param action       e.g. {@code kms:Decrypt}
 * @param attestation  what the request carries as {@code Recipient}
 * @param context      further request-context keys (e.g. {@code aws:SecureTransport}), values as strings
 */
public record EvaluationRequest(String principalArn, String action, Attestation attestation, Map<String, List<String>> context) {
    public EvaluationRequest {
        Objects.requireNonNull(principalArn, "principalArn");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(attestation, "attestation");
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (context != null) {
            context.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        }
        context = Collections.unmodifiableMap(copy);
    }

    public static EvaluationRequest of(String principalArn, String action, Attestation attestation) {
        return new EvaluationRequest(principalArn, action, attestation, Map.of());
    }

    /** The request's {@code Recipient}, if any. */
    public sealed interface Attestation {
        /** No Recipient: the attestation condition keys are absent from the request context. */
        record None() implements Attestation {}

        /** PCR values given directly (what the IAM policy simulator's context entries would hold). */
        record Pcrs(SortedMap<Integer, Pcr> pcrs) implements Attestation {
            public Pcrs {
                pcrs = Collections.unmodifiableSortedMap(new TreeMap<>(pcrs));
            }
        }

        /** A raw attestation document (COSE_Sign1 bytes), verified before its PCRs are used. */
        record Document(byte[] bytes) implements Attestation {
            public Document {
                bytes = bytes.clone();
            }

            @Override
            public byte[] bytes() {
                return bytes.clone();
            }
        }

        static Attestation none() {
            return new None();
        }
    }
}

package dev.attested.kms;

import dev.attested.pcr.Pcr;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A KMS request to evaluate against a key policy.
 *
 * @param principalArn the caller: an IAM role or user ARN, an account root ARN, or an sts assumed-role session ARN
 *                     ({@code arn:aws:sts::<account>:assumed-role/<role name>/<session>}). A role ARN stands for a
 *                     session of that role.
 * @param action       e.g. {@code kms:Decrypt}
 * @param attestation  what the request carries as {@code Recipient}
 * @param context      further request-context keys (e.g. {@code aws:SourceVpce}), values as strings; a key with
 *                     several values is multi-valued. Keys the evaluator derives from the caller and the
 *                     attestation ({@code aws:PrincipalArn}, {@code aws:PrincipalAccount}, {@code aws:PrincipalType},
 *                     {@code kms:CallerAccount}, {@code kms:RecipientAttestation:*}) cannot be given here.
 * @param resource     the key ARN ({@code arn:aws:kms:<region>:<account>:key/<id>}); empty: a key in the policy's account
 * @param roleArn      for an assumed-role caller, the ARN of its role with the role's path: AWS sets
 *                     {@code aws:PrincipalArn} to it, and the session ARN does not carry the path
 */
public record EvaluationRequest(String principalArn, String action, Attestation attestation, Map<String, List<String>> context,
        Optional<String> resource, Optional<String> roleArn) {
    static final Pattern CALLER = Pattern.compile(
            "arn:(aws[a-z-]*):(?:iam::(\\d{12}):(root|user/(?:[^/*?]+/)*[^/*?]+|role/(?:[^/*?]+/)*[^/*?]+)"
                    + "|sts::(\\d{12}):assumed-role/([^/*?]+)/([^/*?]+))");
    static final Pattern ROLE = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/(?:[^/*?]+/)*([^/*?]+)");
    static final Pattern KEY = Pattern.compile("arn:(aws[a-z-]*):kms:([a-z0-9-]+):(\\d{12}):key/([A-Za-z0-9-]+)");
    private static final Pattern ACTION = Pattern.compile("kms:[A-Za-z]+", Pattern.CASE_INSENSITIVE);
    /** Context keys the evaluator sets itself (lower case). */
    static final Set<String> DERIVED = Set.of("aws:principalarn", "aws:principalaccount", "aws:principaltype", "kms:calleraccount");

    public EvaluationRequest {
        Objects.requireNonNull(principalArn, "principalArn");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(attestation, "attestation");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(roleArn, "roleArn");
        Matcher caller = CALLER.matcher(principalArn);
        if (!caller.matches()) {
            throw new IllegalArgumentException("principal " + principalArn + " is not an IAM role, user or account root ARN"
                    + " (arn:aws:iam::<account>:role/<path/>name) or an assumed-role session ARN (arn:aws:sts::<account>:assumed-role/<role>/<session>)");
        }
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("action " + action + " is not a KMS action such as kms:Decrypt (no wildcards)");
        }
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (context != null) {
            Set<String> seen = new HashSet<>();
            context.forEach((k, v) -> {
                String lower = k.toLowerCase(Locale.ROOT);
                if (k.isBlank() || !seen.add(lower)) {
                    throw new IllegalArgumentException("context key \"" + k + "\" is blank or given twice (condition keys are case-insensitive)");
                }
                if (DERIVED.contains(lower) || lower.startsWith(RecipientAttestation.PREFIX.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("context key " + k + " is derived from the caller and the attestation;"
                            + " give the principal (and role=) or the attestation instead");
                }
                if (v == null || v.isEmpty()) {
                    throw new IllegalArgumentException("context key " + k + " has no value; leave an absent key out");
                }
                copy.put(k, List.copyOf(v));
            });
        }
        context = Collections.unmodifiableMap(copy);
        resource.ifPresent(r -> {
            if (!KEY.matcher(r).matches()) {
                throw new IllegalArgumentException("resource " + r + " is not a key ARN (arn:aws:kms:<region>:<account>:key/<key id>)");
            }
        });
        if (roleArn.isPresent()) {
            Matcher role = ROLE.matcher(roleArn.get());
            if (caller.group(6) == null) {
                throw new IllegalArgumentException("a role ARN is given only for an assumed-role session caller; " + principalArn + " is not one");
            }
            if (!role.matches() || !role.group(1).equals(caller.group(1)) || !role.group(2).equals(caller.group(4))
                    || !role.group(3).equals(caller.group(5))) {
                throw new IllegalArgumentException("role " + roleArn.get() + " is not the role of session " + principalArn
                        + " (expected arn:" + caller.group(1) + ":iam::" + caller.group(4) + ":role/<path/>" + caller.group(5) + ")");
            }
        }
    }

    /** A request without a key ARN or role ARN. */
    public EvaluationRequest(String principalArn, String action, Attestation attestation, Map<String, List<String>> context) {
        this(principalArn, action, attestation, context, Optional.empty(), Optional.empty());
    }

    public static EvaluationRequest of(String principalArn, String action, Attestation attestation) {
        return new EvaluationRequest(principalArn, action, attestation, Map.of());
    }

    /** The same request on the key {@code keyArn}. */
    public EvaluationRequest withResource(String keyArn) {
        return new EvaluationRequest(principalArn, action, attestation, context, Optional.of(keyArn), roleArn);
    }

    /** The same request, naming the role (with its path) of the assumed-role session that makes it. */
    public EvaluationRequest withRoleArn(String role) {
        return new EvaluationRequest(principalArn, action, attestation, context, resource, Optional.of(role));
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

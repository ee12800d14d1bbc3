package dev.attested.kms;

import dev.attested.attestation.AttestationException;
import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.VerifiedAttestation;
import dev.attested.kms.Decision.Outcome;
import dev.attested.kms.EvaluationRequest.Attestation;
import dev.attested.pcr.Pcr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers "would KMS allow this request?" for one key policy, with the IAM evaluation rules a key policy needs:
 * an explicit Deny wins; otherwise an Allow naming the caller (or {@code *}) allows; an Allow naming only the
 * caller's account root means KMS delegates to the caller's IAM policies (reported as {@link Outcome#ALLOW_VIA_IAM});
 * otherwise the request is implicitly denied. Action/NotAction with wildcards; condition operators String*,
 * Arn*, Null, Bool with {@code IfExists} and {@code ForAnyValue:}/{@code ForAllValues:}; several keys AND, several
 * values OR; a missing key makes positive operators false and negated and {@code IfExists} operators true.
 *
 * <p>Attestation documents are verified with the core {@link AttestationVerifier} first: only a verified document
 * contributes condition values, and a debug-mode document is rejected unless debug mode is explicitly allowed.
 * Grants and IAM identity policies are not modelled (the latter is why delegation is reported separately).
 */
public final class KeyPolicyEvaluator {
    private static final Pattern ARN = Pattern.compile("arn:([a-z-]+):(iam|sts)::(\\d{12}):(.+)");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private final KeyPolicy policy;
    private final AttestationVerifier verifier;
    private final boolean allowDebugMode;

    private KeyPolicyEvaluator(KeyPolicy policy, AttestationVerifier verifier, boolean allowDebugMode) {
        this.policy = Objects.requireNonNull(policy);
        this.verifier = verifier;
        this.allowDebugMode = allowDebugMode;
    }

    /** An evaluator for requests with explicit PCRs or none; documents need {@link #withVerifier}. */
    public static KeyPolicyEvaluator of(KeyPolicy policy) {
        return new KeyPolicyEvaluator(policy, null, false);
    }

    /** An evaluator that verifies attestation documents with {@code verifier} (debug-mode documents rejected). */
    public static KeyPolicyEvaluator withVerifier(KeyPolicy policy, AttestationVerifier verifier) {
        return new KeyPolicyEvaluator(policy, Objects.requireNonNull(verifier), false);
    }

    /** Accepts debug-mode documents (their PCRs are zero): only for evaluating development keys. */
    public KeyPolicyEvaluator allowingDebugMode() {
        return new KeyPolicyEvaluator(policy, verifier, true);
    }

    /** Evaluates one request. */
    public Decision evaluate(EvaluationRequest request) {
        List<String> trace = new ArrayList<>();
        Map<String, List<String>> context = new LinkedHashMap<>();
        Matcher arn = ARN.matcher(request.principalArn());
        String callerAccount = arn.matches() ? arn.group(3) : null;
        context.put("aws:principalarn", List.of(request.principalArn()));
        if (callerAccount != null) {
            context.put("aws:principalaccount", List.of(callerAccount));
            context.put("kms:calleraccount", List.of(callerAccount));
        }
        request.context().forEach((k, v) -> context.put(k.toLowerCase(Locale.ROOT), v));

        Optional<SortedMap<Integer, Pcr>> pcrs;
        try {
            pcrs = attestedPcrs(request.attestation());
        } catch (AttestationException e) {
            return new Decision(Outcome.DOCUMENT_REJECTED, Optional.empty(),
                    "KMS rejects the attestation document before the policy is evaluated: " + e.getMessage(), trace);
        }
        if (pcrs.isPresent()) {
            if (RecipientAttestation.acceptsRecipient(request.action())) {
                pcrs.get().forEach((i, v) -> context.put(RecipientAttestation.pcrKey(i).toLowerCase(Locale.ROOT), List.of(v.hex())));
                if (pcrs.get().containsKey(0)) {
                    context.put(RecipientAttestation.IMAGE_SHA384.toLowerCase(Locale.ROOT), List.of(pcrs.get().get(0).hex()));
                }
            } else {
                trace.add("note: " + request.action() + " does not accept a Recipient; the attestation keys are absent from the request context");
            }
        }

        String firstDeny = null;
        String firstAllow = null;
        String firstDelegated = null;
        for (int i = 0; i < policy.statements().size(); i++) {
            Statement s = policy.statements().get(i);
            String label = s.label(i);
            Match principal = principalMatch(s, request.principalArn(), callerAccount);
            if (principal == Match.NO) {
                trace.add(label + ": principal does not match");
                continue;
            }
            if (!IamPatterns.actionApplies(s, request.action())) {
                trace.add(label + ": action " + request.action() + " not covered");
                continue;
            }
            String failed = failingCondition(s, context);
            if (failed != null) {
                trace.add(label + ": condition false: " + failed);
                continue;
            }
            trace.add(label + ": matches (" + s.effect().json() + (principal == Match.VIA_ACCOUNT ? ", account principal" : "") + ")");
            if (s.effect() == Statement.Effect.DENY) {
                firstDeny = firstDeny == null ? label : firstDeny;
            } else if (principal == Match.DIRECT) {
                firstAllow = firstAllow == null ? label : firstAllow;
            } else {
                firstDelegated = firstDelegated == null ? label : firstDelegated;
            }
        }
        if (firstDeny != null) {
            return new Decision(Outcome.EXPLICIT_DENY, Optional.of(firstDeny),
                    "an explicit Deny matches; no Allow can override it.", trace);
        }
        if (firstAllow != null) {
            return new Decision(Outcome.ALLOW, Optional.of(firstAllow),
                    "the statement allows " + request.principalArn() + " to call " + request.action() + ".", trace);
        }
        if (firstDelegated != null) {
            return new Decision(Outcome.ALLOW_VIA_IAM, Optional.of(firstDelegated),
                    "the statement allows the account root, so KMS delegates to IAM: " + request.principalArn() + " may call "
                            + request.action() + " whenever one of its identity policies allows it, with or without attestation.", trace);
        }
        return new Decision(Outcome.IMPLICIT_DENY, Optional.empty(), "no statement allows " + request.principalArn() + " to call "
                + request.action() + (pcrs.isEmpty() ? " without an attestation document." : " with these measurements."), trace);
    }

    private Optional<SortedMap<Integer, Pcr>> attestedPcrs(Attestation attestation) {
        if (attestation instanceof Attestation.Pcrs p) {
            return Optional.of(p.pcrs());
        }
        if (attestation instanceof Attestation.Document d) {
            if (verifier == null) {
                throw new IllegalStateException("this evaluator has no attestation verifier; create it with withVerifier(...)");
            }
            // The policy, not the verifier, decides which PCRs are allowed: the verifier only establishes them.
            Expectations.Builder eb = Expectations.builder().anyImage();
            Expectations expectations = (allowDebugMode ? eb.allowDebugMode() : eb).build();
            VerifiedAttestation verified = verifier.verify(d.bytes(), expectations);
            return Optional.of(verified.pcrs());
        }
        return Optional.empty();
    }

    private enum Match { NO, DIRECT, VIA_ACCOUNT }

    private static Match principalMatch(Statement s, String caller, String callerAccount) {
        if (s.notPrincipal() != null) {
            return listedMatch(s.notPrincipal(), caller, callerAccount) == Match.NO ? Match.DIRECT : Match.NO;
        }
        if (s.principal() == null) {
            return Match.NO; // key policies must name a principal
        }
        return listedMatch(s.principal(), caller, callerAccount);
    }

    private static Match listedMatch(Principal p, String caller, String callerAccount) {
        if (p instanceof Principal.Anyone) {
            return Match.DIRECT;
        }
        Match best = Match.NO;
        for (Map.Entry<String, Values> e : ((Principal.Named) p).byType().entrySet()) {
            for (String v : e.getValue().list()) {
                Match m = e.getKey().equals("AWS") ? awsMatch(v, caller, callerAccount) : (v.equals(caller) ? Match.DIRECT : Match.NO);
                if (m == Match.DIRECT) {
                    return m;
                }
                if (m == Match.VIA_ACCOUNT) {
                    best = m;
                }
            }
        }
        return best;
    }

    private static Match awsMatch(String value, String caller, String callerAccount) {
        if (value.equals("*") || value.equals(caller)) {
            return Match.DIRECT;
        }
        String account = null;
        if (ACCOUNT.matcher(value).matches()) {
            account = value;
        } else {
            Matcher m = ARN.matcher(value);
            if (m.matches() && m.group(4).equals("root")) {
                account = m.group(3);
            }
        }
        if (account != null) {
            if (caller.endsWith(":" + account + ":root")) {
                return Match.DIRECT;
            }
            return account.equals(callerAccount) ? Match.VIA_ACCOUNT : Match.NO;
        }
        // A role principal also matches that role's sessions (arn:aws:sts::<acct>:assumed-role/<name>/<session>).
        Matcher role = ARN.matcher(value);
        Matcher session = ARN.matcher(caller);
        if (role.matches() && session.matches() && role.group(4).startsWith("role/") && session.group(4).startsWith("assumed-role/")
                && role.group(3).equals(session.group(3))) {
            String roleName = role.group(4).substring(role.group(4).lastIndexOf('/') + 1);
            String[] parts = session.group(4).split("/");
            if (parts.length >= 2 && parts[1].equals(roleName)) {
                return Match.DIRECT;
            }
        }
        return Match.NO;
    }

    /** The first condition that is false, described; null when all hold (AND over operators and keys). */
    private static String failingCondition(Statement s, Map<String, List<String>> context) {
        for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
            for (Map.Entry<String, Values> k : op.getValue().entrySet()) {
                List<String> actual = context.get(k.getKey().toLowerCase(Locale.ROOT));
                if (!holds(op.getKey(), k.getValue().list(), actual)) {
                    return op.getKey() + " " + k.getKey() + " (request: " + (actual == null ? "absent" : String.join(",", actual)) + ")";
                }
            }
        }
        return null;
    }

    static boolean holds(String operator, List<String> expected, List<String> actual) {
        String op = operator;
        String set = "";
        int colon = op.indexOf(':');
        if (colon >= 0) {
            set = op.substring(0, colon);
            op = op.substring(colon + 1);
            if (!set.equals("ForAnyValue") && !set.equals("ForAllValues")) {
                throw unsupported(operator);
            }
        }
        boolean ifExists = op.endsWith("IfExists");
        String base = ifExists ? op.substring(0, op.length() - "IfExists".length()) : op;
        if (base.equals("Null")) {
            boolean absent = actual == null || actual.isEmpty();
            return expected.stream().anyMatch(v -> v.equalsIgnoreCase("true") == absent);
        }
        boolean negated;
        Comparison cmp;
        switch (base) {
            case "StringEquals", "ArnEquals" -> { negated = false; cmp = (p, v) -> p.equals(v); }
            case "StringNotEquals", "ArnNotEquals" -> { negated = true; cmp = (p, v) -> p.equals(v); }
            case "StringEqualsIgnoreCase" -> { negated = false; cmp = (p, v) -> p.equalsIgnoreCase(v); }
            case "StringNotEqualsIgnoreCase" -> { negated = true; cmp = (p, v) -> p.equalsIgnoreCase(v); }
            case "StringLike", "ArnLike" -> { negated = false; cmp = (p, v) -> IamPatterns.matches(p, v, false); }
            case "StringNotLike", "ArnNotLike" -> { negated = true; cmp = (p, v) -> IamPatterns.matches(p, v, false); }
            case "Bool" -> { negated = false; cmp = (p, v) -> p.equalsIgnoreCase(v); }
            default -> throw unsupported(operator);
        }
        if (actual == null || actual.isEmpty()) {
            return ifExists || negated || set.equals("ForAllValues");
        }
        if (set.equals("ForAllValues")) {
            return actual.stream().allMatch(v -> expected.stream().anyMatch(p -> cmp.test(p, v)) != negated);
        }
        boolean any = actual.stream().anyMatch(v -> expected.stream().anyMatch(p -> cmp.test(p, v)));
        return negated ? !any : any;
    }

    @FunctionalInterface
    private interface Comparison {
        boolean test(String policyValue, String requestValue);
    }

    private static KeyPolicyException unsupported(String operator) {
        return new KeyPolicyException(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT,
                "condition operator " + operator + " is not implemented by the evaluator.");
    }
}

package dev.attested.kms;

import dev.attested.attestation.AttestationException;
import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.VerifiedAttestation;
import dev.attested.kms.Decision.Outcome;
import dev.attested.kms.EvaluationRequest.Attestation;
import dev.attested.pcr.Pcr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers "would KMS allow this request?" for one key policy, with AWS's documented evaluation logic for what it
 * accepts, and refuses ({@link KeyPolicyException.Code#UNSUPPORTED_CONSTRUCT}) what it does not model.
 *
 * <ul>
 *   <li>An explicit Deny wins. Otherwise an Allow is needed: one naming the caller (or {@code *}) allows a caller of
 *       the key's account ({@link Outcome#ALLOW}); one naming only the caller's account (its root ARN or id) delegates
 *       to the caller's identity policies ({@link Outcome#ALLOW_VIA_IAM}); a caller of another account always needs
 *       its own identity policies as well, so any Allow that lets it in is {@link Outcome#ALLOW_VIA_IAM}.</li>
 *   <li>Principal: {@code *}, account roots and ids, role and user ARNs (a role also matches its assumed-role
 *       sessions), session ARNs. {@code NotPrincipal} and wildcards inside principal ARNs are refused.</li>
 *   <li>Action/NotAction with {@code *}/{@code ?}, case-insensitive. Resource/NotResource against the key ARN
 *       ({@code *} alone needs no key); a statement with neither has no effect, as KMS documents.</li>
 *   <li>Conditions: String*, Arn* (ArnEquals matches like ArnLike), Bool, Null; the {@code IfExists} suffix;
 *       {@code ForAnyValue:}/{@code ForAllValues:}. Operators AND, keys AND, values OR (NOR for negated operators).
 *       A missing key makes positive operators false and negated and {@code IfExists} operators true;
 *       {@code ForAllValues} is true and {@code ForAnyValue} false (with or without {@code IfExists}) for a missing key.
 *       Key names are case-insensitive, values case-sensitive except for {@code …IgnoreCase} and Bool.</li>
 *   <li>Request context: {@code aws:PrincipalArn} (the role ARN for an assumed-role session),
 *       {@code aws:PrincipalAccount}, {@code kms:CallerAccount}, {@code aws:PrincipalType}, and the attestation keys for
 *       the five operations that accept a Recipient. A key every request carries but the request does not give
 *       (e.g. {@code aws:SecureTransport}) is refused with {@link KeyPolicyException.Code#REQUEST_INCOMPLETE}
 *       when a statement depends on it, rather than treated as absent.</li>
 * </ul>
 *
 * <p>Attestation documents are verified with the core {@link AttestationVerifier} first: only a verified document
 * contributes condition values, and a debug-mode document is rejected unless debug mode is explicitly allowed.
 * Grants, identity policies (hence {@code ALLOW_VIA_IAM}), SCPs/RCPs and policy variables are not modelled.
 */
public final class KeyPolicyEvaluator {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern ROOT = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):root");
    private static final Pattern IAM_ENTITY = Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):(role|user)/((?:[^/]+/)*)([^/]+)");
    private static final Pattern ANY_ARN_ACCOUNT = Pattern.compile("arn:aws[a-z-]*:(?:iam|sts)::(\\d{12}):.+");
    /** Keys AWS puts in every authenticated KMS request that the evaluator cannot derive (lower case). */
    private static final Set<String> ALWAYS_PRESENT = Set.of("aws:securetransport", "aws:currenttime", "aws:epochtime",
            "aws:requestedregion", "aws:userid", "aws:viaawsservice", "aws:principalisawsservice");
    /** Multi-valued keys of KMS requests (ArrayOf… in the service authorization reference), lower case. */
    private static final Set<String> MULTI_VALUED = Set.of("kms:encryptioncontextkeys", "kms:grantoperations",
            "kms:resourcealiases", "aws:tagkeys", "aws:principalorgpaths", "aws:calledvia", "aws:principalservicenameslist");

    private final KeyPolicy policy;
    private final AttestationVerifier verifier;
    private final boolean allowDebugMode;
    private final String keyArn;

    private KeyPolicyEvaluator(KeyPolicy policy, AttestationVerifier verifier, boolean allowDebugMode, String keyArn) {
        this.policy = Objects.requireNonNull(policy);
        this.verifier = verifier;
        this.allowDebugMode = allowDebugMode;
        this.keyArn = keyArn;
    }

    /** An evaluator for requests with explicit PCRs or none; documents need {@link #withVerifier}. */
    public static KeyPolicyEvaluator of(KeyPolicy policy) {
        return new KeyPolicyEvaluator(policy, null, false, null);
    }

    /** An evaluator that verifies attestation documents with {@code verifier} (debug-mode documents rejected). */
    public static KeyPolicyEvaluator withVerifier(KeyPolicy policy, AttestationVerifier verifier) {
        return new KeyPolicyEvaluator(policy, Objects.requireNonNull(verifier), false, null);
    }

    /** Accepts debug-mode documents (their PCRs are zero): only for evaluating development keys. */
    public KeyPolicyEvaluator allowingDebugMode() {
        return new KeyPolicyEvaluator(policy, verifier, true, keyArn);
    }

    /**
     * The key the policy is attached to, for requests that do not name one. Without it, a request's key is "a key of
     * the policy's account" (the one account its account principals name), which decides only {@code Resource: "*"}.
     */
    public KeyPolicyEvaluator forKey(String keyArn) {
        if (!EvaluationRequest.KEY.matcher(keyArn).matches()) {
            throw new IllegalArgumentException("key " + keyArn + " is not a key ARN (arn:aws:kms:<region>:<account>:key/<key id>)");
        }
        return new KeyPolicyEvaluator(policy, verifier, allowDebugMode, keyArn);
    }

    /** Evaluates one request. */
    public Decision evaluate(EvaluationRequest request) {
        List<String> trace = new ArrayList<>();
        Caller caller = Caller.of(request);
        String key = request.resource().orElse(keyArn);

        Map<String, List<String>> context = new HashMap<>();
        Set<String> unknownValues = new HashSet<>(ALWAYS_PRESENT);
        context.put("aws:principalaccount", List.of(caller.account));
        context.put("kms:calleraccount", List.of(caller.account));
        context.put("aws:principaltype", List.of(caller.type));
        if (caller.principalArnKey != null) {
            context.put("aws:principalarn", List.of(caller.principalArnKey));
        } else {
            unknownValues.add("aws:principalarn");
        }
        request.context().forEach((k, v) -> context.put(k.toLowerCase(Locale.ROOT), v));
        unknownValues.removeAll(context.keySet());

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
        Request r = new Request(caller, request.action(), key, context, unknownValues);

        String firstDeny = null;
        String firstAllow = null;
        String firstDelegated = null;
        for (int i = 0; i < policy.statements().size(); i++) {
            Statement s = policy.statements().get(i);
            String label = s.label(i);
            Match m = statementMatch(s, label, r, trace);
            if (m == Match.NO) {
                continue;
            }
            trace.add(label + ": matches (" + s.effect().json() + (m == Match.VIA_ACCOUNT ? ", account principal" : "") + ")");
            if (s.effect() == Statement.Effect.DENY) {
                firstDeny = firstDeny == null ? label : firstDeny;
            } else if (m == Match.DIRECT) {
                firstAllow = firstAllow == null ? label : firstAllow;
            } else {
                firstDelegated = firstDelegated == null ? label : firstDelegated;
            }
        }
        if (firstDeny != null) {
            return new Decision(Outcome.EXPLICIT_DENY, Optional.of(firstDeny),
                    "an explicit Deny matches; no Allow can override it.", trace);
        }
        if (firstAllow == null && firstDelegated == null) {
            return new Decision(Outcome.IMPLICIT_DENY, Optional.empty(), "no statement allows " + request.principalArn() + " to call "
                    + request.action() + (pcrs.isEmpty() ? " without an attestation document." : " with these measurements."), trace);
        }
        String keyAccount = key != null ? accountOfKey(key) : policyAccount();
        if (!keyAccount.equals(caller.account)) {
            return new Decision(Outcome.ALLOW_VIA_IAM, Optional.of(firstAllow != null ? firstAllow : firstDelegated),
                    "the statement lets " + request.principalArn() + " of account " + caller.account + " use a key of account " + keyAccount
                            + "; a cross-account call also needs an identity policy of the caller that allows " + request.action()
                            + " on the key.", trace);
        }
        if (firstAllow != null) {
            return new Decision(Outcome.ALLOW, Optional.of(firstAllow),
                    "the statement allows " + request.principalArn() + " to call " + request.action() + ".", trace);
        }
        return new Decision(Outcome.ALLOW_VIA_IAM, Optional.of(firstDelegated),
                "the statement allows the account root, so KMS delegates to IAM: " + request.principalArn() + " may call "
                        + request.action() + " whenever one of its identity policies allows it, with or without attestation.", trace);
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

    /** The caller as the evaluator needs it. {@code principalArnKey} is null when AWS's value is not known (session without role). */
    private record Caller(String arn, String partition, String account, String type, boolean root, String sessionRoleName,
            String roleArn, String principalArnKey) {
        static Caller of(EvaluationRequest request) {
            Matcher m = EvaluationRequest.CALLER.matcher(request.principalArn());
            if (!m.matches()) {
                throw new IllegalStateException("EvaluationRequest accepted an invalid principal");
            }
            String arn = request.principalArn();
            if (m.group(5) != null) {
                String role = request.roleArn().orElse(null);
                return new Caller(arn, m.group(1), m.group(4), "AssumedRole", false, m.group(5), role, role);
            }
            String resource = m.group(3);
            String type = resource.equals("root") ? "Account" : resource.startsWith("user/") ? "User" : "AssumedRole";
            return new Caller(arn, m.group(1), m.group(2), type, resource.equals("root"), null, null, arn);
        }
    }

    private record Request(Caller caller, String action, String keyArn, Map<String, List<String>> context, Set<String> unknownValues) {}

    private enum Match { NO, DIRECT, VIA_ACCOUNT }

    /** Whether the statement applies to the request, and through which kind of principal; explains a NO in the trace. */
    private static Match statementMatch(Statement s, String label, Request r, List<String> trace) {
        if (s.resource() == null && s.notResource() == null) {
            trace.add(label + ": no Resource element: KMS accepts the statement but it has no effect");
            return Match.NO;
        }
        if (s.principal() == null && s.notPrincipal() == null) {
            trace.add(label + ": no Principal element: the statement applies to nobody");
            return Match.NO;
        }
        Match principal = Match.DIRECT;
        if (s.principal() != null) {
            principal = principalMatch(s.principal(), r.caller, label);
            if (principal == Match.NO) {
                trace.add(label + ": principal does not match");
                return Match.NO;
            }
        }
        if (!IamPatterns.actionApplies(s, r.action)) {
            trace.add(label + ": action " + r.action + " not covered");
            return Match.NO;
        }
        if (!resourceApplies(s, label, r.keyArn)) {
            trace.add(label + ": resource " + (r.keyArn == null ? "(the key)" : r.keyArn) + " not covered");
            return Match.NO;
        }
        String failed = failingCondition(s, label, r);
        if (failed != null) {
            trace.add(label + ": condition false: " + failed);
            return Match.NO;
        }
        if (s.notPrincipal() != null) {
            throw unsupported(label + " uses NotPrincipal, whose treatment of accounts, roles and sessions the evaluator does not model");
        }
        return principal;
    }

    private static Match principalMatch(Principal p, Caller caller, String label) {
        if (p instanceof Principal.Anyone) {
            return Match.DIRECT;
        }
        Match best = Match.NO;
        for (Map.Entry<String, Values> e : ((Principal.Named) p).byType().entrySet()) {
            if (!e.getKey().equals("AWS")) {
                continue; // service, federated and canonical-user principals never name an IAM caller
            }
            for (String v : e.getValue().list()) {
                Match m = awsMatch(v, caller, label);
                if (m == Match.DIRECT || (m == Match.VIA_ACCOUNT && best == Match.NO)) {
                    best = m;
                }
            }
        }
        return best;
    }

    private static Match awsMatch(String value, Caller caller, String label) {
        if (value.equals("*")) {
            return Match.DIRECT;
        }
        if (value.contains("*") || value.contains("?")) {
            throw unsupported(label + " has the principal " + value + ": AWS accepts no wildcard in a principal ARN other than \"*\""
                    + " (use Principal \"*\" with an ArnLike aws:PrincipalArn condition)");
        }
        Matcher root = ROOT.matcher(value);
        if (ACCOUNT.matcher(value).matches() || root.matches()) {
            String account = root.matches() ? root.group(2) : value;
            boolean partition = !root.matches() || root.group(1).equals(caller.partition);
            if (!partition || !account.equals(caller.account)) {
                return Match.NO;
            }
            // The root user holds every permission of its account: an account principal names it directly.
            return caller.root ? Match.DIRECT : Match.VIA_ACCOUNT;
        }
        if (sameIamEntity(value, caller.arn) || value.equals(caller.arn)) {
            return Match.DIRECT;
        }
        Matcher role = IAM_ENTITY.matcher(value);
        if (caller.sessionRoleName != null && role.matches() && role.group(3).equals("role")
                && role.group(1).equals(caller.partition) && role.group(2).equals(caller.account)) {
            // A role principal matches that role's sessions. Role names are unique per account, case-insensitively.
            boolean same = caller.roleArn != null ? sameIamEntity(value, caller.roleArn) : role.group(5).equalsIgnoreCase(caller.sessionRoleName);
            return same ? Match.DIRECT : Match.NO;
        }
        return Match.NO;
    }

    /** Same role or user: partition, account, type and path exactly, the name case-insensitively (IAM names are unique that way). */
    private static boolean sameIamEntity(String a, String b) {
        Matcher x = IAM_ENTITY.matcher(a);
        Matcher y = IAM_ENTITY.matcher(b);
        return x.matches() && y.matches() && x.group(1).equals(y.group(1)) && x.group(2).equals(y.group(2))
                && x.group(3).equals(y.group(3)) && x.group(4).equals(y.group(4)) && x.group(5).equalsIgnoreCase(y.group(5));
    }

    /** Resource/NotResource against the key. {@code keyArn} null: only {@code "*"} can be decided. */
    private static boolean resourceApplies(Statement s, String label, String keyArn) {
        boolean not = s.resource() == null;
        List<String> patterns = (not ? s.notResource() : s.resource()).list();
        if (patterns.contains("*")) {
            return !not;
        }
        boolean any = false;
        for (String p : patterns) {
            if (p.contains("${")) {
                throw unsupported(label + " uses the policy variable in " + p);
            }
            if (!p.startsWith("arn:")) {
                throw unsupported(label + " has the resource " + p + ", which is neither \"*\" nor an ARN");
            }
            if (keyArn == null) {
                throw new KeyPolicyException(KeyPolicyException.Code.REQUEST_INCOMPLETE, label + " applies only to " + (not ? "keys other than " : "")
                        + p + "; name the key the policy is attached to (scenario resource=arn:aws:kms:<region>:<account>:key/<key id>).");
            }
            any |= IamPatterns.resourceMatches(p, keyArn);
        }
        return any != not;
    }

    /** The first condition that is false, described; null when all hold (AND over operators and keys). */
    private static String failingCondition(Statement s, String label, Request r) {
        for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
            Operator operator = Operator.parse(op.getKey(), label);
            if (op.getValue().isEmpty()) {
                throw unsupported(label + ": the condition operator " + op.getKey() + " names no key");
            }
            for (Map.Entry<String, Values> k : op.getValue().entrySet()) {
                String key = k.getKey().toLowerCase(Locale.ROOT);
                List<String> actual = r.context.get(key);
                boolean holds;
                if (actual == null && r.unknownValues.contains(key)) {
                    if (!operator.isNull()) {
                        throw new KeyPolicyException(KeyPolicyException.Code.REQUEST_INCOMPLETE, label + " tests " + k.getKey()
                                + ", which every KMS request carries, but this request does not give its value"
                                + (key.equals("aws:principalarn") ? " (for an assumed-role session it is the role ARN with its path: give role=arn:aws:iam::<account>:role/<path/>name)."
                                        : " (give context." + k.getKey() + "=<value>)."));
                    }
                    holds = operator.holds(k.getValue().list(), List.of("present"), false, label, k.getKey());
                } else {
                    holds = operator.holds(k.getValue().list(), actual, MULTI_VALUED.contains(key), label, k.getKey());
                }
                if (!holds) {
                    return op.getKey() + " " + k.getKey() + " (request: " + (actual == null ? "absent" : String.join(",", actual)) + ")";
                }
            }
        }
        return null;
    }

    private enum SetQualifier { NONE, FOR_ANY_VALUE, FOR_ALL_VALUES }

    /** A parsed condition operator such as {@code ForAnyValue:StringNotEqualsIgnoreCaseIfExists}. */
    private record Operator(String text, SetQualifier set, String base, boolean ifExists, boolean negated, Comparison cmp) {
        static Operator parse(String text, String label) {
            String op = text;
            SetQualifier set = SetQualifier.NONE;
            int colon = op.indexOf(':');
            if (colon >= 0) {
                String prefix = op.substring(0, colon);
                set = switch (prefix) {
                    case "ForAnyValue" -> SetQualifier.FOR_ANY_VALUE;
                    case "ForAllValues" -> SetQualifier.FOR_ALL_VALUES;
                    default -> throw unsupportedOperator(text, label);
                };
                op = op.substring(colon + 1);
            }
            boolean ifExists = op.endsWith("IfExists");
            String base = ifExists ? op.substring(0, op.length() - "IfExists".length()) : op;
            boolean negated;
            Comparison cmp;
            switch (base) {
                case "StringEquals" -> { negated = false; cmp = String::equals; }
                case "StringNotEquals" -> { negated = true; cmp = String::equals; }
                case "StringEqualsIgnoreCase" -> { negated = false; cmp = String::equalsIgnoreCase; }
                case "StringNotEqualsIgnoreCase" -> { negated = true; cmp = String::equalsIgnoreCase; }
                case "StringLike" -> { negated = false; cmp = (p, v) -> IamPatterns.matches(p, v, false); }
                case "StringNotLike" -> { negated = true; cmp = (p, v) -> IamPatterns.matches(p, v, false); }
                // AWS documents ArnEquals and ArnLike (and their negations) as the same match, wildcards included.
                case "ArnEquals", "ArnLike" -> { negated = false; cmp = IamPatterns::arnMatches; }
                case "ArnNotEquals", "ArnNotLike" -> { negated = true; cmp = IamPatterns::arnMatches; }
                case "Bool" -> { negated = false; cmp = String::equalsIgnoreCase; }
                case "Null" -> {
                    if (ifExists || set != SetQualifier.NONE) {
                        throw unsupportedOperator(text, label);
                    }
                    negated = false;
                    cmp = null;
                }
                default -> throw unsupportedOperator(text, label);
            }
            return new Operator(text, set, base, ifExists, negated, cmp);
        }

        boolean isNull() {
            return base.equals("Null");
        }

        boolean holds(List<String> expected, List<String> actual, boolean multiValuedKey, String label, String key) {
            boolean absent = actual == null;
            if (isNull()) {
                for (String v : expected) {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        throw unsupported(label + ": Null takes \"true\" or \"false\", not \"" + v + "\"");
                    }
                }
                return expected.stream().anyMatch(v -> v.equalsIgnoreCase("true") == absent);
            }
            for (String v : expected) {
                if (v.contains("${")) {
                    throw unsupported(label + ": policy variables (" + v + ") are not modelled");
                }
                if (base.startsWith("Arn") && !IamPatterns.isArnPattern(v)) {
                    throw unsupported(label + ": " + text + " compares ARNs, and \"" + v + "\" is not one (arn:partition:service:region:account:resource)");
                }
            }
            if (set == SetQualifier.NONE) {
                if (absent) {
                    return ifExists || negated;
                }
                if (multiValuedKey || actual.size() > 1) {
                    throw unsupported(label + ": " + text + " on the multi-valued key " + key
                            + "; AWS requires ForAnyValue: or ForAllValues: for it (without one the result is not documented)");
                }
                return valueHolds(expected, actual.get(0));
            }
            if (absent) {
                // ForAllValues over no values is true; ForAnyValue finds none. IfExists does not turn ForAnyValue true:
                // AWS applies it per value inside the set loop, and denies an Allow with ForAnyValue:StringEqualsIfExists
                // on a missing key (observed, repost.aws QU9HFmDzP0QGuU-fd7rS6B7w).
                return set == SetQualifier.FOR_ALL_VALUES;
            }
            return set == SetQualifier.FOR_ALL_VALUES
                    ? actual.stream().allMatch(v -> valueHolds(expected, v))
                    : actual.stream().anyMatch(v -> valueHolds(expected, v));
        }

        /** One request value against the policy values: matches one of them, or (negated) none of them. */
        private boolean valueHolds(List<String> expected, String value) {
            boolean any = expected.stream().anyMatch(p -> cmp.test(p, value));
            return negated != any;
        }
    }

    @FunctionalInterface
    private interface Comparison {
        boolean test(String policyValue, String requestValue);
    }

    /** The account of the key when the request names none: the one account the policy's account principals name. */
    private String policyAccount() {
        Set<String> roots = new TreeSet<>();
        Set<String> all = new TreeSet<>();
        for (Statement s : policy.statements()) {
            if (s.principal() instanceof Principal.Named named) {
                for (String v : named.aws()) {
                    Matcher root = ROOT.matcher(v);
                    Matcher arn = ANY_ARN_ACCOUNT.matcher(v);
                    if (ACCOUNT.matcher(v).matches()) {
                        roots.add(v);
                    } else if (root.matches()) {
                        roots.add(root.group(2));
                    }
                    if (arn.matches()) {
                        all.add(arn.group(1));
                    }
                }
            }
        }
        all.addAll(roots);
        Set<String> candidates = !roots.isEmpty() ? roots : all;
        if (candidates.size() != 1) {
            throw new KeyPolicyException(KeyPolicyException.Code.REQUEST_INCOMPLETE, "the policy names "
                    + (candidates.isEmpty() ? "no account" : "the accounts " + candidates) + ", so the key's account (same-account or"
                    + " cross-account call?) is not known; name the key (scenario resource=arn:aws:kms:<region>:<account>:key/<key id>).");
        }
        return candidates.iterator().next();
    }

    private static String accountOfKey(String keyArn) {
        Matcher m = EvaluationRequest.KEY.matcher(keyArn);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a key ARN: " + keyArn);
        }
        return m.group(3);
    }

    private static KeyPolicyException unsupported(String detail) {
        return new KeyPolicyException(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, detail + ".");
    }

    private static KeyPolicyException unsupportedOperator(String operator, String label) {
        return unsupported(label + ": the condition operator " + operator + " is not modelled by the evaluator");
    }
}

package dev.attested.kms;

import dev.attested.kms.LintRule.Severity;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks a key policy for every construct that lets a principal obtain plaintext without a valid attestation of
 * the intended code, and for the mistakes that make an attestation condition never match
 * (docs/spec/kms-attestation.md §7.3 generator rules, §8 common mistakes). Works on generated and hand-written policies
 * alike.
 *
 * <p>The linter fails closed: a statement counts as attested only when one of its conditions is false for a
 * request without an attestation document, and as pinning code only when it compares ImageSha384/PCR0, PCR8, or
 * PCR1 and PCR2 together with exact, non-zero values. Every Allow is assumed to apply to this key whatever its
 * {@code Resource}. A construct the linter cannot judge (an unknown condition operator, a statement without a
 * principal) is an error, never silence.
 */
public final class KeyPolicyLinter {
    private static final Pattern HEX96 = Pattern.compile("[0-9a-fA-F]{96}");
    private static final Pattern ACCOUNT_ROOT = Pattern.compile("arn:[a-z-]+:iam::\\d{12}:root|\\d{12}");
    private static final Pattern ROLE_ARN = Pattern.compile("arn:[a-z-]+:iam::\\d{12}:role/.+");
    /** Plaintext of data encrypted earlier: reachable with these actions alone. */
    private static final List<String> EXISTING_PLAINTEXT = List.of("kms:Decrypt", "kms:DeriveSharedSecret");
    /** Return new plaintext key material (a data key, a private key) to a caller without a Recipient. */
    private static final List<String> NEW_KEY_MATERIAL = List.of("kms:GenerateDataKey", "kms:GenerateDataKeyPair");
    /**
     * Paths to plaintext that no key-policy condition guards: a grant is evaluated without the key policy's
     * conditions, ReEncrypt decrypts under this key, a replica of a multi-region key gets a policy of its own.
     */
    private static final List<String> GRANT_OR_REENCRYPT = List.of("kms:CreateGrant", "kms:ReEncryptFrom", "kms:ReplicateKey");
    /** For the account root, only these reach existing plaintext; ReplicateKey only matters for multi-region keys. */
    private static final Set<String> ROOT_CRITICAL = Set.of("kms:Decrypt", "kms:DeriveSharedSecret", "kms:CreateGrant", "kms:ReEncryptFrom");
    private static final List<String> NON_ATTESTED_SAMPLES = List.of("kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:Sign", "kms:Verify",
            "kms:GenerateMac", "kms:CreateGrant", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion");
    /** Condition operators IAM defines (without the IfExists suffix and the ForAnyValue:/ForAllValues: prefix). */
    private static final Set<String> STRING_OPERATORS = Set.of("StringEquals", "StringNotEquals", "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike");
    private static final Set<String> OTHER_OPERATORS = Set.of("NumericEquals", "NumericNotEquals", "NumericLessThan",
            "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals", "DateNotEquals", "DateLessThan",
            "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
            "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null");
    private static final Set<String> PRINCIPAL_TYPES = Set.of("AWS", "Service", "Federated", "CanonicalUser");

    private final boolean allowDebugMode;

    /** A linter for production keys: all-zero image PCRs and PCR8 are errors. */
    public KeyPolicyLinter() {
        this(false);
    }

    private KeyPolicyLinter(boolean allowDebugMode) {
        this.allowDebugMode = allowDebugMode;
    }

    /**
     * A linter for development keys: all-zero PCR0/1/2/8 (what every debug-mode enclave reports, memory readable by
     * the parent) are warnings instead of errors and count as pinned. Never for production data.
     */
    public static KeyPolicyLinter allowingDebugMode() {
        return new KeyPolicyLinter(true);
    }

    /** Lints a policy; findings are in statement order. */
    public List<LintFinding> lint(KeyPolicy policy) {
        List<LintFinding> out = new ArrayList<>();
        if (!KeyPolicy.VERSION.equals(policy.version())) {
            out.add(new LintFinding(LintRule.VERSION, LintRule.VERSION.severity(), "policy",
                    "Version is " + policy.version() + ", expected 2012-10-17."));
        }
        // Plaintext without a Recipient: Decrypt, DeriveSharedSecret, GenerateDataKey(Pair), plus whatever the policy attests.
        Set<String> sensitive = new LinkedHashSet<>(EXISTING_PLAINTEXT);
        sensitive.addAll(NEW_KEY_MATERIAL);
        for (Statement s : policy.statements()) {
            if (s.effect() == Statement.Effect.ALLOW && hasAttestationKey(s)) {
                RecipientAttestation.ACTIONS.stream().filter(a -> IamPatterns.actionApplies(s, a)).forEach(sensitive::add);
            }
        }
        boolean anyAttested = false;
        for (int i = 0; i < policy.statements().size(); i++) {
            Statement s = policy.statements().get(i);
            String label = s.label(i);
            Requirement req = requirement(s);
            lintPrincipalShape(s, label, out);
            if (s.effect() == Statement.Effect.ALLOW) {
                anyAttested |= req.required();
                lintAllowPaths(s, label, req, sensitive, out);
            }
            if (hasAttestationKey(s)) {
                lintAttestedStatement(s, label, req, out);
            }
            lintConditions(s, label, out);
        }
        if (!anyAttested) {
            out.add(new LintFinding(LintRule.NO_ATTESTED_STATEMENT, LintRule.NO_ATTESTED_STATEMENT.severity(), "policy",
                    "no Allow statement requires an attestation document: the key is not bound to any enclave."));
        }
        return out;
    }

    /**
     * Lints {@code policy} and returns its findings, none of them an error.
     *
     * @throws KeyPolicyException {@code LINT_FAILED}, carrying all findings, when any finding is an error
     */
    public List<LintFinding> check(KeyPolicy policy) {
        List<LintFinding> findings = lint(policy);
        requireNoErrors(findings);
        return findings;
    }

    /** True when any finding is an error. */
    public static boolean hasErrors(List<LintFinding> findings) {
        return findings.stream().anyMatch(LintFinding::isError);
    }

    /**
     * The rule every caller applies before a policy is written or put on a key: no lint errors.
     *
     * @throws KeyPolicyException {@code LINT_FAILED}, carrying all findings, when any finding is an error
     */
    public static void requireNoErrors(List<LintFinding> findings) {
        if (hasErrors(findings)) {
            throw KeyPolicyException.lintFailed(findings);
        }
    }

    // ---- what a statement's conditions require of the request ------------------------------------------------

    /**
     * @param required true when some condition is false for a request without an attestation document
     * @param pinned   the code measurements (0 = ImageSha384/PCR0, 1, 2, 8) compared exactly with non-zero values
     */
    private record Requirement(boolean required, Set<Integer> pinned) {
        boolean pinsCode() {
            return pinned.contains(0) || pinned.contains(8) || pinned.contains(1) && pinned.contains(2);
        }
    }

    /** A condition operator taken apart: {@code ForAnyValue:StringEqualsIgnoreCaseIfExists} → set, base, ifExists. */
    private record Operator(String text, String set, String base, boolean ifExists) {
        static Operator parse(String text) {
            String op = text;
            String set = "";
            int colon = op.indexOf(':');
            if (colon >= 0) {
                set = op.substring(0, colon);
                op = op.substring(colon + 1);
            }
            boolean ifExists = op.endsWith("IfExists") && !op.equals("IfExists");
            String base = ifExists ? op.substring(0, op.length() - "IfExists".length()) : op;
            return new Operator(text, set, base, ifExists);
        }

        boolean known() {
            boolean setOk = set.isEmpty() || set.equals("ForAnyValue") || set.equals("ForAllValues");
            boolean baseOk = STRING_OPERATORS.contains(base) || OTHER_OPERATORS.contains(base);
            return setOk && baseOk && !(ifExists && base.equals("Null"));
        }

        boolean negated() {
            return base.startsWith("StringNot") || base.startsWith("ArnNot") || base.startsWith("NumericNot")
                    || base.startsWith("DateNot") || base.equals("NotIpAddress");
        }

        boolean like() {
            return base.equals("StringLike") || base.equals("StringNotLike");
        }

        /** False for a request in which the key is absent (IAM: IfExists, ForAllValues and negated operators are true). */
        boolean falseWhenAbsent(Values values) {
            if (!known() || ifExists || set.equals("ForAllValues")) {
                return false;
            }
            if (base.equals("Null")) {
                return values.list().stream().noneMatch(v -> v.equalsIgnoreCase("true"))
                        && values.list().stream().allMatch(v -> v.equalsIgnoreCase("false"));
            }
            return !negated();
        }
    }

    private Requirement requirement(Statement s) {
        boolean required = false;
        Set<Integer> pinned = new TreeSet<>();
        for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
            Operator o = Operator.parse(op.getKey());
            for (Map.Entry<String, Values> k : op.getValue().entrySet()) {
                if (!RecipientAttestation.isKey(k.getKey()) || !o.falseWhenAbsent(k.getValue())) {
                    continue;
                }
                required = true;
                boolean exact = o.base.equals("StringEquals") || o.base.equals("StringEqualsIgnoreCase") || o.base.equals("StringLike");
                boolean values = k.getValue().list().stream().allMatch(v -> HEX96.matcher(v).matches() && (allowDebugMode || !allZero(v)));
                if (exact && values) {
                    int index = RecipientAttestation.pcrIndex(k.getKey()).getAsInt();
                    if (index == 0 || index == 1 || index == 2 || index == 8) {
                        pinned.add(index);
                    }
                }
            }
        }
        return new Requirement(required, pinned);
    }

    // ---- who may do what without attestation ------------------------------------------------------------------

    private void lintPrincipalShape(Statement s, String label, List<LintFinding> out) {
        if (s.principal() == null && s.notPrincipal() == null) {
            out.add(new LintFinding(LintRule.UNSUPPORTED_CONSTRUCT, Severity.ERROR, label,
                    "the statement names no Principal; KMS key policy statements must (the linter cannot tell whom it applies to)."));
        }
        for (Principal p : new Principal[] {s.principal(), s.notPrincipal()}) {
            if (p instanceof Principal.Named n) {
                for (String type : n.byType().keySet()) {
                    if (!PRINCIPAL_TYPES.contains(type)) {
                        out.add(new LintFinding(LintRule.UNSUPPORTED_CONSTRUCT, Severity.ERROR, label,
                                "principal type \"" + type + "\" is not one of " + new TreeSet<>(PRINCIPAL_TYPES) + "."));
                    }
                }
            }
        }
        if (s.effect() == Statement.Effect.ALLOW && s.notPrincipal() != null) {
            out.add(new LintFinding(LintRule.NOT_PRINCIPAL_ALLOW, Severity.ERROR, label,
                    "NotPrincipal in an Allow grants every principal of every AWS account except " + principals(s.notPrincipal())
                            + " (any account can run the same reproducible image)."));
        }
        if (s.effect() == Statement.Effect.ALLOW && s.notResource() != null) {
            out.add(new LintFinding(LintRule.NOT_RESOURCE_ALLOW, Severity.ERROR, label,
                    "NotResource in an Allow: a key policy's only resource is the key itself, so the statement applies to it unless "
                            + s.notResource().list() + " happens to name it; the linter assumes it does apply."));
        }
    }

    private void lintAllowPaths(Statement s, String label, Requirement req, Set<String> sensitive, List<LintFinding> out) {
        boolean anyone = isAnyone(s);
        List<String> roots = anyone ? List.of() : principals(s).stream().filter(p -> ACCOUNT_ROOT.matcher(p).matches()).toList();
        // A statement may name the account root next to other principals: each part is judged by its own rule.
        boolean others = anyone || s.principal() == null || principals(s).size() > roots.size();
        List<String> plaintext = new ArrayList<>();
        if (!req.required()) {
            sensitive.stream().filter(a -> IamPatterns.actionApplies(s, a)).forEach(plaintext::add);
        }
        List<String> grants = GRANT_OR_REENCRYPT.stream().filter(a -> IamPatterns.actionApplies(s, a)).toList();
        if (anyone && IamPatterns.actionApplies(s, "kms:PutKeyPolicy")) {
            out.add(new LintFinding(LintRule.ANYONE_REWRITES_POLICY, Severity.ERROR, label, describe(s)
                    + " may call kms:PutKeyPolicy: anyone can replace this policy with one that grants them Decrypt."));
        }
        if (!roots.isEmpty() && (!plaintext.isEmpty() || !grants.isEmpty())) {
            List<String> all = new ArrayList<>(plaintext);
            all.addAll(grants);
            // Decrypt, DeriveSharedSecret, grants and ReEncrypt reach existing data; GenerateDataKey(Pair)/GenerateRandom only
            // mint new material and ReplicateKey needs a multi-region key (the spec's recommended root statement keeps them): a warning.
            boolean critical = all.stream().anyMatch(ROOT_CRITICAL::contains);
            out.add(new LintFinding(LintRule.ROOT_PLAINTEXT, critical ? Severity.ERROR : Severity.WARNING, label,
                    "the account root " + (roots.size() == 1 ? roots.get(0) : roots) + " is allowed " + all + " without attestation: any IAM "
                            + "principal of the account whose identity policy allows it (the parent instance role included) gets plaintext "
                            + "outside the enclave."));
        }
        if (!others) {
            return;
        }
        if (!plaintext.isEmpty()) {
            out.add(new LintFinding(LintRule.UNATTESTED_ALLOW, Severity.ERROR, label, describeOthers(s, roots) + " may call " + plaintext
                    + " without an attestation document" + (hasAttestationKey(s) ? " (its attestation conditions all hold when the key is absent)" : "")
                    + "; this short-circuits the attested statement."));
        }
        if (!grants.isEmpty()) {
            out.add(new LintFinding(LintRule.GRANT_OR_REENCRYPT, Severity.ERROR, label,
                    describeOthers(s, roots) + " may call " + grants + ", a path to plaintext that no attestation condition guards."));
        }
    }

    private void lintAttestedStatement(Statement s, String label, Requirement req, List<LintFinding> out) {
        if (s.notAction() != null) {
            out.add(new LintFinding(LintRule.NON_ATTESTED_ACTION, Severity.ERROR, label,
                    "a statement with attestation conditions uses NotAction, which covers actions that cannot carry a Recipient."));
        } else {
            List<String> bad = new ArrayList<>();
            for (String pattern : s.action().list()) {
                boolean coversOther = NON_ATTESTED_SAMPLES.stream().anyMatch(a -> IamPatterns.matches(pattern, a, true));
                if (coversOther || !pattern.contains("*") && !pattern.contains("?") && !RecipientAttestation.acceptsRecipient(pattern)) {
                    bad.add(pattern);
                }
            }
            if (!bad.isEmpty()) {
                String effect = s.effect() == Statement.Effect.ALLOW
                        ? "the condition can never hold for them (Access Analyzer: unsupported action for condition key)"
                        : "this Deny always fires for them, even inside the enclave";
                out.add(new LintFinding(LintRule.NON_ATTESTED_ACTION, Severity.ERROR, label,
                        bad + " do not accept a Recipient; " + effect + "."));
            }
        }
        if (s.effect() == Statement.Effect.ALLOW) {
            if (req.required() && !req.pinsCode() && RecipientAttestation.ACTIONS.stream().anyMatch(a -> IamPatterns.actionApplies(s, a))) {
                out.add(new LintFinding(LintRule.NO_CODE_PIN, Severity.ERROR, label, "the attested Allow pins "
                        + (req.pinned().isEmpty() ? "no code measurement" : "only PCR" + req.pinned())
                        + ": PCR3/PCR4 identify the parent, not the enclave's code, so the parent can start an enclave of its own (or "
                        + "any image in debug mode) that passes and hands out the plaintext."));
            }
            if (s.principal() instanceof Principal.Anyone || principals(s).stream().anyMatch(p -> p.contains("*"))) {
                out.add(new LintFinding(LintRule.ATTESTED_PRINCIPAL_ANYONE, Severity.ERROR, label,
                        "the attested Allow names every principal (\"*\")."));
            }
            for (String p : principals(s)) {
                if (p.contains(":assumed-role/") || p.contains(":instance-profile/")) {
                    out.add(new LintFinding(LintRule.PRINCIPAL_NOT_ROLE, Severity.ERROR, label,
                            "principal " + p + " is not the IAM role ARN behind PCR3."));
                }
            }
            lintPcr3(s, label, out);
            int multiValued = 0;
            for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
                for (Map.Entry<String, Values> k : op.getValue().entrySet()) {
                    if (RecipientAttestation.isKey(k.getKey()) && k.getValue().list().size() > 1) {
                        multiValued++;
                    }
                }
            }
            if (multiValued >= 2) {
                out.add(new LintFinding(LintRule.MIXED_RELEASES, Severity.ERROR, label,
                        multiValued + " attestation keys list several values each: values of different releases are mixed in one statement."));
            }
        } else {
            for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
                if (!Operator.parse(op.getKey()).negated()) {
                    continue;
                }
                long keys = op.getValue().keySet().stream().filter(RecipientAttestation::isKey).count();
                if (keys >= 2) {
                    out.add(new LintFinding(LintRule.DENY_KEYS_ANDED, Severity.WARNING, label,
                            op.getKey() + " lists " + keys + " attestation keys in one Deny; it fires only when all of them differ."));
                }
            }
        }
    }

    /** PCR3 is SHA384(0^48 || role ARN): it must be the hash of a role the statement names, path included. */
    private void lintPcr3(Statement s, String label, List<LintFinding> out) {
        List<String> roles = principals(s).stream().filter(p -> ROLE_ARN.matcher(p).matches()).toList();
        if (roles.isEmpty()) {
            return;
        }
        for (Map<String, Values> keys : s.condition().values()) {
            for (Map.Entry<String, Values> k : keys.entrySet()) {
                if (RecipientAttestation.pcrIndex(k.getKey()).orElse(-1) != 3) {
                    continue;
                }
                boolean any = roles.stream().map(r -> dev.attested.pcr.Pcr.ofParentRoleArn(r).hex())
                        .anyMatch(h -> k.getValue().list().stream().anyMatch(h::equalsIgnoreCase));
                if (!any) {
                    out.add(new LintFinding(LintRule.PCR3_NOT_PRINCIPAL, Severity.ERROR, label, k.getKey()
                            + " is not PCR3 of " + roles + ": the enclave of that role never matches (role path missing, or an "
                            + "instance-profile/assumed-role ARN hashed?)."));
                }
            }
        }
    }

    // ---- condition operators and values ------------------------------------------------------------------------

    private void lintConditions(Statement s, String label, List<LintFinding> out) {
        boolean allow = s.effect() == Statement.Effect.ALLOW;
        for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
            Operator o = Operator.parse(op.getKey());
            if (!o.known()) {
                out.add(new LintFinding(LintRule.UNSUPPORTED_CONSTRUCT, Severity.ERROR, label, "condition operator " + o.text()
                        + " is not an IAM operator the linter knows; it cannot tell what the condition allows."));
            }
            for (Map.Entry<String, Values> k : op.getValue().entrySet()) {
                String key = k.getKey();
                String lower = key.toLowerCase(Locale.ROOT);
                if (!RecipientAttestation.isKey(key)) {
                    if (lower.equals("kms:recipientattestation") && o.base.equals("Null")) {
                        out.add(new LintFinding(LintRule.NULL_ON_MISSING_KEY, Severity.ERROR, label,
                                "Null on " + key + ": the key never exists, so the condition is always true"
                                        + (allow ? "." : " and this Deny fires even inside the enclave.")));
                    } else if (lower.contains("nitrotpm")) {
                        out.add(new LintFinding(LintRule.NITROTPM_KEY, Severity.ERROR, label, key + " belongs to the NitroTPM key family."));
                    } else if (looksLikeAttestationKey(lower)) {
                        out.add(new LintFinding(LintRule.CONDITION_KEY_TYPO, Severity.ERROR, label,
                                key + " is not a Nitro Enclaves condition key."));
                    }
                    continue;
                }
                if (o.known()) {
                    lintAttestationCondition(o, key, k.getValue(), allow, label, out);
                }
            }
        }
    }

    private void lintAttestationCondition(Operator o, String key, Values values, boolean allow, String label, List<LintFinding> out) {
        if (allow && o.set.equals("ForAllValues")) {
            out.add(new LintFinding(LintRule.FOR_ALL_VALUES_IN_ALLOW, Severity.ERROR, label, o.text() + " on " + key
                    + " is true when the key is absent: a request without an attestation document matches."));
        } else if (o.set.equals("ForAnyValue")) {
            out.add(new LintFinding(LintRule.SET_OPERATOR, Severity.WARNING, label, o.text() + " on " + key + ": the key is single-valued"
                    + (allow || !o.negated() ? "." : "; in a Deny ForAnyValue is false when the key is absent, so requests without a document pass it.")));
        }
        if (allow && o.ifExists) {
            out.add(new LintFinding(LintRule.IF_EXISTS_IN_ALLOW, Severity.ERROR, label,
                    o.text() + " on " + key + " is true when the request carries no attestation document."));
        }
        if (allow && o.negated()) {
            out.add(new LintFinding(LintRule.NEGATED_IN_ALLOW, Severity.ERROR, label,
                    o.text() + " on " + key + " in an Allow is true without any attestation document."));
        }
        if (o.base.equals("Null")) {
            lintNull(o, key, values, allow, label, out);
            return;
        }
        if (!STRING_OPERATORS.contains(o.base)) {
            out.add(new LintFinding(LintRule.ATTESTATION_OPERATOR, Severity.ERROR, label, o.text() + " on " + key
                    + " does not compare the hex string exactly; it pins no measurement."));
            return;
        }
        boolean caseSensitive = !o.base.contains("IgnoreCase");
        if (o.base.equals("StringEquals") || o.base.equals("StringNotEquals")) {
            out.add(new LintFinding(LintRule.CASE_SENSITIVE_OPERATOR, Severity.WARNING, label,
                    o.text() + " on " + key + " compares hex case-sensitively."));
        }
        if (o.like()) {
            boolean wildcard = values.list().stream().anyMatch(v -> v.contains("*") || v.contains("?"));
            out.add(new LintFinding(LintRule.WILDCARD_OPERATOR, wildcard ? Severity.ERROR : Severity.WARNING, label,
                    o.text() + " on " + key + (wildcard ? " with a wildcard pattern admits other measurements." : " is a pattern match.")));
        }
        lintValues(key, values, caseSensitive, o.like(), allow, label, out);
    }

    private void lintNull(Operator o, String key, Values values, boolean allow, String label, List<LintFinding> out) {
        boolean onlyBooleans = values.list().stream().allMatch(v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"));
        if (!onlyBooleans) {
            out.add(new LintFinding(LintRule.UNSUPPORTED_CONSTRUCT, Severity.ERROR, label,
                    o.text() + " on " + key + " needs \"true\" or \"false\", found " + values.list() + "."));
            return;
        }
        boolean absentMatches = values.list().stream().anyMatch(v -> v.equalsIgnoreCase("true"));
        boolean presentMatches = values.list().stream().anyMatch(v -> v.equalsIgnoreCase("false"));
        if (allow && absentMatches) {
            out.add(new LintFinding(LintRule.NULL_ON_ATTESTATION_KEY, Severity.ERROR, label, o.text() + " " + values.list() + " on " + key
                    + " in an Allow holds for requests without an attestation document: they get plaintext."));
        } else if (!allow && presentMatches) {
            out.add(new LintFinding(LintRule.NULL_ON_ATTESTATION_KEY, Severity.ERROR, label, o.text() + " " + values.list() + " on " + key
                    + " in a Deny fires for every attested request, the enclave's included."));
        }
    }

    private void lintValues(String key, Values values, boolean caseSensitive, boolean like, boolean allow, String label, List<LintFinding> out) {
        int index = RecipientAttestation.pcrIndex(key).orElse(-1);
        for (String v : values.list()) {
            String shown = v.length() > 20 ? v.substring(0, 16) + "…(" + v.length() + " chars)" : v;
            if (v.startsWith("0x") || v.startsWith("0X")) {
                out.add(new LintFinding(LintRule.HEX_PREFIX, Severity.ERROR, label, key + " value " + shown + " has a 0x prefix."));
                continue;
            }
            if (like && (v.contains("*") || v.contains("?"))) {
                continue; // reported as a wildcard operator problem
            }
            if (!HEX96.matcher(v).matches()) {
                out.add(new LintFinding(LintRule.HEX_LENGTH, Severity.ERROR, label,
                        key + " value " + shown + " is not 96 hex digits (" + v.length() + " characters)."));
                continue;
            }
            if (!v.equals(v.toLowerCase(Locale.ROOT))) {
                out.add(new LintFinding(LintRule.UPPERCASE_HEX, caseSensitive ? Severity.ERROR : Severity.WARNING, label,
                        key + " value " + shown + " has upper-case hex" + (caseSensitive
                                ? " under a case-sensitive operator: it never matches what KMS reports." : ".")));
            }
            if (allZero(v) && allow) {
                String debug = allowDebugMode ? " (accepted by allowDebugMode: a development key, never production data)" : "";
                Severity severity = allowDebugMode ? Severity.WARNING : Severity.ERROR;
                if (index >= 0 && index <= 2) {
                    out.add(new LintFinding(LintRule.DEBUG_PCR, severity, label,
                            key + " is all zeros: any debug-mode enclave (memory readable by the parent) matches" + debug + "."));
                } else if (index == 8) {
                    out.add(new LintFinding(LintRule.DEBUG_PCR, severity, label,
                            key + " is all zeros: every unsigned image and any debug-mode enclave matches" + debug + "."));
                } else {
                    out.add(new LintFinding(LintRule.ZERO_PCR, Severity.WARNING, label, key + " is all zeros."));
                }
            }
        }
        if (allow && index == 4) {
            out.add(new LintFinding(LintRule.INSTANCE_PINNED, Severity.INFO, label, key + " binds the key to one EC2 instance."));
        }
        if (allow && ((index >= 5 && index <= 7) || (index >= 9 && index <= 15))) {
            out.add(new LintFinding(LintRule.ZERO_PCR, Severity.WARNING, label, key + " is always zero for a standard EIF."));
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static boolean allZero(String hex) {
        return hex.chars().allMatch(c -> c == '0');
    }

    private static boolean looksLikeAttestationKey(String lower) {
        String squashed = lower.replaceAll("[^a-z0-9]", "");
        return squashed.contains("recipient") || squashed.contains("attest") || squashed.contains("imagesha")
                || (lower.startsWith("kms:") && squashed.matches(".*pcr\\d*$"));
    }

    private static boolean hasAttestationKey(Statement s) {
        return s.condition().values().stream().flatMap(m -> m.keySet().stream()).anyMatch(RecipientAttestation::isKey);
    }

    /** {@code "*"}, an AWS principal containing a wildcard, or NotPrincipal: (nearly) every principal of every account. */
    private static boolean isAnyone(Statement s) {
        return s.notPrincipal() != null || s.principal() instanceof Principal.Anyone
                || principals(s.principal()).stream().anyMatch(p -> p.contains("*"));
    }

    private static String describe(Statement s) {
        return s.notPrincipal() != null ? "every principal except " + principals(s.notPrincipal()) : principals(s).toString();
    }

    /** The statement's principals other than account roots (reported by their own rule). */
    private static String describeOthers(Statement s, List<String> roots) {
        if (s.notPrincipal() != null || roots.isEmpty()) {
            return describe(s);
        }
        return principals(s).stream().filter(p -> !roots.contains(p)).toList().toString();
    }

    static List<String> principals(Statement s) {
        return s.notPrincipal() != null ? List.of("*") : principals(s.principal());
    }

    private static List<String> principals(Principal p) {
        if (p instanceof Principal.Anyone) {
            return List.of("*");
        }
        if (p instanceof Principal.Named n) {
            List<String> all = new ArrayList<>();
            n.byType().values().forEach(v -> all.addAll(v.list()));
            return all;
        }
        return List.of();
    }
}

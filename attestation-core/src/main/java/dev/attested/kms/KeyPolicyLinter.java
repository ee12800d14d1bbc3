package dev.attested.kms;

import dev.attested.kms.LintRule.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a key policy for the mistakes that make an attestation condition ineffective or never matching
 * (KMS.md §8 generator rules, §9 common mistakes). Works on generated and hand-written policies alike.
 */
public final class KeyPolicyLinter {
    private static final Pattern HEX96 = Pattern.compile("[0-9a-fA-F]{96}");
    private static final Pattern ACCOUNT_ROOT = Pattern.compile("arn:[a-z-]+:iam::\\d{12}:root|\\d{12}");
    /** Actions that hand out plaintext or a decrypt capability without being attestable. */
    private static final List<String> GRANT_OR_REENCRYPT = List.of("kms:CreateGrant", "kms:ReEncryptFrom");
    private static final List<String> NON_ATTESTED_SAMPLES = List.of("kms:Encrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
            "kms:GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyPairWithoutPlaintext", "kms:Sign", "kms:Verify",
            "kms:GenerateMac", "kms:CreateGrant", "kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion");

    /** Lints a policy; findings are in statement order. */
    public List<LintFinding> lint(KeyPolicy policy) {
        List<LintFinding> out = new ArrayList<>();
        if (!KeyPolicy.VERSION.equals(policy.version())) {
            out.add(new LintFinding(LintRule.VERSION, LintRule.VERSION.severity(), "policy",
                    "Version is " + policy.version() + ", expected 2012-10-17."));
        }
        // Plaintext of existing data: Decrypt and DeriveSharedSecret always, plus whatever the policy attests.
        java.util.Set<String> sensitive = new java.util.LinkedHashSet<>(List.of("kms:Decrypt", "kms:DeriveSharedSecret"));
        for (Statement s : policy.statements()) {
            if (s.effect() == Statement.Effect.ALLOW && hasAttestationKey(s)) {
                RecipientAttestation.ACTIONS.stream().filter(a -> IamPatterns.actionApplies(s, a)).forEach(sensitive::add);
            }
        }
        boolean anyAttested = false;
        for (int i = 0; i < policy.statements().size(); i++) {
            Statement s = policy.statements().get(i);
            String label = s.label(i);
            boolean attested = hasAttestationKey(s);
            if (s.effect() == Statement.Effect.ALLOW) {
                anyAttested |= attested && positiveAttestationCondition(s);
                lintAllowPaths(s, label, attested, sensitive, out);
            }
            if (attested) {
                lintAttestedStatement(s, label, out);
            }
            lintConditions(s, label, out);
        }
        if (!anyAttested) {
            out.add(new LintFinding(LintRule.NO_ATTESTED_STATEMENT, LintRule.NO_ATTESTED_STATEMENT.severity(), "policy",
                    "no Allow statement requires an attestation document: the key is not bound to any enclave."));
        }
        return out;
    }

    /** True when any finding is an error. */
    public static boolean hasErrors(List<LintFinding> findings) {
        return findings.stream().anyMatch(LintFinding::isError);
    }

    private void lintAllowPaths(Statement s, String label, boolean attested, java.util.Set<String> sensitive, List<LintFinding> out) {
        boolean root = principals(s).stream().anyMatch(p -> ACCOUNT_ROOT.matcher(p).matches());
        List<String> plaintext = new ArrayList<>();
        for (String a : sensitive) {
            if (IamPatterns.actionApplies(s, a)) {
                plaintext.add(a);
            }
        }
        List<String> grants = new ArrayList<>();
        for (String a : GRANT_OR_REENCRYPT) {
            if (IamPatterns.actionApplies(s, a)) {
                grants.add(a);
            }
        }
        if (root && (!plaintext.isEmpty() && !attested || !grants.isEmpty())) {
            List<String> all = new ArrayList<>(attested ? List.of() : plaintext);
            all.addAll(grants);
            // Decrypt, DeriveSharedSecret, grants and ReEncrypt reach existing data; the other attested actions only
            // mint new keys/randomness (the spec's recommended root statement does not exclude them): a warning.
            boolean critical = all.stream().anyMatch(a -> a.equals("kms:Decrypt") || a.equals("kms:DeriveSharedSecret")
                    || GRANT_OR_REENCRYPT.contains(a));
            out.add(new LintFinding(LintRule.ROOT_PLAINTEXT, critical ? Severity.ERROR : Severity.WARNING, label,
                    "the account root is allowed " + all + " without attestation: any IAM principal of the account whose identity "
                            + "policy allows it (the parent instance role included) gets plaintext outside the enclave."));
            return;
        }
        if (!plaintext.isEmpty() && !attested) {
            out.add(new LintFinding(LintRule.UNATTESTED_ALLOW, Severity.ERROR, label,
                    principals(s) + " may call " + plaintext + " without an attestation document; this short-circuits the attested statement."));
        }
        if (!grants.isEmpty()) {
            out.add(new LintFinding(LintRule.GRANT_OR_REENCRYPT, Severity.ERROR, label,
                    principals(s) + " may call " + grants + ", a path to plaintext that no attestation condition guards."));
        }
    }

    private void lintAttestedStatement(Statement s, String label, List<LintFinding> out) {
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
            if (s.principal() instanceof Principal.Anyone || principals(s).contains("*")) {
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
                if (!isNegated(op.getKey())) {
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
        List<String> roles = principals(s).stream().filter(p -> p.matches("arn:[a-z-]+:iam::\\d{12}:role/.+")).toList();
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

    private void lintConditions(Statement s, String label, List<LintFinding> out) {
        boolean allow = s.effect() == Statement.Effect.ALLOW;
        for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
            String operator = op.getKey();
            String base = baseOperator(operator);
            for (Map.Entry<String, Values> k : op.getValue().entrySet()) {
                String key = k.getKey();
                String lower = key.toLowerCase(Locale.ROOT);
                if (!RecipientAttestation.isKey(key)) {
                    if (lower.equals("kms:recipientattestation") && base.equals("Null")) {
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
                if (allow && operator.endsWith("IfExists")) {
                    out.add(new LintFinding(LintRule.IF_EXISTS_IN_ALLOW, Severity.ERROR, label,
                            operator + " on " + key + " is true when the request carries no attestation document."));
                }
                if (allow && isNegated(operator)) {
                    out.add(new LintFinding(LintRule.NEGATED_IN_ALLOW, Severity.ERROR, label,
                            operator + " on " + key + " in an Allow is true without any attestation document."));
                }
                boolean caseSensitive = base.equals("StringEquals") || base.equals("StringNotEquals")
                        || base.equals("StringLike") || base.equals("StringNotLike");
                if (base.equals("StringEquals") || base.equals("StringNotEquals")) {
                    out.add(new LintFinding(LintRule.CASE_SENSITIVE_OPERATOR, Severity.WARNING, label,
                            operator + " on " + key + " compares hex case-sensitively."));
                }
                if (base.equals("StringLike") || base.equals("StringNotLike")) {
                    boolean wildcard = k.getValue().list().stream().anyMatch(v -> v.contains("*") || v.contains("?"));
                    out.add(new LintFinding(LintRule.WILDCARD_OPERATOR, wildcard ? Severity.ERROR : Severity.WARNING, label,
                            operator + " on " + key + (wildcard ? " with a wildcard pattern admits other measurements." : " is a pattern match.")));
                }
                lintValues(key, k.getValue(), caseSensitive, allow, label, out);
            }
        }
    }

    private void lintValues(String key, Values values, boolean caseSensitive, boolean allow, String label, List<LintFinding> out) {
        int index = RecipientAttestation.pcrIndex(key).orElse(-1);
        for (String v : values.list()) {
            String shown = v.length() > 20 ? v.substring(0, 16) + "…(" + v.length() + " chars)" : v;
            if (v.startsWith("0x") || v.startsWith("0X")) {
                out.add(new LintFinding(LintRule.HEX_PREFIX, Severity.ERROR, label, key + " value " + shown + " has a 0x prefix."));
                continue;
            }
            if (v.contains("*") || v.contains("?")) {
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
            if (v.chars().allMatch(c -> c == '0') && allow) {
                if (index >= 0 && index <= 2) {
                    out.add(new LintFinding(LintRule.DEBUG_PCR, Severity.ERROR, label,
                            key + " is all zeros: any debug-mode enclave (memory readable by the parent) matches."));
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

    private static boolean looksLikeAttestationKey(String lower) {
        String squashed = lower.replaceAll("[^a-z0-9]", "");
        return squashed.contains("recipient") || squashed.contains("attest") || squashed.contains("imagesha")
                || (lower.startsWith("kms:") && squashed.matches(".*pcr\\d*$"));
    }

    private static boolean hasAttestationKey(Statement s) {
        return s.condition().values().stream().flatMap(m -> m.keySet().stream()).anyMatch(RecipientAttestation::isKey);
    }

    private static boolean positiveAttestationCondition(Statement s) {
        for (Map.Entry<String, Map<String, Values>> op : s.condition().entrySet()) {
            if (!isNegated(op.getKey()) && !op.getKey().endsWith("IfExists") && !baseOperator(op.getKey()).equals("Null")
                    && op.getValue().keySet().stream().anyMatch(RecipientAttestation::isKey)) {
                return true;
            }
        }
        return false;
    }

    static boolean isNegated(String operator) {
        String b = baseOperator(operator);
        return b.startsWith("StringNot") || b.startsWith("ArnNot") || b.startsWith("NumericNot");
    }

    static String baseOperator(String operator) {
        String op = operator;
        int colon = op.indexOf(':');
        if (colon >= 0) {
            op = op.substring(colon + 1);
        }
        return op.endsWith("IfExists") ? op.substring(0, op.length() - "IfExists".length()) : op;
    }

    static List<String> principals(Statement s) {
        if (s.principal() instanceof Principal.Anyone) {
            return List.of("*");
        }
        if (s.principal() instanceof Principal.Named n) {
            List<String> all = new ArrayList<>();
            n.byType().values().forEach(v -> all.addAll(v.list()));
            return all;
        }
        return List.of();
    }

}

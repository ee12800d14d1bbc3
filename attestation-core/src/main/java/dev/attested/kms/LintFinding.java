package dev.attested.kms;

/**
 * One linter finding.
 *
 * @param rule      the rule (stable id and fix)
 * @param severity  usually the rule's severity; some rules are worse in some contexts (upper-case hex under a
 *                  case-sensitive operator never matches)
 * @param statement the offending statement's Sid, or {@code #n} (1-based index), or {@code policy}
 * @param message   what is wrong, concretely
 */
public record LintFinding(LintRule rule, LintRule.Severity severity, String statement, String message) {
    /** The rule's fix. */
    public String fix() {
        return rule.fix();
    }

    public boolean isError() {
        return severity == LintRule.Severity.ERROR;
    }

    /** {@code KMS-ROOT-PLAINTEXT [AccountRoot]: message Fix: ...}: the finding without its severity, for logs that show it. */
    public String text() {
        return rule.id() + " [" + statement + "]: " + message + " Fix: " + rule.fix();
    }

    /** {@code ERROR KMS-ROOT-PLAINTEXT [AccountRoot]: message Fix: ...}. */
    @Override
    public String toString() {
        return severity + " " + text();
    }
}

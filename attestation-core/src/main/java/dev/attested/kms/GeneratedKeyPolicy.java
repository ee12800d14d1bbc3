package dev.attested.kms;

import dev.attested.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A generated policy with the reason for each statement and what a reviewer must see. Only the generator creates
 * one, and only for a policy the linter passes: a {@code GeneratedKeyPolicy} never has lint errors, so
 * {@link #write} never writes a policy that would let plaintext out without attestation.
 */
public final class GeneratedKeyPolicy {
    private final KeyPolicy policy;
    private final List<String> reasons;
    private final List<String> helpers;
    private final List<String> warnings;
    private final List<LintFinding> findings;
    private final KeyPolicyLinter linter;

    /**
     * @throws KeyPolicyException {@code LINT_FAILED} (carrying the findings) when the policy has lint errors
     */
    GeneratedKeyPolicy(KeyPolicy policy, List<String> reasons, List<String> helpers, List<String> warnings, KeyPolicyLinter linter) {
        this.findings = linter.check(policy);
        this.linter = linter;
        this.policy = policy;
        this.reasons = List.copyOf(reasons);
        this.helpers = List.copyOf(helpers);
        this.warnings = List.copyOf(warnings);
    }

    /** The policy. */
    public KeyPolicy policy() {
        return policy;
    }

    /** One line per statement, in statement order ({@code Sid: why}). */
    public List<String> reasons() {
        return reasons;
    }

    /** PCR3/PCR4/PCR8 values of the deployment, for reference. */
    public List<String> helpers() {
        return helpers;
    }

    /** Debug-mode PCRs, residual risks. */
    public List<String> warnings() {
        return warnings;
    }

    /** The linter's findings: warnings and notes only (a policy with errors is never generated). */
    public List<LintFinding> findings() {
        return findings;
    }

    /**
     * Writes the policy to {@code policyFile} and the summary beside it as {@code kms-policy.txt}, each atomically.
     * The policy is linted again first with the generator's linter: nothing is written for a policy with lint errors.
     *
     * @throws KeyPolicyException {@code LINT_FAILED} (nothing written) or {@code POLICY_IO}
     */
    public void write(Path policyFile) {
        linter.check(policy);
        policy.write(policyFile);
        Path txt = policyFile.toAbsolutePath().resolveSibling("kms-policy.txt");
        try {
            AtomicFiles.write(txt, summary().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "cannot write " + txt + ": " + e, e);
        }
    }

    /** A readable summary (LF line endings): statements with their reasons, measurements, lint findings, warnings. */
    public String summary() {
        StringBuilder sb = new StringBuilder("Key policy: ").append(policy.statements().size()).append(" statements\n");
        reasons.forEach(r -> sb.append("  ").append(r).append('\n'));
        sb.append("Measurements:\n");
        helpers.forEach(h -> sb.append("  ").append(h).append('\n'));
        if (!findings.isEmpty()) {
            sb.append("Lint (no errors):\n");
            findings.forEach(f -> sb.append("  ").append(f).append('\n'));
        }
        if (!warnings.isEmpty()) {
            sb.append("Warnings:\n");
            warnings.forEach(w -> sb.append("  ").append(w).append('\n'));
        }
        return sb.toString();
    }
}

package dev.attested.kms;

import java.util.List;

/**
 * A generated policy with the reason for each statement and the warnings a reviewer must see.
 *
 * @param policy   the policy
 * @param reasons  one line per statement, in statement order ({@code Sid: why})
 * @param helpers  PCR3/PCR4/PCR8 values of the deployment, for reference
 * @param warnings debug-mode PCRs, residual risks
 */
public record GeneratedKeyPolicy(KeyPolicy policy, List<String> reasons, List<String> helpers, List<String> warnings) {
    public GeneratedKeyPolicy {
        reasons = List.copyOf(reasons);
        helpers = List.copyOf(helpers);
        warnings = List.copyOf(warnings);
    }

    /** Writes the policy to {@code policyFile} and the summary beside it as {@code kms-policy.txt}, each atomically. */
    public void write(java.nio.file.Path policyFile) {
        policy.write(policyFile);
        java.nio.file.Path txt = policyFile.toAbsolutePath().resolveSibling("kms-policy.txt");
        try {
            dev.attested.io.AtomicFiles.write(txt, summary().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "cannot write " + txt + ": " + e, e);
        }
    }

    /** A readable summary (LF line endings): statements with their reasons, then warnings. */
    public String summary() {
        StringBuilder sb = new StringBuilder("Key policy: ").append(policy.statements().size()).append(" statements\n");
        reasons.forEach(r -> sb.append("  ").append(r).append('\n'));
        sb.append("Measurements:\n");
        helpers.forEach(h -> sb.append("  ").append(h).append('\n'));
        if (!warnings.isEmpty()) {
            sb.append("Warnings:\n");
            warnings.forEach(w -> sb.append("  ").append(w).append('\n'));
        }
        return sb.toString();
    }
}

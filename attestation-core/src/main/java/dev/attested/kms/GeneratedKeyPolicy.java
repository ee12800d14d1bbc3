package dev.attested.kms;

import java.util.List;

/**
 * A generated policy with the reason for each statement and the warnings a reviewer must see.
 *
 * @param policy   the policy
 * @param reasons  one line per statement, in statement order ({@code Sid: why})
 * @param warnings debug-mode PCRs, residual risks
 */
public record GeneratedKeyPolicy(KeyPolicy policy, List<String> reasons, List<String> warnings) {
    public GeneratedKeyPolicy {
        reasons = List.copyOf(reasons);
        warnings = List.copyOf(warnings);
    }

    /** A readable summary (LF line endings): statements with their reasons, then warnings. */
    public String summary() {
        StringBuilder sb = new StringBuilder("Key policy: ").append(policy.statements().size()).append(" statements\n");
        reasons.forEach(r -> sb.append("  ").append(r).append('\n'));
        if (!warnings.isEmpty()) {
            sb.append("Warnings:\n");
            warnings.forEach(w -> sb.append("  ").append(w).append('\n'));
        }
        return sb.toString();
    }
}

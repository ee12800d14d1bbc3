package dev.attested.kms;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff between two policies, both written canonically ({@link KeyPolicy#toJson()}) so that formatting
 * differences of the stored policy do not show. Lines are prefixed {@code "  "}, {@code "- "} or {@code "+ "}.
 */
public final class PolicyDiff {
    private static final int MAX_LINES = 4000;

    private PolicyDiff() {}

    /** The diff from {@code current} (may be null: no policy yet) to {@code proposed}; empty when they are equal. */
    public static List<String> between(KeyPolicy current, KeyPolicy proposed) {
        String[] a = current == null ? new String[0] : current.toJson().split("\n");
        String[] b = proposed.toJson().split("\n");
        if (a.length > MAX_LINES || b.length > MAX_LINES) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_MALFORMED, "policy longer than " + MAX_LINES
                    + " lines; KMS key policies are at most 32 KB.");
        }
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        boolean changed = false;
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                out.add("  " + a[i++]);
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + b[j++]);
                changed = true;
            } else {
                out.add("- " + a[i++]);
                changed = true;
            }
        }
        return changed ? out : List.of();
    }
}

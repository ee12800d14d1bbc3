package dev.attested.kms;

import java.util.List;
import java.util.Locale;

/** IAM wildcard matching ({@code *} any run, {@code ?} one character) as used by Action and StringLike. */
final class IamPatterns {
    private IamPatterns() {}

    static boolean matches(String pattern, String value, boolean ignoreCase) {
        String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        return glob(p, 0, v, 0);
    }

    private static boolean glob(String p, int pi, String v, int vi) {
        // Iterative glob with backtracking on the last '*'.
        int star = -1;
        int mark = 0;
        while (vi < v.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == v.charAt(vi))) {
                pi++;
                vi++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = vi;
            } else if (star >= 0) {
                pi = star + 1;
                vi = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    /**
     * {@code ArnLike}/{@code ArnEquals}: the six colon-separated parts of the ARN (the last one may hold colons) are
     * matched one by one, case-sensitively, each with {@code *} and {@code ?}; a value that is not an ARN matches nothing.
     */
    static boolean arnMatches(String pattern, String arn) {
        String[] p = pattern.split(":", 6);
        String[] a = arn.split(":", 6);
        if (p.length != 6 || a.length != 6) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            if (!matches(p[i], a[i], false)) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code pattern} has the six parts of an ARN ({@code arn:partition:service:region:account:resource}). */
    static boolean isArnPattern(String pattern) {
        return pattern.startsWith("arn:") && pattern.split(":", 6).length == 6;
    }

    /**
     * The {@code Resource} element: as {@link #arnMatches}, except that a pattern with fewer than six parts whose last
     * part ends in {@code *} lets that {@code *} run across the remaining colons (IAM's documented rule).
     */
    static boolean resourceMatches(String pattern, String arn) {
        String[] p = pattern.split(":", 6);
        String[] a = arn.split(":", 6);
        if (a.length != 6) {
            return false;
        }
        if (p.length == 6) {
            return arnMatches(pattern, arn);
        }
        if (!p[p.length - 1].endsWith("*")) {
            return false;
        }
        for (int i = 0; i < p.length - 1; i++) {
            if (!matches(p[i], a[i], false)) {
                return false;
            }
        }
        String rest = String.join(":", java.util.Arrays.copyOfRange(a, p.length - 1, 6));
        return matches(p[p.length - 1], rest, false);
    }

    /** Whether a statement's Action/NotAction applies to {@code action} (action names are case-insensitive). */
    static boolean actionApplies(Statement s, String action) {
        if (s.action() != null) {
            return anyMatches(s.action().list(), action);
        }
        return !anyMatches(s.notAction().list(), action);
    }

    static boolean anyMatches(List<String> patterns, String action) {
        for (String p : patterns) {
            if (matches(p, action, true)) {
                return true;
            }
        }
        return false;
    }
}

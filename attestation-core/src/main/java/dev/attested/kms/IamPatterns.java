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

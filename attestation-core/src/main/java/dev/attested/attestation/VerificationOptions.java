package dev.attested.attestation;

import dev.attested.pcr.Pcr;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the option values a user types for a verification, for every front end (the Maven goal, the command
 * line): PCR lists, the verification time, durations and byte strings. Each method names the option in its error
 * ({@link IllegalArgumentException}) and says what to write instead; null or blank text means "not given" where
 * the method says so.
 */
public final class VerificationOptions {
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private VerificationOptions() {}

    /**
     * {@code 0:<96 hex>,1:<96 hex>,...}: PCR index (0..31, each once) to its 48-byte value.
     *
     * @return the PCRs in index order; empty for null or blank text
     */
    public static SortedMap<Integer, byte[]> pcrs(String text) {
        SortedMap<Integer, byte[]> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int colon = p.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("pcrs must look like 0:<96 hex digits>,1:<96 hex digits>, got \"" + p + "\"");
            }
            int index;
            try {
                index = Integer.parseInt(p.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pcrs: a PCR index must be a number 0..31, got \"" + p.substring(0, colon) + "\"");
            }
            if (index < 0 || index > 31 || out.containsKey(index)) {
                throw new IllegalArgumentException("pcrs: a PCR index must be 0..31 and given once, got " + index);
            }
            try {
                out.put(index, Pcr.ofHex(p.substring(colon + 1).strip().toLowerCase(Locale.ROOT)).toByteArray());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pcrs: PCR" + index + " must be 96 hex digits (SHA-384): " + e.getMessage());
            }
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * {@code now}, {@code document} or an ISO-8601 instant such as {@code 2025-04-15T02:25:23Z}.
     *
     * @return {@link VerificationTime.Now} for null or blank text
     */
    public static VerificationTime time(String text) {
        String when = text == null || text.isBlank() ? "now" : text.strip();
        if (when.equalsIgnoreCase("now")) {
            return VerificationTime.now();
        }
        if (when.equalsIgnoreCase("document")) {
            return VerificationTime.documentTime();
        }
        try {
            return VerificationTime.at(Instant.parse(when));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("at must be now, document or an ISO-8601 instant such as "
                    + "2025-04-15T02:25:23Z, got \"" + text + "\"");
        }
    }

    /**
     * A positive duration: ISO-8601 ({@code PT5M}) or a number with a unit ({@code 500ms}, {@code 30s}, {@code 5m},
     * {@code 2h}, {@code 1d}).
     *
     * @param name the option, for the error message
     * @return null for null or blank text
     */
    public static Duration duration(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.strip();
        Duration d;
        Matcher m = SHORT_DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(t);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(name + " must be a duration such as 5m, 30s, 2h or PT5M, got \"" + text + "\"");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than zero, got \"" + text + "\"");
        }
        return d;
    }

    /**
     * Hex (an even number of hex digits) or base64; a {@code hex:} or {@code base64:} prefix forces the form (a
     * value such as {@code cafe} is both).
     *
     * @param name the option, for the error message
     * @return null for null or blank text
     */
    public static byte[] bytes(String name, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String v = text.strip();
        try {
            if (v.startsWith("hex:")) {
                return HexFormat.of().parseHex(v.substring(4));
            }
            if (v.startsWith("base64:")) {
                return Base64.getDecoder().decode(v.substring(7));
            }
            if (v.length() % 2 == 0 && v.matches("[0-9a-fA-F]+")) {
                return HexFormat.of().parseHex(v);
            }
            return Base64.getDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " must be hex or base64 (prefix hex: or base64: to choose), got \"" + v + "\"");
        }
    }
}

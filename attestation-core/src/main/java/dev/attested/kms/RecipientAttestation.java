package dev.attested.kms;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code kms:RecipientAttestation:*} condition keys and the operations that accept a {@code Recipient}
 * (docs/spec/kms-attestation.md §3–§4).
 */
public final class RecipientAttestation {
    /** Condition key prefix. */
    public static final String PREFIX = "kms:RecipientAttestation:";
    /** {@code kms:RecipientAttestation:ImageSha384} (= PCR0). */
    public static final String IMAGE_SHA384 = PREFIX + "ImageSha384";
    /** The five operations that accept {@code Recipient}; only they can be attested. */
    public static final List<String> ACTIONS = List.of("kms:Decrypt", "kms:DeriveSharedSecret", "kms:GenerateDataKey",
            "kms:GenerateDataKeyPair", "kms:GenerateRandom");

    private static final Pattern KEY = Pattern.compile("kms:recipientattestation:(?:(imagesha384)|pcr(0|[1-9]|[12][0-9]|3[01]))");

    private RecipientAttestation() {}

    /** {@code kms:RecipientAttestation:PCR<n>}. */
    public static String pcrKey(int index) {
        return PREFIX + "PCR" + index;
    }

    /** True for a valid attestation key (IAM condition key names are case-insensitive). */
    public static boolean isKey(String key) {
        return KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
    }

    /** The PCR index a valid key refers to ({@code ImageSha384} → 0). */
    public static OptionalInt pcrIndex(String key) {
        Matcher m = KEY.matcher(key.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(m.group(1) != null ? 0 : Integer.parseInt(m.group(2)));
    }

    /** The canonical spelling of an action that accepts Recipient, or null. */
    public static String canonicalAction(String action) {
        for (String a : ACTIONS) {
            if (a.equalsIgnoreCase(action)) {
                return a;
            }
        }
        return null;
    }

    /** True if the operation accepts a Recipient (so attestation keys can be in its request context). */
    public static boolean acceptsRecipient(String action) {
        return canonicalAction(action) != null;
    }
}

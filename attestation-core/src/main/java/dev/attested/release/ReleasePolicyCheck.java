package dev.attested.release;

import dev.attested.kms.KeyPolicy;
import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.RecipientAttestation;
import dev.attested.kms.Statement;
import dev.attested.kms.Values;
import dev.attested.pcr.PcrManifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Checks that a KMS key policy shipped in a release bundle belongs to the release: every image measurement it pins
 * ({@code kms:RecipientAttestation:ImageSha384}, {@code PCR0}, {@code PCR1}, {@code PCR2}, {@code PCR8}) is a value of
 * this release (or of another release accepted for the same environment), some {@code Allow} statement admits
 * this release, and no {@code Deny} statement refuses it. A policy left over from an earlier build would otherwise
 * lock the released enclave out, or keep admitting an image that is no longer released.
 *
 * <p>PCR3 (parent role) and PCR4 (parent instance) are not measurements of the image and are not compared.
 */
public final class ReleasePolicyCheck {
    /** The PCRs an EIF build determines (PCR8 only for signed EIFs). */
    static final Set<Integer> IMAGE_PCRS = Set.of(0, 1, 2, 8);

    private ReleasePolicyCheck() {}

    /**
     * @param policy       policy JSON
     * @param source       names the policy in messages
     * @param manifest     the release's PCR manifest
     * @param alsoAccepted PCR sets of other releases the policy may admit (those accepted for the release's
     *                     environment), index → hex; empty when the policy must pin exactly this release
     * @throws ReleaseException {@code RELEASE_POLICY_MALFORMED} or {@code RELEASE_POLICY_MISMATCH}
     */
    public static void check(byte[] policy, String source, PcrManifest manifest,
            List<? extends Map<Integer, String>> alsoAccepted) {
        KeyPolicy parsed;
        try {
            parsed = KeyPolicy.parse(policy, source);
        } catch (KeyPolicyException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_MALFORMED,
                    source + " is not a key policy: " + e.getMessage(), e);
        }
        Map<Integer, String> current = lower(manifest.pcrs());
        Map<Integer, Set<String>> allowed = new TreeMap<>();
        current.forEach((i, v) -> allowed.computeIfAbsent(i, k -> new HashSet<>()).add(v));
        for (Map<Integer, String> other : alsoAccepted) {
            lower(other).forEach((i, v) -> allowed.computeIfAbsent(i, k -> new HashSet<>()).add(v));
        }

        List<String> problems = new ArrayList<>();
        boolean anyPin = false;
        boolean admitted = false;
        List<Statement> statements = parsed.statements();
        for (int s = 0; s < statements.size(); s++) {
            Statement st = statements.get(s);
            String label = st.label(s);
            boolean pins = false;
            boolean admitsCurrent = true;
            for (Map.Entry<String, Map<String, Values>> op : st.condition().entrySet()) {
                boolean negative = isNegative(op.getKey());
                for (Map.Entry<String, Values> key : op.getValue().entrySet()) {
                    OptionalInt index = RecipientAttestation.pcrIndex(key.getKey());
                    if (index.isEmpty() || !IMAGE_PCRS.contains(index.getAsInt())) {
                        continue;
                    }
                    int i = index.getAsInt();
                    pins = true;
                    Set<String> values = new HashSet<>();
                    for (String v : key.getValue().list()) {
                        String value = v.toLowerCase(Locale.ROOT);
                        values.add(value);
                        if (!allowed.getOrDefault(i, Set.of()).contains(value)) {
                            problems.add(label + " pins " + key.getKey() + " = " + v + ", which is not "
                                    + (current.containsKey(i) ? "this release's " + name(i) + " " + current.get(i)
                                            : "in this release (it has no " + name(i) + ")")
                                    + (alsoAccepted.isEmpty() ? "" : " nor that of another accepted release"));
                        }
                    }
                    boolean hasCurrent = current.containsKey(i) && values.contains(current.get(i));
                    if (st.effect() == Statement.Effect.DENY && hasCurrent != negative) {
                        problems.add(label + " (Deny, " + op.getKey() + " " + key.getKey() + ") denies this release");
                    }
                    if (hasCurrent == negative) {
                        admitsCurrent = false;
                    }
                }
            }
            anyPin |= pins;
            if (pins && admitsCurrent && st.effect() == Statement.Effect.ALLOW) {
                admitted = true;
            }
        }
        if (!anyPin) {
            problems.add("it pins no image measurement (ImageSha384, PCR0, PCR1, PCR2 or PCR8), so it does not "
                    + "tie the key to this image");
        } else if (!admitted) {
            problems.add("no Allow statement admits this release's measurements, so the released enclave would be "
                    + "locked out");
        }
        if (!problems.isEmpty()) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_MISMATCH, source + " does not belong to "
                    + "this release (PCR0 " + current.get(0) + "): " + String.join("; ", problems) + ".");
        }
    }

    /** {@code StringNotEquals}, {@code StringNotEqualsIgnoreCase}, {@code StringNotLike}, with set/IfExists forms. */
    private static boolean isNegative(String operator) {
        String op = operator.toLowerCase(Locale.ROOT);
        int colon = op.indexOf(':');
        if (colon >= 0) {
            op = op.substring(colon + 1);
        }
        return op.startsWith("stringnot");
    }

    private static String name(int index) {
        return index == 0 ? "PCR0 (ImageSha384)" : "PCR" + index;
    }

    private static Map<Integer, String> lower(Map<Integer, String> pcrs) {
        SortedMap<Integer, String> out = new TreeMap<>();
        pcrs.forEach((i, v) -> {
            if (IMAGE_PCRS.contains(i)) {
                out.put(i, v.toLowerCase(Locale.ROOT));
            }
        });
        return out;
    }
}

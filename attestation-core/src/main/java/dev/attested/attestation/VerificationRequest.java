package dev.attested.attestation;

import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The options of {@code mvn attestation:verify} as text, turned into an {@link AttestationVerifier} and
 * {@link Expectations}. Invalid options throw {@link IllegalArgumentException} with what to write instead.
 */
public final class VerificationRequest {
    private final AttestationVerifier verifier;
    private final Expectations expectations;
    private final SortedMap<Integer, Pcr> expectedPcrs;
    private final String timeDescription;
    private final List<X509Certificate> roots;

    private VerificationRequest(AttestationVerifier verifier, Expectations expectations, SortedMap<Integer, Pcr> pcrs,
            String timeDescription, List<X509Certificate> roots) {
        this.verifier = verifier;
        this.expectations = expectations;
        this.expectedPcrs = pcrs;
        this.timeDescription = timeDescription;
        this.roots = roots;
    }

    /**
     * @param manifest       PCR manifest whose PCRs are expected, or null
     * @param pcrs           {@code 0:hex,1:hex,...} (overrides the manifest's PCRs), or null/blank
     * @param nonce          expected nonce, hex or base64 ({@code hex:}/{@code base64:} prefixes force one), or null
     * @param userData       expected user_data, same forms, or null
     * @param publicKey      expected public_key, same forms, or null
     * @param root           PEM file with the trusted root(s), or null for AWS Root-G1
     * @param at             {@code now}, {@code document} or an ISO-8601 instant
     * @param maxAge         ISO-8601 duration, e.g. {@code PT5M} (used with {@code now})
     * @param allowDebugMode accept debug-mode documents
     * @param clock          the clock behind {@code now}
     */
    public static VerificationRequest of(Path manifest, String pcrs, String nonce, String userData, String publicKey,
            Path root, String at, String maxAge, boolean allowDebugMode, Clock clock) {
        return of(manifest, null, null, pcrs, nonce, userData, publicKey, root, at, maxAge, allowDebugMode, clock);
    }

    /**
     * As {@link #of(Path, String, String, String, String, Path, String, String, boolean, Clock)}, and with
     * {@code environment} set the expected PCRs are those of every release the PCR history accepts for that
     * environment (a document matching any one of them passes). Precedence: {@code pcrs}, then the environment,
     * then the manifest.
     *
     * @param history     {@code pcr-history.json}; required with {@code environment}
     * @param environment environment name (e.g. {@code prod}), or null/blank
     */
    public static VerificationRequest of(Path manifest, Path history, String environment, String pcrs, String nonce,
            String userData, String publicKey, Path root, String at, String maxAge, boolean allowDebugMode,
            Clock clock) {
        AttestationVerifier.Builder vb = AttestationVerifier.builder();
        List<X509Certificate> roots = root == null ? List.of(NitroRoots.awsG1()) : NitroRoots.read(root);
        vb.trustAnchors(roots);
        String when = at == null || at.isBlank() ? "now" : at.strip();
        String timeDescription;
        if (when.equalsIgnoreCase("now")) {
            Duration age = duration(maxAge);
            vb.clock(clock).maxAge(age);
            timeDescription = "now (" + clock.instant() + "), maximum age " + age;
        } else if (when.equalsIgnoreCase("document")) {
            vb.atDocumentTime();
            timeDescription = "each document's own timestamp (no replay protection)";
        } else {
            try {
                Instant instant = Instant.parse(when);
                vb.at(instant);
                timeDescription = instant.toString();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("at must be now, document or an ISO-8601 instant such as "
                        + "2025-04-15T02:25:23Z, got " + at);
            }
        }
        Expectations.Builder eb = Expectations.builder();
        SortedMap<Integer, Pcr> expected = new TreeMap<>();
        boolean fromHistory = false;
        if (pcrs != null && !pcrs.isBlank()) {
            expected.putAll(parsePcrs(pcrs));
        } else if (environment != null && !environment.isBlank()) {
            if (history == null) {
                throw new IllegalArgumentException("environment " + environment + " needs the PCR history file "
                        + "(-Dattestation.history=pcr-history.json, written by attestation:release)");
            }
            List<SortedMap<Integer, Pcr>> sets = PcrHistory.read(history).acceptedPcrSets(environment.strip());
            if (sets.isEmpty()) {
                throw new IllegalArgumentException("no release is accepted for environment " + environment.strip()
                        + " in " + history + "; run attestation:release -Denvironment=" + environment.strip()
                        + " for the release you deploy");
            }
            for (SortedMap<Integer, Pcr> set : sets) {
                eb.pcrs(set);
            }
            // The summary compares against the most recently accepted release.
            expected.putAll(sets.get(sets.size() - 1));
            fromHistory = true;
        } else if (manifest != null) {
            expected.putAll(PcrManifest.read(manifest).pcrValues());
        }
        if (!expected.isEmpty() && !fromHistory) {
            eb.pcrs(expected);
        }
        if (nonce != null && !nonce.isBlank()) {
            eb.nonce(bytes("nonce", nonce));
        }
        if (userData != null && !userData.isBlank()) {
            eb.userData(bytes("userData", userData));
        }
        if (publicKey != null && !publicKey.isBlank()) {
            eb.publicKey(bytes("publicKey", publicKey));
        }
        if (allowDebugMode) {
            eb.allowDebugMode();
        }
        return new VerificationRequest(vb.build(), eb.build(), expected, timeDescription, roots);
    }

    /** Parses {@code 0:hex,1:hex,...} (96 hex digits each). */
    public static SortedMap<Integer, Pcr> parsePcrs(String spec) {
        SortedMap<Integer, Pcr> out = new TreeMap<>();
        for (String part : spec.split(",")) {
            String p = part.strip();
            int colon = p.indexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("pcrs must look like 0:<96 hex>,1:<96 hex>, got " + p);
            }
            int index;
            try {
                index = Integer.parseInt(p.substring(0, colon).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("PCR index must be a number 0..31, got " + p.substring(0, colon));
            }
            if (index < 0 || index > 31 || out.containsKey(index)) {
                throw new IllegalArgumentException("PCR index must be 0..31 and given once, got " + index);
            }
            out.put(index, Pcr.ofHex(p.substring(colon + 1).strip().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    /** Hex (even number of hex digits) or base64; {@code hex:} or {@code base64:} prefixes force the form. */
    public static byte[] bytes(String name, String value) {
        String v = value.strip();
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
            throw new IllegalArgumentException(name + " must be hex or base64 (prefix hex: or base64: to choose), got " + v);
        }
    }

    private static Duration duration(String maxAge) {
        if (maxAge == null || maxAge.isBlank()) {
            return AttestationVerifier.DEFAULT_MAX_AGE;
        }
        try {
            return Duration.parse(maxAge.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("maxAge must be an ISO-8601 duration such as PT5M, got " + maxAge);
        }
    }

    public AttestationVerifier verifier() {
        return verifier;
    }

    public Expectations expectations() {
        return expectations;
    }

    /** The PCRs expected (from -Dpcrs or the manifest); empty when none. */
    public SortedMap<Integer, Pcr> expectedPcrs() {
        return expectedPcrs;
    }

    /** How the verification instant is chosen, for the summary. */
    public String timeDescription() {
        return timeDescription;
    }

    public List<X509Certificate> roots() {
        return roots;
    }
}

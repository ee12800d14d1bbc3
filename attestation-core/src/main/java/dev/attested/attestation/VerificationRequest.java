package dev.attested.attestation;

import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import dev.attested.pcr.PcrManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The options of {@code mvn attestation:verify} as text, turned into an {@link AttestationVerifier} and
 * {@link Expectations}. Invalid options throw {@link IllegalArgumentException} with what to write instead; a
 * named manifest or history that does not exist throws {@code MANIFEST_NOT_FOUND} / {@code HISTORY_NOT_FOUND}.
 *
 * <p>The accepted image comes from, in this order: {@code pcrs}, the releases the PCR history accepts for
 * {@code environment}, the named {@code manifest}, the default manifest when it exists. When none of them names
 * an image, the request is refused with {@code MANIFEST_NOT_FOUND} unless {@code anyImage} waives the image check
 * explicitly; {@code anyImage} together with a named image is a contradiction and refused too.
 */
public final class VerificationRequest {
    /** Label of the PCR set given with {@code pcrs}. */
    public static final String PCRS_OPTION = "pcrs option";

    private final AttestationVerifier verifier;
    private final Expectations expectations;
    private final String imageDescription;
    private final Path ignoredDefaultManifest;
    private final String timeDescription;
    private final List<X509Certificate> roots;

    private VerificationRequest(AttestationVerifier verifier, Expectations expectations,
            String imageDescription, Path ignoredDefaultManifest, String timeDescription, List<X509Certificate> roots) {
        this.verifier = verifier;
        this.expectations = expectations;
        this.imageDescription = imageDescription;
        this.ignoredDefaultManifest = ignoredDefaultManifest;
        this.timeDescription = timeDescription;
        this.roots = roots;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the goal's options; {@link #build()} checks and combines them. */
    public static final class Builder {
        private Path manifest;
        private Path defaultManifest;
        private Path history;
        private String environment;
        private String pcrs;
        private boolean anyImage;
        private String nonce;
        private String userData;
        private String publicKey;
        private Path root;
        private String at;
        private String maxAge;
        private boolean allowDebugMode;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** A PCR manifest named by the user: it must exist ({@code MANIFEST_NOT_FOUND} otherwise). Null: none named. */
        public Builder manifest(Path manifest) {
            this.manifest = manifest;
            return this;
        }

        /** The project's default manifest: expected when it exists and nothing else names the image. */
        public Builder defaultManifest(Path defaultManifest) {
            this.defaultManifest = defaultManifest;
            return this;
        }

        /** {@code pcr-history.json}; required with {@link #environment(String)} ({@code HISTORY_NOT_FOUND} when missing). */
        public Builder history(Path history) {
            this.history = history;
            return this;
        }

        /** Accept every release the history accepts for this environment (e.g. {@code prod}); null/blank: none. */
        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        /** {@code 0:hex,1:hex,...}: the one accepted PCR set, overriding environment and manifest; null/blank: none. */
        public Builder pcrs(String pcrs) {
            this.pcrs = pcrs;
            return this;
        }

        /**
         * Accept documents of any enclave image: the PCRs are not checked (unsafe for key release; see
         * {@link Expectations.Builder#anyImage()}). Refused together with pcrs, environment or a named manifest.
         */
        public Builder anyImage(boolean anyImage) {
            this.anyImage = anyImage;
            return this;
        }

        /** Expected nonce, hex or base64 ({@code hex:}/{@code base64:} prefixes force one); null/blank: none. */
        public Builder nonce(String nonce) {
            this.nonce = nonce;
            return this;
        }

        /** Expected user_data, same forms. */
        public Builder userData(String userData) {
            this.userData = userData;
            return this;
        }

        /** Expected public_key, same forms. */
        public Builder publicKey(String publicKey) {
            this.publicKey = publicKey;
            return this;
        }

        /** PEM file with the trusted root(s); null: AWS Nitro Enclaves Root-G1. */
        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /** {@code now} (default), {@code document} or an ISO-8601 instant. */
        public Builder at(String at) {
            this.at = at;
            return this;
        }

        /** ISO-8601 duration such as {@code PT5M}, used with {@code now}. */
        public Builder maxAge(String maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        public Builder allowDebugMode(boolean allowDebugMode) {
            this.allowDebugMode = allowDebugMode;
            return this;
        }

        /** The clock behind {@code now}. */
        public Builder clock(Clock clock) {
            this.clock = java.util.Objects.requireNonNull(clock);
            return this;
        }

        public VerificationRequest build() {
            AttestationVerifier.Builder vb = AttestationVerifier.builder();
            List<X509Certificate> roots = root == null ? List.of(NitroRoots.awsG1()) : NitroRoots.read(root);
            vb.trustAnchors(roots);
            String timeDescription = time(vb);
            Expectations.Builder eb = Expectations.builder();
            boolean hasPcrs = pcrs != null && !pcrs.isBlank();
            boolean hasEnvironment = environment != null && !environment.isBlank();
            // A named manifest must exist and be readable even when pcrs or environment take precedence.
            PcrManifest named = manifest == null ? null : PcrManifest.read(manifest);
            if (anyImage && (hasPcrs || hasEnvironment || named != null)) {
                throw new IllegalArgumentException("anyImage accepts any enclave image, but "
                        + (hasPcrs ? "pcrs" : hasEnvironment ? "environment" : "manifest") + " names the expected one: "
                        + "drop anyImage to check the image, or drop the expectation to accept any image");
            }
            String image;
            Path ignored = null;
            if (hasPcrs) {
                eb.pcrs(PCRS_OPTION, parsePcrs(pcrs));
                image = "the " + PCRS_OPTION;
            } else if (hasEnvironment) {
                image = environmentReleases(eb, environment.strip());
            } else if (named != null) {
                image = manifestLabel(manifest);
                eb.pcrs(image, named.pcrValues());
            } else if (defaultManifest != null && Files.exists(defaultManifest) && !anyImage) {
                image = manifestLabel(defaultManifest);
                eb.pcrs(image, PcrManifest.read(defaultManifest).pcrValues());
            } else if (anyImage) {
                ignored = defaultManifest != null && Files.exists(defaultManifest) ? defaultManifest : null;
                eb.anyImage();
                image = "any image (NOT checked: anyImage)";
            } else {
                throw new PcrManifestException(PcrManifestException.Code.MANIFEST_NOT_FOUND, "no PCR manifest at "
                        + (defaultManifest == null ? "the default location" : defaultManifest)
                        + " and no other expected image. Build the EIF first (build-eif writes the manifest), name the"
                        + " image with manifest, pcrs or environment, or set anyImage (attestation.anyImage=true) to accept"
                        + " any enclave image without checking it — never for key release.");
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
            return new VerificationRequest(vb.build(), eb.build(), image, ignored, timeDescription, roots);
        }

        private String time(AttestationVerifier.Builder vb) {
            String when = at == null || at.isBlank() ? "now" : at.strip();
            if (when.equalsIgnoreCase("now")) {
                Duration age = duration(maxAge);
                vb.clock(clock).maxAge(age);
                return "now (" + clock.instant() + "), maximum age " + age;
            }
            if (when.equalsIgnoreCase("document")) {
                vb.atDocumentTime();
                return "each document's own timestamp (no replay protection)";
            }
            try {
                Instant instant = Instant.parse(when);
                vb.at(instant);
                return instant.toString();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("at must be now, document or an ISO-8601 instant such as "
                        + "2025-04-15T02:25:23Z, got " + at);
            }
        }

        private String environmentReleases(Expectations.Builder eb, String env) {
            if (history == null) {
                throw new IllegalArgumentException("environment " + env + " needs the PCR history file "
                        + "({history}=pcr-history.json, written by release)");
            }
            List<PcrHistory.Release> accepted = PcrHistory.read(history).accepted(env);
            if (accepted.isEmpty()) {
                throw new IllegalArgumentException("no release is accepted for environment " + env + " in " + history
                        + "; release with {environment}=" + env + " for the release you deploy");
            }
            List<String> labels = new ArrayList<>();
            for (PcrHistory.Release r : accepted) {
                String label = "release " + r.version() + " (" + env + ")";
                eb.pcrs(label, r.pcrValues());
                labels.add(label);
            }
            return String.join(" or ", labels) + " from " + VerificationReport.displayName(history);
        }
    }

    private static String manifestLabel(Path manifest) {
        return "manifest " + VerificationReport.displayName(manifest);
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

    /**
     * The accepted image(s) for the summary: {@code release 1.0 (prod) or release 1.1 (prod) from pcr-history.json},
     * {@code manifest target/attestation/pcr-manifest.json}, {@code the pcrs option}, or
     * {@code any image (NOT checked: anyImage)}.
     */
    public String imageDescription() {
        return imageDescription;
    }

    /** The default manifest that exists but was not used because anyImage was set (worth a warning), if any. */
    public Optional<Path> ignoredDefaultManifest() {
        return Optional.ofNullable(ignoredDefaultManifest);
    }

    /** How the verification instant is chosen, for the summary. */
    public String timeDescription() {
        return timeDescription;
    }

    public List<X509Certificate> roots() {
        return roots;
    }
}

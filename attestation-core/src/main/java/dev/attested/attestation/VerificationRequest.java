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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a verification expects, as typed values, turned into an {@link AttestationVerifier} and
 * {@link Expectations}. Front ends parse what users type with {@link VerificationOptions} and pass the values here.
 * Contradictory or incomplete requests throw {@link IllegalArgumentException} with what to change; a named
 * manifest or history that does not exist throws {@code MANIFEST_NOT_FOUND} / {@code HISTORY_NOT_FOUND}.
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
    private final VerificationTime time;
    private final String timeDescription;
    /** The trusted roots named by the user, or null for the default AWS Root-G1 (made into a certificate on demand). */
    private final List<X509Certificate> roots;
    private final List<String> warnings;

    private VerificationRequest(AttestationVerifier verifier, Expectations expectations, String imageDescription,
            Path ignoredDefaultManifest, VerificationTime time, String timeDescription, List<X509Certificate> roots,
            List<String> warnings) {
        this.verifier = verifier;
        this.expectations = expectations;
        this.imageDescription = imageDescription;
        this.ignoredDefaultManifest = ignoredDefaultManifest;
        this.time = time;
        this.timeDescription = timeDescription;
        this.roots = roots;
        this.warnings = List.copyOf(warnings);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the typed inputs; {@link #build()} checks and combines them. Every setter accepts null for "not given". */
    public static final class Builder {
        private Path manifest;
        private Path defaultManifest;
        private Path history;
        private String environment;
        private SortedMap<Integer, Pcr> pcrs;
        private boolean anyImage;
        private byte[] nonce;
        private byte[] userData;
        private byte[] publicKey;
        private Path trustAnchors;
        private VerificationTime time = VerificationTime.now();
        private Duration maxAge;
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
            this.environment = environment == null || environment.isBlank() ? null : environment.strip();
            return this;
        }

        /**
         * The one accepted PCR set (index 0..31 to 48 bytes), overriding environment and manifest; null or empty:
         * none. {@link VerificationOptions#pcrs(String)} parses {@code 0:<hex>,1:<hex>}.
         */
        public Builder pcrs(Map<Integer, byte[]> pcrs) {
            if (pcrs == null || pcrs.isEmpty()) {
                this.pcrs = null;
                return this;
            }
            SortedMap<Integer, Pcr> out = new TreeMap<>();
            pcrs.forEach((k, v) -> {
                if (k == null || k < 0 || k > 31) {
                    throw new IllegalArgumentException("pcrs: a PCR index must be 0..31, got " + k);
                }
                out.put(k, Pcr.of(v));
            });
            this.pcrs = out;
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

        /** Expected nonce (copied); null: not checked. */
        public Builder nonce(byte[] nonce) {
            this.nonce = nonce == null ? null : nonce.clone();
            return this;
        }

        /** Expected user_data (copied); null: not checked. */
        public Builder userData(byte[] userData) {
            this.userData = userData == null ? null : userData.clone();
            return this;
        }

        /** Expected public_key (copied); null: not checked. */
        public Builder publicKey(byte[] publicKey) {
            this.publicKey = publicKey == null ? null : publicKey.clone();
            return this;
        }

        /** PEM file with the trusted root(s); null: AWS Nitro Enclaves Root-G1. A named file must exist. */
        public Builder trustAnchors(Path pemFile) {
            this.trustAnchors = pemFile;
            return this;
        }

        /** When certificates are checked; null: {@link VerificationTime#now()}. */
        public Builder time(VerificationTime time) {
            this.time = time == null ? VerificationTime.now() : time;
            return this;
        }

        /**
         * Maximum document age with {@link VerificationTime.Now}; null: {@link AttestationVerifier#DEFAULT_MAX_AGE}.
         * Refused with another time, where no age is checked.
         */
        public Builder maxAge(Duration maxAge) {
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
            // The default root stays the verifier's own (its DER from code, no JCA) until someone asks for roots().
            List<X509Certificate> roots = trustAnchors == null ? null : NitroRoots.read(trustAnchors);
            if (roots != null) {
                vb.trustAnchors(roots);
            }
            List<String> warnings = new ArrayList<>();
            String timeDescription = time(vb, warnings);
            Expectations.Builder eb = Expectations.builder();
            boolean hasPcrs = pcrs != null;
            boolean hasEnvironment = environment != null;
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
                eb.pcrs(PCRS_OPTION, pcrs);
                image = "the " + PCRS_OPTION;
            } else if (hasEnvironment) {
                image = environmentReleases(eb, environment);
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
                        + " image with manifest, pcrs or environment, or set anyImage to accept any enclave image"
                        + " without checking it — never for key release.");
            }
            if (anyImage) {
                warnings.add("anyImage is set: documents of ANY enclave image are accepted; the PCRs are not checked."
                        + " Never release a key on the strength of this verification.");
                if (ignored != null) {
                    warnings.add("The manifest " + ignored + " is present but not used because anyImage is set.");
                }
            }
            if (nonce != null) {
                eb.nonce(nonce);
            }
            if (userData != null) {
                eb.userData(userData);
            }
            if (publicKey != null) {
                eb.publicKey(publicKey);
            }
            if (allowDebugMode) {
                eb.allowDebugMode();
                warnings.add("allowDebugMode is set: documents of debug-mode enclaves (readable by the parent) are accepted.");
            }
            return new VerificationRequest(vb.build(), eb.build(), image, ignored, time, timeDescription, roots, warnings);
        }

        private String time(AttestationVerifier.Builder vb, List<String> warnings) {
            if (time instanceof VerificationTime.Now) {
                Duration age = maxAge == null ? AttestationVerifier.DEFAULT_MAX_AGE : maxAge;
                vb.clock(clock).maxAge(age);
                return "now (" + clock.instant() + "), maximum age " + age;
            }
            if (maxAge != null) {
                throw new IllegalArgumentException("maxAge applies only when verifying at the current time (at=now); "
                        + "drop maxAge or the fixed time");
            }
            if (time instanceof VerificationTime.DocumentTime) {
                vb.atDocumentTime();
                warnings.add("Verifying at each document's own timestamp: this proves the document was genuine when made,"
                        + " not that it is fresh (no replay protection).");
                return "each document's own timestamp (no replay protection)";
            }
            Instant instant = ((VerificationTime.At) time).instant();
            vb.at(instant);
            return instant.toString();
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

    /** When certificates are checked. */
    public VerificationTime time() {
        return time;
    }

    /**
     * What a front end must show the user before the results: the image is not checked, debug mode is accepted,
     * verification at document time gives no replay protection. Empty for a strict request.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** How the verification instant is chosen, for the summary. */
    public String timeDescription() {
        return timeDescription;
    }

    public List<X509Certificate> roots() {
        return roots == null ? List.of(NitroRoots.awsG1()) : roots;
    }

    /** Subject and SHA-256 of each trusted root; for the default Root-G1 read from its DER, without the JCA. */
    List<VerificationReport.CertificateInfo> rootInfos() {
        if (roots == null) {
            ProfileCertificate g1 = AttestationVerifier.awsG1Profile(); // the verifier's own reading, not a second one
            if (g1 != null) {
                return List.of(VerificationReport.info("root", g1));
            }
        }
        return roots().stream().map(VerificationReport::rootInfo).toList();
    }
}

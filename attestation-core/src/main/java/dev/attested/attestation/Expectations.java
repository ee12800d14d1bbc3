package dev.attested.attestation;

import dev.attested.pcr.Pcr;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a verified document must contain besides a valid signature and chain: the accepted enclave image(s) as
 * one or more PCR sets, each named after its release, and the nonce, user_data and public_key the protocol bound
 * into it.
 *
 * <p>There is no default that accepts any image: {@link Builder#build()} requires either at least one PCR set
 * ({@link Builder#pcrs(String, Map)}) or the explicit opt-out {@link Builder#anyImage()}. An expected value is
 * always compared exactly; an expected all-zero PCR is a value, not a wildcard. Debug-mode documents are rejected
 * unless {@link Builder#allowDebugMode()} is set.
 */
public final class Expectations {

    /**
     * One accepted image: the PCRs it measures to (any subset of indices), named after its release so that a
     * result can say which one a document matched.
     *
     * @param release a label such as {@code release 1.4.0 (prod)} or the manifest it came from
     * @param pcrs    index → expected value, at least one
     */
    public record PcrSet(String release, SortedMap<Integer, Pcr> pcrs) {
        public PcrSet {
            if (release == null || release.isBlank()) {
                throw new IllegalArgumentException("an accepted PCR set needs a release label");
            }
            if (pcrs == null || pcrs.isEmpty()) {
                throw new IllegalArgumentException("the accepted PCR set " + release + " needs at least one PCR");
            }
            SortedMap<Integer, Pcr> copy = new TreeMap<>();
            pcrs.forEach((k, v) -> copy.put(checkIndex(k), Objects.requireNonNull(v, "PCR" + k + " of " + release)));
            pcrs = Collections.unmodifiableSortedMap(copy);
        }

        /** Whether {@code documentPcrs} holds every PCR of this set with exactly the expected value. */
        public boolean matches(Map<Integer, Pcr> documentPcrs) {
            for (Map.Entry<Integer, Pcr> e : pcrs.entrySet()) {
                if (!e.getValue().equals(documentPcrs.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private final List<PcrSet> pcrSets;
    private final boolean anyImage;
    private final byte[] nonce;
    private final byte[] userData;
    private final byte[] publicKey;
    private final boolean debugModeAllowed;

    private Expectations(Builder b) {
        List<PcrSet> sets = new ArrayList<>();
        for (int i = 0; i < b.pcrSets.size(); i++) {
            sets.add(new PcrSet(b.labels.get(i), b.pcrSets.get(i)));
        }
        this.pcrSets = List.copyOf(sets);
        this.anyImage = b.anyImage;
        this.nonce = b.nonce;
        this.userData = b.userData;
        this.publicKey = b.publicKey;
        this.debugModeAllowed = b.debugModeAllowed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The accepted images, in the order given; a document must match every index of at least one. Empty only with {@link #anyImage()}. */
    public List<PcrSet> pcrSets() {
        return pcrSets;
    }

    /** True when the caller opted out of checking the image ({@link Builder#anyImage()}): PCRs are not compared. */
    public boolean anyImage() {
        return anyImage;
    }

    /** The first accepted set that {@code documentPcrs} matches, in the order the sets were given. */
    public Optional<PcrSet> firstMatch(Map<Integer, Pcr> documentPcrs) {
        for (PcrSet s : pcrSets) {
            if (s.matches(documentPcrs)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Optional<byte[]> nonce() {
        return Optional.ofNullable(nonce).map(byte[]::clone);
    }

    public Optional<byte[]> userData() {
        return Optional.ofNullable(userData).map(byte[]::clone);
    }

    public Optional<byte[]> publicKey() {
        return Optional.ofNullable(publicKey).map(byte[]::clone);
    }

    public boolean debugModeAllowed() {
        return debugModeAllowed;
    }

    byte[] nonceUnsafe() {
        return nonce;
    }

    byte[] userDataUnsafe() {
        return userData;
    }

    byte[] publicKeyUnsafe() {
        return publicKey;
    }

    private static int checkIndex(Integer index) {
        if (index == null || index < 0 || index > 31) {
            throw new IllegalArgumentException("PCR index must be 0..31, got " + index);
        }
        return index;
    }

    /** Builds {@link Expectations}; name the accepted image(s) with {@code pcrs(...)} or opt out with {@link #anyImage()}. */
    public static final class Builder {
        private final List<String> labels = new ArrayList<>();
        private final List<SortedMap<Integer, Pcr>> pcrSets = new ArrayList<>();
        private boolean anyImage;
        private byte[] nonce;
        private byte[] userData;
        private byte[] publicKey;
        private boolean debugModeAllowed;

        private Builder() {}

        /**
         * Accepts the image of one release (e.g. one {@code pcr-manifest.json}, or one release of the PCR history).
         * Call again to accept alternatives (a rollout): the document must match all indices of at least one set,
         * and {@link VerifiedAttestation#matchedRelease()} names the set it matched.
         *
         * @param release a label for this set, unique among the sets (e.g. {@code release 1.4.0 (prod)})
         */
        public Builder pcrs(String release, Map<Integer, Pcr> set) {
            Objects.requireNonNull(release, "release");
            if (release.isBlank()) {
                throw new IllegalArgumentException("an accepted PCR set needs a non-blank release label");
            }
            if (labels.contains(release)) {
                throw new IllegalArgumentException("the release label " + release + " names two accepted PCR sets");
            }
            if (set.isEmpty()) {
                throw new IllegalArgumentException("an accepted PCR set needs at least one PCR");
            }
            SortedMap<Integer, Pcr> copy = new TreeMap<>();
            set.forEach((k, v) -> copy.put(checkIndex(k), Objects.requireNonNull(v, "PCR" + k)));
            labels.add(release);
            pcrSets.add(copy);
            return this;
        }

        /** As {@link #pcrs(String, Map)}, labelled {@code PCR set <n>} (1 for the first set). */
        public Builder pcrs(Map<Integer, Pcr> set) {
            return pcrs(defaultLabel(), set);
        }

        /** Adds one PCR to the most recently added set (starting the first set, labelled {@code PCR set 1}, if there is none). */
        public Builder pcr(int index, Pcr value) {
            if (pcrSets.isEmpty()) {
                labels.add(defaultLabel());
                pcrSets.add(new TreeMap<>());
            }
            pcrSets.get(pcrSets.size() - 1).put(checkIndex(index), Objects.requireNonNull(value));
            return this;
        }

        /** Adds one PCR given as 96 hex digits to the most recent set. */
        public Builder pcr(int index, String hex) {
            return pcr(index, Pcr.ofHex(hex));
        }

        /**
         * <strong>Unsafe for key release.</strong> Accepts a genuine document of <em>any</em> enclave image: the
         * PCRs are not compared, so any code running in any Nitro Enclave passes. Use it only to inspect documents,
         * or where another layer decides the image (e.g. a KMS key policy whose conditions pin the PCRs). Never
         * release a secret on the strength of a document verified this way.
         */
        public Builder anyImage() {
            this.anyImage = true;
            return this;
        }

        /** The document's nonce must equal this (e.g. your fresh challenge). */
        public Builder nonce(byte[] nonce) {
            this.nonce = nonce.clone();
            return this;
        }

        /** The document's user_data must equal this. */
        public Builder userData(byte[] userData) {
            this.userData = userData.clone();
            return this;
        }

        /** The document's public_key must equal this (e.g. the key you will encrypt to). */
        public Builder publicKey(byte[] publicKey) {
            if (publicKey.length == 0) {
                throw new IllegalArgumentException("an expected public key must not be empty");
            }
            this.publicKey = publicKey.clone();
            return this;
        }

        /**
         * Accept documents of enclaves started with {@code --debug-mode} (PCR0/1/2 all zero). Their memory is
         * readable by the parent instance: for development only.
         */
        public Builder allowDebugMode() {
            this.debugModeAllowed = true;
            return this;
        }

        /**
         * @throws IllegalStateException when neither a PCR set nor {@link #anyImage()} was given, or both: the
         *                               accepted image must be named or explicitly waived
         */
        public Expectations build() {
            if (anyImage && !pcrSets.isEmpty()) {
                throw new IllegalStateException("Expectations name " + pcrSets.size() + " accepted PCR set(s) and also "
                        + "anyImage(): choose one — the PCR sets check the image, anyImage() does not.");
            }
            if (!anyImage && pcrSets.isEmpty()) {
                throw new IllegalStateException("Expectations must name the accepted enclave image: call pcrs(release, "
                        + "pcrs) once per accepted release (e.g. from its pcr-manifest.json), or anyImage() to accept "
                        + "any image — unsafe for key release.");
            }
            return new Expectations(this);
        }

        private String defaultLabel() {
            return "PCR set " + (pcrSets.size() + 1);
        }
    }
}

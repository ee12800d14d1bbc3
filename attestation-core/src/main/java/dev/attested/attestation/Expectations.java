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
 * What a verified document must contain besides a valid signature and chain: PCR values (any subset of indices,
 * one or several accepted sets), and the nonce, user_data and public_key the protocol bound into it.
 *
 * <p>An expected value is always compared exactly; an expected all-zero PCR is a value, not a wildcard. Debug-mode
 * documents are rejected unless {@link Builder#allowDebugMode()} is set.
 */
public final class Expectations {
    private static final Expectations NONE = builder().build();

    private final List<SortedMap<Integer, Pcr>> pcrSets;
    private final byte[] nonce;
    private final byte[] userData;
    private final byte[] publicKey;
    private final boolean debugModeAllowed;

    private Expectations(Builder b) {
        List<SortedMap<Integer, Pcr>> sets = new ArrayList<>();
        for (SortedMap<Integer, Pcr> s : b.pcrSets) {
            sets.add(Collections.unmodifiableSortedMap(new TreeMap<>(s)));
        }
        this.pcrSets = List.copyOf(sets);
        this.nonce = b.nonce;
        this.userData = b.userData;
        this.publicKey = b.publicKey;
        this.debugModeAllowed = b.debugModeAllowed;
    }

    /** No PCR, nonce, user_data or public_key requirement; debug mode rejected. */
    public static Expectations none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The accepted PCR sets; a document must match every index of at least one. Empty: PCRs are not checked. */
    public List<SortedMap<Integer, Pcr>> pcrSets() {
        return pcrSets;
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

    /** Builds {@link Expectations}. */
    public static final class Builder {
        private final List<SortedMap<Integer, Pcr>> pcrSets = new ArrayList<>();
        private byte[] nonce;
        private byte[] userData;
        private byte[] publicKey;
        private boolean debugModeAllowed;

        private Builder() {}

        /**
         * Adds one accepted PCR set (e.g. one release, or one environment). Call again to accept alternatives: the
         * document must match all indices of at least one set.
         */
        public Builder pcrs(Map<Integer, Pcr> set) {
            if (set.isEmpty()) {
                throw new IllegalArgumentException("an accepted PCR set needs at least one PCR");
            }
            SortedMap<Integer, Pcr> copy = new TreeMap<>();
            set.forEach((k, v) -> copy.put(checkIndex(k), Objects.requireNonNull(v, "PCR" + k)));
            pcrSets.add(copy);
            return this;
        }

        /** Adds one PCR to the most recently added set (starting the first set if there is none). */
        public Builder pcr(int index, Pcr value) {
            if (pcrSets.isEmpty()) {
                pcrSets.add(new TreeMap<>());
            }
            pcrSets.get(pcrSets.size() - 1).put(checkIndex(index), Objects.requireNonNull(value));
            return this;
        }

        /** Adds one PCR given as 96 hex digits to the most recent set. */
        public Builder pcr(int index, String hex) {
            return pcr(index, Pcr.ofHex(hex));
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

        public Expectations build() {
            return new Expectations(this);
        }

        private static int checkIndex(int index) {
            if (index < 0 || index > 31) {
                throw new IllegalArgumentException("PCR index must be 0..31, got " + index);
            }
            return index;
        }
    }
}

package dev.attested.nsm;

import java.util.Arrays;

/**
 * The seven requests the Nitro Secure Module understands (docs/spec/nsm-protocol.md §3.2). Byte arrays are copied on
 * the way in and out, so a request cannot change after it has been built.
 */
public sealed interface NsmRequest {

    /** Largest request the driver accepts (nsm-protocol.md §2.4, {@code NSM_REQUEST_MAX_SIZE}). */
    int MAX_ENCODED_SIZE = 4096;
    /** Number of PCRs of the device (nsm-protocol.md §4.1). */
    int MAX_PCRS = 32;
    /** Per-field cap for attestation inputs that every spec-following verifier accepts (nsm-protocol.md §7). */
    int MAX_ATTESTATION_FIELD = 1024;

    /** The wire name of the request ({@code "DescribePCR"}, …). */
    String name();

    /** Reads PCR {@code index} and whether it is locked. */
    record DescribePcr(int index) implements NsmRequest {
        public DescribePcr {
            requireU16("index", index);
        }

        @Override
        public String name() {
            return "DescribePCR";
        }
    }

    /** {@code PCR[index] = SHA384(PCR[index] || data)}. */
    record ExtendPcr(int index, byte[] data) implements NsmRequest {
        public ExtendPcr {
            requireU16("index", index);
            if (data == null) {
                throw new IllegalArgumentException("ExtendPCR needs data (may be empty, not null)");
            }
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public String name() {
            return "ExtendPCR";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ExtendPcr e && e.index == index && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return 31 * index + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "ExtendPcr[index=" + index + ", data=" + data.length + " bytes]";
        }
    }

    /** Makes PCR {@code index} read-only until the enclave ends. */
    record LockPcr(int index) implements NsmRequest {
        public LockPcr {
            requireU16("index", index);
        }

        @Override
        public String name() {
            return "LockPCR";
        }
    }

    /** Locks PCRs {@code [0, range)}. */
    record LockPcrs(int range) implements NsmRequest {
        public LockPcrs {
            requireU16("range", range);
        }

        @Override
        public String name() {
            return "LockPCRs";
        }
    }

    /** Version, module id, PCR count and locked PCRs of the module. */
    record DescribeNsm() implements NsmRequest {
        @Override
        public String name() {
            return "DescribeNSM";
        }
    }

    /**
     * A signed attestation document carrying the given fields; {@code null} means absent (encoded as CBOR null),
     * an empty array stays an empty byte string.
     */
    record Attestation(byte[] userData, byte[] nonce, byte[] publicKey) implements NsmRequest {
        public Attestation {
            userData = userData == null ? null : userData.clone();
            nonce = nonce == null ? null : nonce.clone();
            publicKey = publicKey == null ? null : publicKey.clone();
        }

        @Override
        public byte[] userData() {
            return userData == null ? null : userData.clone();
        }

        @Override
        public byte[] nonce() {
            return nonce == null ? null : nonce.clone();
        }

        @Override
        public byte[] publicKey() {
            return publicKey == null ? null : publicKey.clone();
        }

        @Override
        public String name() {
            return "Attestation";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attestation a && Arrays.equals(a.userData, userData) && Arrays.equals(a.nonce, nonce)
                    && Arrays.equals(a.publicKey, publicKey);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new int[] {Arrays.hashCode(userData), Arrays.hashCode(nonce), Arrays.hashCode(publicKey)});
        }

        @Override
        public String toString() {
            return "Attestation[userData=" + len(userData) + ", nonce=" + len(nonce) + ", publicKey=" + len(publicKey) + "]";
        }

        private static String len(byte[] b) {
            return b == null ? "absent" : b.length + " bytes";
        }
    }

    /** Entropy from the module's hardware RNG (length chosen by the device). */
    record GetRandom() implements NsmRequest {
        @Override
        public String name() {
            return "GetRandom";
        }
    }

    private static void requireU16(String field, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(field + " is a u16 in the NSM API, got " + value);
        }
    }
}

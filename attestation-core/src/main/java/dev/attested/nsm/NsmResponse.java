package dev.attested.nsm;

import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/** What the Nitro Secure Module answers (docs/spec/nsm-protocol.md §3.3). Byte arrays are copied in and out. */
public sealed interface NsmResponse {

    /** The wire name of the response ({@code "DescribePCR"}, …, {@code "Error"}). */
    String name();

    /** PCR value and lock state. */
    record DescribePcr(boolean lock, byte[] data) implements NsmResponse {
        public DescribePcr {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public String name() {
            return "DescribePCR";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DescribePcr d && d.lock == lock && Arrays.equals(d.data, data);
        }

        @Override
        public int hashCode() {
            return Boolean.hashCode(lock) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "DescribePcr[lock=" + lock + ", data=" + java.util.HexFormat.of().formatHex(data) + "]";
        }
    }

    /** The PCR's value after the extension. */
    record ExtendPcr(byte[] data) implements NsmResponse {
        public ExtendPcr {
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
            return o instanceof ExtendPcr e && Arrays.equals(e.data, data);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "ExtendPcr[data=" + java.util.HexFormat.of().formatHex(data) + "]";
        }
    }

    /** Success of {@link NsmRequest.LockPcr}. */
    record LockPcr() implements NsmResponse {
        @Override
        public String name() {
            return "LockPCR";
        }
    }

    /** Success of {@link NsmRequest.LockPcrs}. */
    record LockPcrs() implements NsmResponse {
        @Override
        public String name() {
            return "LockPCRs";
        }
    }

    /** Module description (nsm-protocol.md §5). */
    record DescribeNsm(int versionMajor, int versionMinor, int versionPatch, String moduleId, int maxPcrs,
            SortedSet<Integer> lockedPcrs, String digest) implements NsmResponse {
        public DescribeNsm {
            lockedPcrs = Collections.unmodifiableSortedSet(new TreeSet<>(lockedPcrs));
        }

        @Override
        public String name() {
            return "DescribeNSM";
        }
    }

    /** A COSE_Sign1 attestation document (not yet verified: see {@code AttestationVerifier}). */
    record Attestation(byte[] document) implements NsmResponse {
        public Attestation {
            document = document.clone();
        }

        @Override
        public byte[] document() {
            return document.clone();
        }

        @Override
        public String name() {
            return "Attestation";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Attestation a && Arrays.equals(a.document, document);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(document);
        }

        @Override
        public String toString() {
            return "Attestation[document=" + document.length + " bytes]";
        }
    }

    /** Entropy; the length is chosen by the device (QEMU: 256 bytes). */
    record GetRandom(byte[] random) implements NsmResponse {
        public GetRandom {
            random = random.clone();
        }

        @Override
        public byte[] random() {
            return random.clone();
        }

        @Override
        public String name() {
            return "GetRandom";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof GetRandom g && Arrays.equals(g.random, random);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(random);
        }

        @Override
        public String toString() {
            return "GetRandom[" + random.length + " bytes]";
        }
    }

    /**
     * {@code {"Error": "<name>"}}: the device refused the request. {@code wireName} keeps the exact name, also
     * for names this version does not know ({@link NsmErrorCode#UNKNOWN}).
     */
    record Error(NsmErrorCode code, String wireName) implements NsmResponse {
        public Error(NsmErrorCode code) {
            this(code, code.wireName());
        }

        @Override
        public String name() {
            return "Error";
        }
    }
}

package dev.attested.testkit;

import dev.attested.nsm.*;

import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import dev.attested.testkit.SimulatedAttestationDocument;
import dev.attested.testkit.SimulatedNitroPki;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A Nitro Secure Module in memory, for development and tests: 32 SHA-384 PCRs with PCR0..15 locked at boot,
 * extend and lock semantics of docs/spec/nsm-protocol.md §4, attestation documents signed by a
 * {@link SimulatedNitroPki}, and {@code GetRandom}. {@link #handle(byte[])} answers raw request bytes exactly as the
 * device protocol does, so a transport-level client (the FFM one) can be tested against it.
 *
 * <p>Error names follow QEMU's emulator where AWS documents none (nsm-protocol.md §4.3): {@code ReadOnlyIndex} for
 * extend/lock of a locked PCR, {@code InvalidIndex} for an index or range beyond 32.
 *
 * <p>Documents carry every locked PCR (normally 0..15). They are signed by a simulated PKI, never by AWS: a
 * verifier accepts them only when told to trust that PKI's root.
 */
public final class NsmSimulator implements Nsm {
    /** Number of PCRs. */
    public static final int MAX_PCRS = 32;
    /** PCRs locked at boot: {@code [0, LOCKED_AT_BOOT)}. */
    public static final int LOCKED_AT_BOOT = 16;
    /** Bytes of entropy per GetRandom answer (as QEMU's emulator). */
    public static final int RANDOM_LENGTH = 256;

    private final SimulatedNitroPki pki;
    private final Clock clock;
    private final SecureRandom random;
    private final Pcr[] pcrs = new Pcr[MAX_PCRS];
    private final boolean[] locked = new boolean[MAX_PCRS];
    private final boolean debugMode;

    private NsmSimulator(Builder b) {
        this.clock = b.clock;
        this.pki = b.pki != null ? b.pki
                : SimulatedNitroPki.builder().notBefore(b.clock.instant().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(1)))
                        .seed(b.seed).instanceId(b.instanceId).leafLifetime(b.leafLifetime).build();
        this.random = b.random != null ? b.random : new SecureRandom();
        this.debugMode = b.debugMode;
        for (int i = 0; i < MAX_PCRS; i++) {
            pcrs[i] = Pcr.zero();
        }
        b.pcrs.forEach((i, v) -> pcrs[i] = v);
        if (b.roleArn != null) {
            pcrs[3] = Pcr.ofParentRoleArn(b.roleArn);
        }
        pcrs[4] = Pcr.ofParentInstanceId(pki.instanceId());
        if (debugMode) {
            for (int i : new int[] {0, 1, 2, 8}) {
                pcrs[i] = Pcr.zero();
            }
        }
        for (int i = 0; i < LOCKED_AT_BOOT; i++) {
            locked[i] = true;
        }
    }

    /** A simulator with zero PCR0/1/2/8, a fresh PKI (valid from one minute ago) and the system clock. */
    public static NsmSimulator create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Boot-time configuration. */
    public static final class Builder {
        private final Map<Integer, Pcr> pcrs = new TreeMap<>();
        private SimulatedNitroPki pki;
        private Clock clock = Clock.systemUTC();
        private SecureRandom random;
        private long seed = 1;
        private String instanceId;
        private String roleArn;
        private Duration leafLifetime = Duration.ofHours(3);
        private boolean debugMode;

        private Builder() {}

        /** Boot value of one of PCR0..15 (the hypervisor's measurements: 0, 1, 2, 8; 3 and 4 have their own setters). */
        public Builder pcr(int index, Pcr value) {
            if (index < 0 || index >= LOCKED_AT_BOOT) {
                throw new IllegalArgumentException("boot values exist for PCR0..15 only, got PCR" + index
                        + "; extend PCR16..31 at run time with extendPcr");
            }
            pcrs.put(index, Objects.requireNonNull(value));
            return this;
        }

        /** Boot values from an EIF's PCR manifest (PCR0, 1, 2 and 8 when present). */
        public Builder manifest(PcrManifest manifest) {
            manifest.pcrValues().forEach(this::pcr);
            return this;
        }

        /** PCR3 from the parent instance's IAM role ARN (with its path). Absent: PCR3 stays zero. */
        public Builder parentRoleArn(String roleArn) {
            Pcr.ofParentRoleArn(roleArn);
            this.roleArn = roleArn;
            return this;
        }

        /** The parent instance id: PCR4 and the document's {@code module_id}. Default: derived from the seed. */
        public Builder parentInstanceId(String instanceId) {
            Pcr.ofParentInstanceId(instanceId);
            this.instanceId = instanceId;
            return this;
        }

        /** Sign with this PKI (its instance id then sets PCR4 and the module id). */
        public Builder pki(SimulatedNitroPki pki) {
            this.pki = pki;
            return this;
        }

        /** Seed of the PKI the simulator creates when none is given. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Lifetime of the signing certificate the simulator creates (default 3 hours, as AWS's). */
        public Builder leafLifetime(Duration lifetime) {
            this.leafLifetime = lifetime;
            return this;
        }

        /** Time source for document timestamps. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** Entropy source for GetRandom (default: a new {@link SecureRandom}). */
        public Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        /** An enclave started with {@code --debug-mode}: PCR0, 1, 2 and 8 read as zero. */
        public Builder debugMode() {
            this.debugMode = true;
            return this;
        }

        public NsmSimulator build() {
            return new NsmSimulator(this);
        }
    }

    /** The PKI whose root a verifier must trust to accept this simulator's documents. */
    public SimulatedNitroPki pki() {
        return pki;
    }

    /**
     * Answers raw request bytes as the device does: the CBOR answer, {@code {"Error": name}} included. A
     * request over 4096 bytes is answered with {@code InputTooLarge} (the kernel driver refuses it earlier, with
     * {@code EMSGSIZE}).
     */
    public byte[] handle(byte[] request) {
        if (request.length > NsmRequest.MAX_ENCODED_SIZE) {
            return NsmCodec.encodeResponse(new NsmResponse.Error(NsmErrorCode.INPUT_TOO_LARGE));
        }
        NsmResponse response;
        try {
            response = process(NsmCodec.decodeRequest(request));
        } catch (NsmCodec.NsmDeviceError e) {
            response = new NsmResponse.Error(e.code());
        }
        byte[] encoded = NsmCodec.encodeResponse(response);
        if (encoded.length > NsmCodec.MAX_RESPONSE_SIZE) {
            return NsmCodec.encodeResponse(new NsmResponse.Error(NsmErrorCode.INPUT_TOO_LARGE));
        }
        return encoded;
    }

    /** The typed path: the request is encoded and size-checked as a client would, then processed. */
    @Override
    public NsmResponse call(NsmRequest request) {
        byte[] encoded = NsmCodec.encodeRequest(request);
        if (encoded.length > NsmRequest.MAX_ENCODED_SIZE) {
            throw new NsmException(NsmException.Code.REQUEST_TOO_LARGE, request.name() + " encodes to " + encoded.length
                    + " bytes; the NSM driver accepts at most " + NsmRequest.MAX_ENCODED_SIZE);
        }
        return NsmCodec.decodeResponse(handle(encoded));
    }

    private synchronized NsmResponse process(NsmRequest request) {
        if (request instanceof NsmRequest.DescribePcr r) {
            if (r.index() >= MAX_PCRS) {
                return error(NsmErrorCode.INVALID_INDEX);
            }
            return new NsmResponse.DescribePcr(locked[r.index()], pcrs[r.index()].toByteArray());
        } else if (request instanceof NsmRequest.ExtendPcr r) {
            if (r.index() >= MAX_PCRS) {
                return error(NsmErrorCode.INVALID_INDEX);
            }
            if (locked[r.index()]) {
                return error(NsmErrorCode.READ_ONLY_INDEX);
            }
            pcrs[r.index()] = pcrs[r.index()].extend(r.data());
            return new NsmResponse.ExtendPcr(pcrs[r.index()].toByteArray());
        } else if (request instanceof NsmRequest.LockPcr r) {
            if (r.index() >= MAX_PCRS) {
                return error(NsmErrorCode.INVALID_INDEX);
            }
            if (locked[r.index()]) {
                return error(NsmErrorCode.READ_ONLY_INDEX);
            }
            locked[r.index()] = true;
            return new NsmResponse.LockPcr();
        } else if (request instanceof NsmRequest.LockPcrs r) {
            if (r.range() > MAX_PCRS) {
                return error(NsmErrorCode.INVALID_INDEX);
            }
            for (int i = 0; i < r.range(); i++) {
                locked[i] = true;
            }
            return new NsmResponse.LockPcrs();
        } else if (request instanceof NsmRequest.DescribeNsm) {
            return new NsmResponse.DescribeNsm(1, 0, 0, pki.moduleId(), MAX_PCRS, lockedPcrs(), "SHA384");
        } else if (request instanceof NsmRequest.Attestation r) {
            return new NsmResponse.Attestation(document(r));
        } else if (request instanceof NsmRequest.GetRandom) {
            byte[] bytes = new byte[RANDOM_LENGTH];
            random.nextBytes(bytes);
            return new NsmResponse.GetRandom(bytes);
        }
        return error(NsmErrorCode.INVALID_OPERATION);
    }

    private byte[] document(NsmRequest.Attestation r) {
        Instant now = clock.instant();
        SimulatedAttestationDocument.Builder b = pki.documentBuilder()
                .timestampMillis(now.toEpochMilli())
                .userData(r.userData())
                .nonce(r.nonce())
                .publicKey(r.publicKey());
        for (int i = 0; i < MAX_PCRS; i++) {
            if (locked[i]) {
                b.pcr(i, pcrs[i]);
            } else {
                b.removePcr(i);
            }
        }
        return b.sign();
    }

    private SortedSet<Integer> lockedPcrs() {
        SortedSet<Integer> s = new TreeSet<>();
        for (int i = 0; i < MAX_PCRS; i++) {
            if (locked[i]) {
                s.add(i);
            }
        }
        return s;
    }

    private static NsmResponse error(NsmErrorCode code) {
        return new NsmResponse.Error(code);
    }
}

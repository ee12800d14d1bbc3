package dev.attested.nsm;

import dev.attested.pcr.Pcr;

/**
 * The Nitro Secure Module: {@code /dev/nsm} inside an enclave ({@code dev.attested.nsm.ffm.FfmNsm}) or
 * {@link dev.attested.testkit.NsmSimulator} for development. Implementations answer {@link #call(NsmRequest)}; the typed methods
 * turn the module's {@code Error} answers into {@link NsmException} ({@link NsmException.Code#DEVICE_ERROR}) so
 * no failure can be mistaken for a result.
 */
public interface Nsm {

    /** Sends one request and returns the module's answer, which may be {@link NsmResponse.Error}. */
    NsmResponse call(NsmRequest request);

    /** PCR {@code index}: value and lock state. */
    default NsmResponse.DescribePcr describePcr(int index) {
        return expect(new NsmRequest.DescribePcr(index), NsmResponse.DescribePcr.class);
    }

    /** Extends PCR {@code index} with {@code data} (raw, not pre-hashed) and returns the new value. */
    default Pcr extendPcr(int index, byte[] data) {
        return Pcr.of(expect(new NsmRequest.ExtendPcr(index, data), NsmResponse.ExtendPcr.class).data());
    }

    /** Makes PCR {@code index} read-only for the rest of the enclave's life. */
    default void lockPcr(int index) {
        expect(new NsmRequest.LockPcr(index), NsmResponse.LockPcr.class);
    }

    /** Locks PCRs {@code [0, range)}. */
    default void lockPcrs(int range) {
        expect(new NsmRequest.LockPcrs(range), NsmResponse.LockPcrs.class);
    }

    /** Module version, id, PCR count and locked PCRs. */
    default NsmResponse.DescribeNsm describeNsm() {
        return expect(new NsmRequest.DescribeNsm(), NsmResponse.DescribeNsm.class);
    }

    /**
     * A signed attestation document (COSE_Sign1 bytes) carrying the given fields; {@code null} = absent. Each
     * field is capped at 1024 bytes (docs/spec/nsm-protocol.md §7) so the document passes every verifier that follows
     * the spec.
     */
    default byte[] attestation(byte[] userData, byte[] nonce, byte[] publicKey) {
        checkField("user_data", userData);
        checkField("nonce", nonce);
        checkField("public_key", publicKey);
        return expect(new NsmRequest.Attestation(userData, nonce, publicKey), NsmResponse.Attestation.class).document();
    }

    /** Entropy from the module (at least one byte; the device chooses how many). */
    default byte[] getRandom() {
        byte[] random = expect(new NsmRequest.GetRandom(), NsmResponse.GetRandom.class).random();
        if (random.length == 0) {
            throw new NsmException(NsmException.Code.MALFORMED_RESPONSE, "GetRandom returned no bytes");
        }
        return random;
    }

    /** Fills {@code out} with module entropy, calling GetRandom as often as needed. */
    default void nextBytes(byte[] out) {
        int filled = 0;
        while (filled < out.length) {
            byte[] r = getRandom();
            int n = Math.min(r.length, out.length - filled);
            System.arraycopy(r, 0, out, filled, n);
            java.util.Arrays.fill(r, (byte) 0);
            filled += n;
        }
    }

    private <T extends NsmResponse> T expect(NsmRequest request, Class<T> type) {
        NsmResponse response = call(request);
        if (response instanceof NsmResponse.Error error) {
            throw NsmException.ofDeviceError(request, error);
        }
        if (!type.isInstance(response)) {
            throw new NsmException(NsmException.Code.UNEXPECTED_RESPONSE,
                    "asked " + request.name() + ", the NSM answered " + response.name());
        }
        return type.cast(response);
    }

    private static void checkField(String name, byte[] value) {
        if (value != null && value.length > NsmRequest.MAX_ATTESTATION_FIELD) {
            throw new NsmException(NsmException.Code.FIELD_TOO_LARGE, name + " is " + value.length
                    + " bytes; attestation fields are capped at "
                    + NsmRequest.MAX_ATTESTATION_FIELD + " bytes (docs/spec/nsm-protocol.md §7). Put a digest of larger data in the field.");
        }
    }
}

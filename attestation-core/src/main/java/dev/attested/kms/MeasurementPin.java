package dev.attested.kms;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Which measurements the attested statement pins (docs/spec/kms-attestation.md §6.1). */
public enum MeasurementPin {
    /** One exact image: {@code ImageSha384} (= PCR0), PCR1, PCR2 from the PCR manifest. The default. */
    IMAGE,
    /** The EIF signing certificate: PCR8 from the manifest of a signed EIF; survives rebuilds signed by the same certificate. */
    SIGNER,
    /** The parent instance's IAM role: PCR3 computed from the role ARN (path included). Only together with IMAGE or SIGNER. */
    ROLE,
    /** One parent instance: PCR4 computed from the instance id (set in debug mode too). Only together with IMAGE or SIGNER. */
    INSTANCE;

    /** True for pins that measure the enclave's code (IMAGE, SIGNER); ROLE and INSTANCE measure the parent. */
    public boolean measuresCode() {
        return this == IMAGE || this == SIGNER;
    }

    /** Parses a comma-separated list such as {@code image,role} (case-insensitive). */
    public static Set<MeasurementPin> parse(String csv) {
        Set<MeasurementPin> out = EnumSet.noneOf(MeasurementPin.class);
        for (String part : csv.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(valueOf(p.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT,
                        "unknown measurement pin \"" + p + "\"; use image, signer, role and/or instance.");
            }
        }
        if (out.isEmpty()) {
            throw new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT, "no measurement to pin; use image, signer, role and/or instance.");
        }
        return out;
    }
}

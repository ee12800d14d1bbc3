package dev.attested.eif;

import dev.attested.pcr.Pcr;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The PCRs an EIF determines (docs/spec/eif-format.md §5): PCR0 image, PCR1 kernel + bootstrap ramdisk, PCR2
 * application ramdisks, and PCR8 (signing certificate) for signed images.
 */
public record EifMeasurements(Pcr pcr0, Pcr pcr1, Pcr pcr2, Optional<Pcr> pcr8) {
    /** The {@code HashAlgorithm} string nitro-cli ≤ 1.4 prints; not an identifier, never parsed. */
    public static final String NITRO_CLI_HASH_ALGORITHM = "Sha384 { ... }";

    public EifMeasurements {
        Objects.requireNonNull(pcr0, "pcr0");
        Objects.requireNonNull(pcr1, "pcr1");
        Objects.requireNonNull(pcr2, "pcr2");
        Objects.requireNonNull(pcr8, "pcr8");
    }

    /** Unsigned image measurements. */
    public static EifMeasurements of(Pcr pcr0, Pcr pcr1, Pcr pcr2) {
        return new EifMeasurements(pcr0, pcr1, pcr2, Optional.empty());
    }

    /** The same measurements with PCR8 of a signing certificate. */
    public EifMeasurements withPcr8(Pcr value) {
        return new EifMeasurements(pcr0, pcr1, pcr2, Optional.of(value));
    }

    /** Index → value: 0, 1, 2 and, when signed, 8. */
    public SortedMap<Integer, Pcr> asMap() {
        SortedMap<Integer, Pcr> map = new TreeMap<>();
        map.put(0, pcr0);
        map.put(1, pcr1);
        map.put(2, pcr2);
        pcr8.ifPresent(p -> map.put(8, p));
        return Collections.unmodifiableSortedMap(map);
    }
}

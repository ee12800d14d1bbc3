package dev.attested.sample;

import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The PCR manifest used in local mode when no EIF has been built: PCR0, PCR1 and PCR2 are the measurements of
 * three labelled placeholder contents (not of a real image), so the simulator and the parent agree on values
 * that look and behave like an EIF's. With an EIF, pass its {@code pcr-manifest.json} instead.
 */
public final class LocalManifest {
    private LocalManifest() {}

    /** The local-mode manifest (deterministic). */
    public static PcrManifest create() {
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, measure("image"));
        pcrs.put(1, measure("kernel and bootstrap ramdisk"));
        pcrs.put(2, measure("application ramdisk"));
        return PcrManifest.of(null, pcrs, new PcrManifest.Image("sample-enclave", "local", null, null),
                new TreeMap<>(), null, "local-simulator", null, new TreeMap<>(), null);
    }

    private static Pcr measure(String part) {
        return Pcr.ofContent(("dev.attested sample-enclave local mode: " + part).getBytes(StandardCharsets.UTF_8));
    }
}

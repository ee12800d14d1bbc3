package dev.attested.fuzz;

import dev.attested.testkit.SimulatedNitroPki;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the fuzz targets and the seed generator share: one simulated Nitro PKI (fixed seed, so the seeds
 * committed in the corpora were signed by the same keys the targets verify with) and a scratch directory for
 * targets whose parser reads files.
 */
public final class FuzzFixtures {
    /** Start of the simulated PKI's validity; documents are verified at their own timestamp. */
    public static final java.time.Instant PKI_NOT_BEFORE = java.time.Instant.parse("2025-06-01T00:00:00Z");
    private static final long PKI_SEED = 13;

    private FuzzFixtures() {}

    private static final class Pki {
        static final SimulatedNitroPki INSTANCE = SimulatedNitroPki.create(PKI_NOT_BEFORE, PKI_SEED);
    }

    /** The simulated PKI whose leaf signed the attestation and COSE seeds. */
    public static SimulatedNitroPki pki() {
        return Pki.INSTANCE;
    }

    /**
     * A fresh, empty directory under the JVM's temporary directory for one target; the fuzzing JVM is short-lived
     * and each input empties what it used.
     */
    public static Path scratch(String name) {
        try {
            return Files.createTempDirectory("attested-fuzz-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes everything below {@code dir} (not {@code dir} itself) except the entries named in {@code keep}. */
    public static void empty(Path dir, String... keep) {
        java.util.Set<Path> kept = new java.util.HashSet<>();
        for (String k : keep) {
            kept.add(dir.resolve(k));
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir) && !kept.contains(p)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

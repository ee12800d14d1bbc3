package dev.attested.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.fuzz.FuzzFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz target for the blob zip ({@link BootBlobs#unzip}, what {@code -Dattestation.blobs=g:a:v} unpacks;
 * docs/fuzzing.md). Contract for any zip: a complete blob set or a {@link BuildException} with a code, nothing
 * else, within a memory budget; nothing is written outside the target directory; and an accepted set names files
 * that exist there as regular files.
 */
class BootBlobsFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(16, 64);
    private static final Path DIR = FuzzFixtures.scratch("blobs");

    @FuzzTest(maxDuration = "5m")
    void unzip(byte[] zip) throws Exception {
        FuzzFixtures.empty(DIR);
        Path zipFile = Files.write(DIR.resolve("blobs.zip"), zip);
        Path target = DIR.resolve("unpacked");
        try {
            BootBlobs blobs = BUDGET.measure(zip.length, () -> {
                FuzzFixtures.empty(DIR, "blobs.zip");
                return BootBlobs.unzip(zipFile, target, Optional.empty());
            });
            for (Path p : List.of(blobs.kernel(), blobs.kernelConfig(), blobs.cmdline(), blobs.init(), blobs.nsmKo())) {
                assertEquals(target, p.getParent(), "a blob outside the target directory: " + p);
                assertTrue(Files.isRegularFile(p), "an accepted blob that is no file: " + p);
            }
            assertNotNull(blobs.cmdlineText());
        } catch (BuildException e) {
            assertNotNull(e.code());
        }
        try (var left = Files.list(DIR)) {
            List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(List.of("blobs.zip").equals(names) || List.of("blobs.zip", "unpacked").equals(names),
                    "the unzip wrote beside its target directory: " + names);
        }
    }
}

package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example of docs/library-release.md, compiled and run: the code between the {@code example} markers is the
 * code block of the document, character for character.
 */
class LibraryReleaseExampleTest {

    // example:release
    static void release(Path checkout, String version) {
        Path out = checkout.resolve("target/attestation");
        BuildInputs build = new BuildInputs("com.example:app", version, "", "https://example.com/app.git",
                new TreeMap<>(Map.of("jdk", Runtime.version().toString(), "gradle", "9.1")), "1.0.0");
        Release.Result result = Release.run(new Release.Request(
                out.resolve("pcr-manifest.json"), null,           // the EIF is the one the manifest names
                "2026-01-01T00:00:00Z",                           // the build's fixed output timestamp
                checkout, false,                                  // refuse uncommitted changes
                build,
                new Release.PolicyChoice.DefaultLocation(out.resolve("kms-policy.json")),
                out.resolve("release"),
                new Release.HistoryUpdate("prod", checkout.resolve("pcr-history.json"), List.of())));
        System.out.println((result.bundle().created() ? "Released " : "Already released: ")
                + result.bundle().directory());
        result.warnings().forEach(w -> System.out.println("warning: " + w.message()));
    }

    static void reproduce(Path downloadedManifest, Path rebuiltManifest, Path checkout) {
        Reproduction.Published published = Reproduction.Published.read(downloadedManifest, null);
        // ... rebuild the checkout with published.manifest().outputTimestamp(), any way you like ...
        Reproduction r = Reproduction.compare(published, rebuiltManifest, null, checkout,
                checkout.resolve("reproduce-report.json"));
        System.out.print(r.comparison().render());
        r.requireReproduced(); // REPRODUCE_PCR_MISMATCH unless every PCR matches
    }
    // end:release

    @TempDir
    Path dir;

    @Test
    void theDocumentShowsThisCode() throws Exception {
        String source = Files.readString(Path.of("src/test/java/dev/attested/release/LibraryReleaseExampleTest.java"));
        String code = source.substring(source.indexOf("    // example:release\n") + "    // example:release\n".length(),
                source.indexOf("    // end:release\n"));
        String unindented = code.lines().map(l -> l.startsWith("    ") ? l.substring(4) : l)
                .reduce("", (a, b) -> a + b + "\n");
        String doc = Files.readString(Path.of("../docs/library-release.md"), StandardCharsets.UTF_8);
        assertTrue(doc.contains("```java\n" + unindented + "```\n"), "docs/library-release.md shows the example");
    }

    @Test
    void theExampleReleasesAndReproduces() throws Exception {
        Path checkout = WorkingTreeTest.repository(dir.resolve("app"));
        Path out = checkout.resolve("target/attestation");
        Path eif = ReleaseFixtures.eif(out, "EIF bytes");
        PcrManifest m = ReleaseFixtures.manifest(eif, "kernel", "app", ReleaseFixtures.blobs("33".repeat(32)), "scratch");
        m.write(out.resolve("pcr-manifest.json"));

        release(checkout, "1.0.0");
        Path bundle = out.resolve("release/1.0.0");
        assertTrue(Files.exists(bundle.resolve(ReleaseBundle.SUMS_FILE)));
        assertTrue(Files.readString(checkout.resolve("pcr-history.json")).contains("\"prod\""));

        reproduce(bundle.resolve("pcr-manifest.json"), out.resolve("pcr-manifest.json"), checkout);
        assertTrue(Files.readString(checkout.resolve("reproduce-report.json")).contains("\"reproduced\" : true"));
        assertFalse(Files.exists(out.resolve("release/1.0.0.tmp")));
        assertEquals(1, Files.list(out.resolve("release")).count(), "no temporary directory left");
    }
}

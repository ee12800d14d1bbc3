package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.pcr.PcrManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reproduce decision as a library call, with a rebuild made any way: compare, report, verdict. */
class ReproductionTest {
    @TempDir
    Path dir;

    /** A release directory (EIF, manifest, build manifest) or a rebuild output under {@code dir/name}. */
    private Path output(String name, String eifBytes, String app) throws Exception {
        Path out = dir.resolve(name);
        Path eif = ReleaseFixtures.eif(out, eifBytes);
        PcrManifest m = ReleaseFixtures.manifest(eif, "kernel", app, ReleaseFixtures.blobs("33".repeat(32)), "scratch");
        m.write(out.resolve("pcr-manifest.json"));
        Files.write(out.resolve(BuildManifest.FILE_NAME), ReleaseFixtures.build(m, "aa".repeat(20), "25").toJson());
        return out.resolve("pcr-manifest.json");
    }

    private static BuildInputs inputs(String jdk) {
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put("jdk", jdk);
        return new BuildInputs("com.example:app", "1.0.0", null, null, tools, "0.1.0-test");
    }

    private static JsonNode json(Path f) throws Exception {
        return new ObjectMapper().readTree(f.toFile());
    }

    @Test
    void anIdenticalRebuildIsReproducedAndTheReportSaysSo() throws Exception {
        Path published = output("release", "EIF bytes", "app");
        Path rebuilt = output("rebuild", "EIF bytes", "app");
        Path report = dir.resolve("out/report.json");
        Reproduction r = Reproduction.compare(new Reproduction.Request(published, null, rebuilt, inputs("25"), null,
                report));
        assertTrue(r.reproduced());
        assertTrue(r.comparison().eifIdentical());
        assertEquals(r, r.requireReproduced());
        assertTrue(json(report).get("reproduced").asBoolean());
        assertEquals(r.comparison().toJson().length, Files.size(report));
    }

    @Test
    void aRebuildWithOtherPcrsIsReportedThenRefusedWithTheCode() throws Exception {
        Path published = output("release", "EIF bytes", "app");
        Path rebuilt = output("rebuild", "EIF bytes of changed source", "changed app");
        Path report = dir.resolve("report.json");
        Reproduction r = Reproduction.compare(new Reproduction.Request(published, null, rebuilt, inputs("21"), null,
                report));
        assertFalse(r.reproduced());
        JsonNode written = json(report);
        assertFalse(written.get("reproduced").asBoolean(), "the report is written before the verdict");
        assertTrue(written.toString().contains("tools/jdk"), "the published build manifest next to the manifest"
                + " was compared with the rebuild's inputs: " + written);
        ReleaseException e = assertThrows(ReleaseException.class, r::requireReproduced);
        assertEquals(ReleaseException.Code.REPRODUCE_PCR_MISMATCH, e.code());
        assertTrue(e.getMessage().startsWith("REPRODUCE_PCR_MISMATCH: PCR0, PCR2 of the rebuild differ from "
                + published), e.getMessage());
        assertTrue(e.getMessage().contains("PCR2 (the application ramdisk"), e.getMessage());
    }

    @Test
    void aBuildManifestNamedButMissingIsAnErrorBeforeAnythingIsCompared() throws Exception {
        Path published = output("release", "EIF bytes", "app");
        ReleaseException e = assertThrows(ReleaseException.class,
                () -> Reproduction.Published.read(published, dir.resolve("elsewhere/build-manifest.json")));
        assertEquals(ReleaseException.Code.BUILD_MANIFEST_NOT_FOUND, e.code());
        Path report = dir.resolve("report.json");
        assertThrows(ReleaseException.class, () -> Reproduction.compare(new Reproduction.Request(published,
                dir.resolve("elsewhere/build-manifest.json"), published, null, null, report)));
        assertFalse(Files.exists(report));
    }

    @Test
    void aReleaseWithoutBuildManifestIsComparedOnPcrsAlone() throws Exception {
        Path published = output("release", "EIF bytes", "app");
        Files.delete(published.resolveSibling(BuildManifest.FILE_NAME));
        Reproduction.Published p = Reproduction.Published.read(published, null);
        assertEquals(null, p.build());
        Reproduction r = Reproduction.compare(p, output("rebuild", "EIF bytes", "app"), inputs("21"), null,
                dir.resolve("report.json"));
        assertTrue(r.reproduced());
        assertTrue(r.comparison().inputs().isEmpty(), r.comparison().inputs().toString());
    }

    @Test
    void anUnreadableRebuiltManifestLeavesNoReport() throws Exception {
        Path published = output("release", "EIF bytes", "app");
        Path report = dir.resolve("report.json");
        assertThrows(RuntimeException.class, () -> Reproduction.compare(new Reproduction.Request(published, null,
                dir.resolve("missing/pcr-manifest.json"), null, null, report)));
        assertFalse(Files.exists(report));
    }
}

package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.PcrManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReproduceComparisonTest {

    @TempDir
    Path dir;

    private PcrManifest manifest(String name, String eifBytes, String kernel, String app, String kernelSha, String base)
            throws Exception {
        Path eif = ReleaseFixtures.eif(dir.resolve(name), eifBytes);
        return ReleaseFixtures.manifest(eif, kernel, app, ReleaseFixtures.blobs(kernelSha), base);
    }

    @Test
    void identicalBuildsReproduce() throws Exception {
        PcrManifest a = manifest("a", "eif", "k", "app", "33".repeat(32), "scratch");
        PcrManifest b = manifest("b", "eif", "k", "app", "33".repeat(32), "scratch");
        ReproduceComparison c = ReproduceComparison.compare(a, ReleaseFixtures.build(a, "aa".repeat(20), "25"),
                b, ReleaseFixtures.build(b, "aa".repeat(20), "25"));
        assertTrue(c.pcrsMatch());
        assertTrue(c.eifIdentical());
        assertEquals(List.of(), c.inputs());
        assertEquals(List.of(), c.causes());
        assertTrue(c.render().startsWith("REPRODUCED"));
    }

    @Test
    void changedSourceWithEqualInputsNamesPcr2AndTheSource() throws Exception {
        PcrManifest a = manifest("a", "eif", "k", "app", "33".repeat(32), "scratch");
        PcrManifest b = manifest("b", "eif2", "k", "app changed", "33".repeat(32), "scratch");
        ReproduceComparison c = ReproduceComparison.compare(a, null, b, null);
        assertFalse(c.pcrsMatch());
        assertEquals(List.of("PCR0", "PCR2"), c.differingPcrs());
        assertEquals(1, c.causes().size());
        assertTrue(c.causes().get(0).startsWith("PCR2"), c.causes().get(0));
        assertTrue(c.causes().get(0).contains("source files or the dependencies differ"), c.causes().get(0));
        assertTrue(c.render().startsWith("NOT REPRODUCED: PCR0, PCR2 differ"), c.render());
    }

    @Test
    void otherBootBlobsAreBlamedForPcr1() throws Exception {
        PcrManifest a = manifest("a", "eif", "k", "app", "33".repeat(32), "scratch");
        PcrManifest b = manifest("b", "eif2", "k2", "app", "44".repeat(32), "scratch");
        ReproduceComparison c = ReproduceComparison.compare(a, null, b, null);
        assertEquals(List.of("PCR0", "PCR1"), c.differingPcrs());
        assertEquals(List.of(new ReproduceComparison.InputDifference("blobs/bzImage", "33".repeat(32), "44".repeat(32))),
                c.inputs());
        assertTrue(c.causes().get(0).contains("blobs/bzImage"), c.causes().get(0));
    }

    @Test
    void anotherJdkOrBaseImageIsBlamedForPcr2() throws Exception {
        String baseA = "example/base@sha256:" + "aa".repeat(32);
        String baseB = "example/base@sha256:" + "bb".repeat(32);
        PcrManifest a = manifest("a", "eif", "k", "app", "33".repeat(32), baseA);
        PcrManifest b = manifest("b", "eif2", "k", "app2", "33".repeat(32), baseB);
        ReproduceComparison c = ReproduceComparison.compare(a, ReleaseFixtures.build(a, "aa".repeat(20), "25.0.1"),
                b, ReleaseFixtures.build(b, "aa".repeat(20), "21.0.5"));
        String cause = c.causes().get(0);
        assertTrue(cause.contains("image/baseDigest (another base image)"), cause);
        assertTrue(cause.contains("tools/jdk (another JDK compiles other class files)"), cause);
        assertFalse(cause.contains("source/revision"), cause);
    }

    /** The same tar:// base path with other content: the recorded digests name it, the path does not hide it. */
    @Test
    void anotherBaseTarballBehindTheSamePathIsBlamedForPcr2() throws Exception {
        PcrManifest a = withBaseTarball(manifest("a", "eif", "k", "app", "33".repeat(32), "tar://base/jre.tar"), "aa");
        PcrManifest b = withBaseTarball(manifest("b", "eif2", "k", "app2", "33".repeat(32), "tar://base/jre.tar"), "bb");
        ReproduceComparison c = ReproduceComparison.compare(a, null, b, null);
        assertEquals(List.of("PCR0", "PCR2"), c.differingPcrs());
        assertTrue(c.inputs().stream().anyMatch(d -> d.input().equals("image/baseTarball/sha256")), c.render());
        assertFalse(c.inputs().stream().anyMatch(d -> d.input().equals("image/base")), c.render());
        String cause = c.causes().get(0);
        assertTrue(cause.contains("image/baseTarball/sha256 (another base image tarball)"), cause);
    }

    private static PcrManifest withBaseTarball(PcrManifest m, String hex) {
        PcrManifest.Image i = m.image();
        PcrManifest.Tarball t = new PcrManifest.Tarball("base/jre.tar", hex.repeat(32), "sha256:" + hex.repeat(32),
                List.of("sha256:" + hex.repeat(32)));
        return new PcrManifest(m.schemaVersion(), m.eif(), m.hashAlgorithm(), m.pcrs(), m.kmsConditions(),
                new PcrManifest.Image(i.name(), i.version(), i.digest(), i.base(), t, null), m.blobs(), m.cmdline(),
                m.mode(), m.arch(), m.tools(), m.outputTimestamp());
    }

    @Test
    void equalPcrsWithAnotherEifFileAreMetadataOnlyAndStillReproduce() throws Exception {
        PcrManifest a = manifest("a", "eif", "k", "app", "33".repeat(32), "scratch");
        PcrManifest b = manifest("b", "eif with other metadata", "k", "app", "33".repeat(32), "scratch");
        ReproduceComparison c = ReproduceComparison.compare(a, null, b, null);
        assertTrue(c.pcrsMatch());
        assertFalse(c.eifIdentical());
        assertTrue(c.causes().get(0).startsWith("All PCRs match; only the EIF file differs"), c.causes().get(0));
    }

    @Test
    void jsonReportCarriesTheVerdictAndEachPcr() throws Exception {
        PcrManifest a = manifest("a", "eif", "k", "app", "33".repeat(32), "scratch");
        PcrManifest b = manifest("b", "eif2", "k", "app changed", "33".repeat(32), "scratch");
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                ReproduceComparison.compare(a, null, b, null).toJson());
        assertFalse(tree.get("reproduced").asBoolean());
        assertEquals("PCR2", tree.at("/pcrs/2/name").asText());
        assertFalse(tree.at("/pcrs/2/match").asBoolean());
        assertTrue(tree.at("/pcrs/1/match").asBoolean());
    }
}

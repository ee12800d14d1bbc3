package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseBundleTest {
    private final ObjectMapper json = new ObjectMapper();

    private ReleaseBundle.Request request(Path dir) throws Exception {
        Path eif = ReleaseFixtures.eif(dir.resolve("build"), "EIF bytes");
        PcrManifest m = ReleaseFixtures.manifest(eif, "kernel", "app", ReleaseFixtures.blobs("33".repeat(32)),
                "scratch");
        return new ReleaseBundle.Request(eif, m, ReleaseFixtures.build(m, "ab".repeat(20), "25.0.1"), null, "0.1.0");
    }

    @Test
    void bundleHoldsEifManifestsPolicyProvenanceInstructionsAndSums(@TempDir Path dir) throws Exception {
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"), request(dir));
        assertEquals(dir.resolve("release").resolve("1.0.0"), b.directory());
        assertEquals(Set.of("app-1.0.0.eif", "pcr-manifest.json", "build-manifest.json", "kms-policy-template.json",
                "provenance.intoto.json", "REPRODUCE.md", "SHA256SUMS"), ReleaseBundle.listing(b.directory()).keySet());
        assertEquals("EIF bytes", Files.readString(b.directory().resolve("app-1.0.0.eif")));
        try (Stream<Path> s = Files.list(dir.resolve("release"))) {
            assertEquals(List.of("1.0.0"), s.map(p -> p.getFileName().toString()).toList(), "no temporary directory left");
        }
    }

    @Test
    void sha256sumsListsEveryOtherFileSortedInSha256sumFormat(@TempDir Path dir) throws Exception {
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"), request(dir));
        List<String> lines = Files.readAllLines(b.directory().resolve("SHA256SUMS"));
        assertEquals(6, lines.size());
        List<String> names = lines.stream().map(l -> l.substring(66)).toList();
        assertEquals(names.stream().sorted().toList(), names);
        for (String line : lines) {
            assertTrue(line.matches("[0-9a-f]{64}  \\S+"), line);
            Path f = b.directory().resolve(line.substring(66));
            assertEquals(line.substring(0, 64), Sha256Sums.of(f), "sum of " + f.getFileName());
        }
    }

    @Test
    void sameInputsGiveByteIdenticalBundles(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        ReleaseBundle a = ReleaseBundle.write(dir.resolve("a"), r);
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("b"), r);
        for (String name : ReleaseBundle.listing(a.directory()).keySet()) {
            assertArrayEquals(Files.readAllBytes(a.directory().resolve(name)),
                    Files.readAllBytes(b.directory().resolve(name)), name);
            assertEquals(FileTime.from(Instant.parse(ReleaseFixtures.TIMESTAMP)),
                    Files.getLastModifiedTime(a.directory().resolve(name)), "file time of " + name);
        }
    }

    @Test
    void provenanceIsAnInTotoStatementAboutTheEifCarryingThePcrs(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"), r);
        JsonNode st = json.readTree(b.directory().resolve("provenance.intoto.json").toFile());
        assertEquals("https://in-toto.io/Statement/v1", st.get("_type").asText());
        assertEquals("https://slsa.dev/provenance/v1", st.get("predicateType").asText());
        assertEquals("app-1.0.0.eif", st.at("/subject/0/name").asText());
        assertEquals(r.manifest().eif().sha256(), st.at("/subject/0/digest/sha256").asText());
        JsonNode pcrs = st.at("/predicate/runDetails/byproducts/1/annotations/pcrs");
        assertEquals(r.manifest().pcrs().get(2), pcrs.get("PCR2").asText());
        assertEquals(Sha256Sums.of(b.directory().resolve("pcr-manifest.json")),
                st.at("/predicate/runDetails/byproducts/1/digest/sha256").asText());
        JsonNode deps = st.at("/predicate/buildDefinition/resolvedDependencies");
        assertEquals("ab".repeat(20), deps.get(0).at("/digest/gitCommit").asText());
        assertEquals("blobs/bzImage", deps.get(1).get("name").asText());
    }

    @Test
    void kmsPolicyTemplatePinsTheReleasedImageAndLeavesAccountPlaceholders(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"), r);
        String text = Files.readString(b.directory().resolve("kms-policy-template.json"));
        JsonNode policy = json.readTree(text);
        JsonNode cond = policy.at("/Statement/2/Condition/StringEqualsIgnoreCase");
        assertEquals(r.manifest().pcrs().get(0), cond.get("kms:RecipientAttestation:ImageSha384").asText());
        assertEquals(r.manifest().pcrs().get(2), cond.get("kms:RecipientAttestation:PCR2").asText());
        assertEquals("Deny", policy.at("/Statement/3/Effect").asText());
        assertTrue(text.contains("${PARENT_ROLE_ARN}") && text.contains("${ACCOUNT_ID}"));
    }

    @Test
    void aPolicyFromTheKmsPolicyGoalIsShippedInsteadOfTheTemplate(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        byte[] policy = ("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Enclave\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/enclave\"},\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":{"
                + "\"kms:RecipientAttestation:ImageSha384\":\"" + r.manifest().pcrs().get(0) + "\"}}}]}\n")
                .getBytes(StandardCharsets.UTF_8);
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"),
                new ReleaseBundle.Request(r.eif(), r.manifest(), r.build(), policy, "0.1.0"));
        assertArrayEquals(policy, Files.readAllBytes(b.directory().resolve("kms-policy.json")));
        assertFalse(Files.exists(b.directory().resolve("kms-policy-template.json")));
    }

    @Test
    void reproduceInstructionsNameTheRevisionBlobsAndTheGoal(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"), r);
        String md = Files.readString(b.directory().resolve("REPRODUCE.md"));
        assertTrue(md.contains("git checkout " + "ab".repeat(20)), md);
        assertTrue(md.contains("git clone https://example.com/app.git"), md);
        assertTrue(md.contains("dev.attested:attestation-maven-plugin:0.1.0:reproduce"), md);
        assertTrue(md.contains("33".repeat(32) + "  bzImage"), md);
        assertTrue(md.contains("| PCR2 | `" + r.manifest().pcrs().get(2) + "` |"), md);
        assertTrue(md.contains("sha256sum -c SHA256SUMS"), md);
    }

    @Test
    void aRerunWithTheSamePcrsKeepsTheBundleByteForByte(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        Path root = dir.resolve("release");
        ReleaseBundle first = ReleaseBundle.write(root, r);
        assertTrue(first.created());
        Map<String, String> before = BundleSnapshot.of(root);
        ReleaseBundle again = ReleaseBundle.write(root, r);
        assertFalse(again.created(), "kept, not rewritten");
        assertEquals(Set.of(), again.differences());
        assertEquals(first.sums(), again.sums());
        assertEquals(before, BundleSnapshot.of(root));
    }

    @Test
    void aRerunWithTheSamePcrsFromAnotherCommitKeepsThePublishedFilesAndNamesWhatDiffers(@TempDir Path dir)
            throws Exception {
        ReleaseBundle.Request r = request(dir);
        Path root = dir.resolve("release");
        ReleaseBundle.write(root, r);
        Map<String, String> before = BundleSnapshot.of(root);
        ReleaseBundle.Request later = new ReleaseBundle.Request(r.eif(), r.manifest(),
                ReleaseFixtures.build(r.manifest(), "cd".repeat(20), "25.0.1"), null, "0.1.0");
        ReleaseBundle kept = ReleaseBundle.write(root, later);
        assertFalse(kept.created());
        assertEquals(Set.of("build-manifest.json", "provenance.intoto.json", "REPRODUCE.md"), kept.differences());
        assertEquals(before, BundleSnapshot.of(root));
    }

    @Test
    void anotherBuildOfTheSameVersionWithOtherPcrsIsRefusedAndTheEarlierBundleIsUntouched(@TempDir Path dir)
            throws Exception {
        ReleaseBundle.Request r = request(dir);
        Path root = dir.resolve("release");
        ReleaseBundle.write(root, r);
        Map<String, String> before = BundleSnapshot.of(root);

        Path eif = ReleaseFixtures.eif(dir.resolve("rebuild"), "other EIF bytes");
        PcrManifest other = ReleaseFixtures.manifest(eif, "kernel", "changed app",
                ReleaseFixtures.blobs("33".repeat(32)), "scratch");
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root, new ReleaseBundle.Request(eif,
                other, ReleaseFixtures.build(other, "ab".repeat(20), "25.0.1"), null, "0.1.0")));
        assertEquals(ReleaseException.Code.RELEASE_BUNDLE_EXISTS, e.code());
        assertTrue(e.getMessage().contains("PCR0, PCR2 differ"), e.getMessage());
        assertEquals(before, BundleSnapshot.of(root), "byte for byte, and no temporary directory left");
    }

    @Test
    void aBundleDirectoryWithoutAReadableManifestIsNotReplaced(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        Path root = dir.resolve("release");
        Files.createDirectories(root.resolve("1.0.0"));
        Files.writeString(root.resolve("1.0.0/app-1.0.0.eif"), "half an EIF");
        Map<String, String> missing = BundleSnapshot.of(root);
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root, r));
        assertEquals(ReleaseException.Code.RELEASE_BUNDLE_INCOMPLETE, e.code());
        assertEquals(missing, BundleSnapshot.of(root));

        Files.writeString(root.resolve("1.0.0/pcr-manifest.json"), "{\"schemaVersion\": 1, \"pcrs\": ");
        Map<String, String> corrupt = BundleSnapshot.of(root);
        e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root, r));
        assertEquals(ReleaseException.Code.RELEASE_BUNDLE_INCOMPLETE, e.code());
        assertEquals(corrupt, BundleSnapshot.of(root));
    }

    @Test
    void aBundleWithTheSamePcrsThatFailsItsOwnSha256sumsIsNotTakenAsReleased(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        Path root = dir.resolve("release");
        ReleaseBundle first = ReleaseBundle.write(root, r);
        Files.writeString(first.directory().resolve("REPRODUCE.md"), "edited by hand");
        Map<String, String> edited = BundleSnapshot.of(root);
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root, r));
        assertEquals(ReleaseException.Code.RELEASE_BUNDLE_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("REPRODUCE.md does not match"), e.getMessage());
        assertEquals(edited, BundleSnapshot.of(root));

        Files.delete(first.directory().resolve("SHA256SUMS"));
        e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root, r));
        assertEquals(ReleaseException.Code.RELEASE_BUNDLE_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("no SHA256SUMS"), e.getMessage());
    }

    @Test
    void aStaleKmsPolicyIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        Path root = dir.resolve("release");
        Path oldEif = ReleaseFixtures.eif(dir.resolve("old"), "old EIF");
        PcrManifest old = ReleaseFixtures.manifest(oldEif, "kernel", "old app", ReleaseFixtures.blobs("33".repeat(32)),
                "scratch");
        byte[] stale = KmsPolicyTemplate.forRelease(old);
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root,
                new ReleaseBundle.Request(r.eif(), r.manifest(), r.build(), stale, "0.1.0")));
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertFalse(Files.exists(root), "nothing written");

        ReleaseBundle.write(root, r);
        Map<String, String> before = BundleSnapshot.of(root);
        e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(root,
                new ReleaseBundle.Request(r.eif(), r.manifest(), r.build(), stale, "0.1.0")));
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertEquals(before, BundleSnapshot.of(root));
    }

    @Test
    void aPolicyThatIsNotJsonIsRefused(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        byte[] broken = "{\"Version\": \"2012-10-17\", \"Statement\": [".getBytes(StandardCharsets.UTF_8);
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(dir.resolve("release"),
                new ReleaseBundle.Request(r.eif(), r.manifest(), r.build(), broken, "0.1.0")));
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MALFORMED, e.code());
        assertFalse(Files.exists(dir.resolve("release")));
    }

    @Test
    void aProjectWithoutOutputTimestampIsRefused(@TempDir Path dir) throws Exception {
        PcrManifest m = request(dir).manifest();
        for (String unset : new String[] {null, "", " ", "a"}) {
            var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.requireOutputTimestamp(unset, m));
            assertEquals(ReleaseException.Code.RELEASE_NO_TIMESTAMP, e.code(), "'" + unset + "'");
            assertTrue(e.hint().contains("output timestamp (outputTimestamp)"), e.getMessage());
        }
        var bad = assertThrows(ReleaseException.class, () -> ReleaseBundle.requireOutputTimestamp("yesterday", m));
        assertEquals(ReleaseException.Code.RELEASE_NO_TIMESTAMP, bad.code());
        var other = assertThrows(ReleaseException.class,
                () -> ReleaseBundle.requireOutputTimestamp("2026-02-01T00:00:00Z", m));
        assertEquals(ReleaseException.Code.RELEASE_TIMESTAMP_MISMATCH, other.code());
        ReleaseBundle.requireOutputTimestamp(ReleaseFixtures.TIMESTAMP, m);
        ReleaseBundle.requireOutputTimestamp("2026-01-01T01:00:00+01:00", m);
        ReleaseBundle.requireOutputTimestamp(Long.toString(Instant.parse(ReleaseFixtures.TIMESTAMP).getEpochSecond()), m);
    }

    @Test
    void aDirtyReleaseSaysSoInTheBuildManifestReproduceMdAndProvenance(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        BuildManifest clean = r.build();
        BuildManifest dirty = BuildManifest.of(clean.project(), clean.version(), null,
                new BuildManifest.Source("https://example.com/app.git", "ab".repeat(20), "refs/heads/main", true),
                clean.tools(), r.manifest());
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"),
                new ReleaseBundle.Request(r.eif(), r.manifest(), dirty, null, "0.1.0"));
        JsonNode build = json.readTree(b.directory().resolve("build-manifest.json").toFile());
        assertTrue(build.at("/source/dirty").asBoolean(), build.toString());
        assertTrue(BuildManifest.readIfPresent(b.directory().resolve("build-manifest.json")).sourceDirty());
        String md = Files.readString(b.directory().resolve("REPRODUCE.md"));
        assertTrue(md.contains("## Warning: not reproducible from a commit"), md);
        assertTrue(md.contains("differed from commit `" + "ab".repeat(20) + "`"), md);
        JsonNode st = json.readTree(b.directory().resolve("provenance.intoto.json").toFile());
        assertTrue(st.at("/predicate/buildDefinition/resolvedDependencies/0/annotations/dirty").asBoolean());

        ReleaseBundle c = ReleaseBundle.write(dir.resolve("clean"), r);
        assertFalse(json.readTree(c.directory().resolve("build-manifest.json").toFile()).at("/source/dirty").asBoolean());
        assertFalse(Files.readString(c.directory().resolve("REPRODUCE.md")).contains("Warning"));
    }

    @Test
    void aReleaseOutsideAnyCheckoutSaysItNamesNoRevision(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        BuildManifest unversioned = BuildManifest.of("com.example:app", "1.0.0", null,
                new BuildManifest.Source(null, null, null, true), r.build().tools(), r.manifest());
        ReleaseBundle b = ReleaseBundle.write(dir.resolve("release"),
                new ReleaseBundle.Request(r.eif(), r.manifest(), unversioned, null, "0.1.0"));
        String md = Files.readString(b.directory().resolve("REPRODUCE.md"));
        assertTrue(md.contains("built outside a Git checkout, so it names no source revision"), md);
    }

    @Test
    void anEifThatIsNotTheOneTheManifestDescribesIsRefused(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        Files.writeString(r.eif(), "rebuilt since");
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(dir.resolve("release"), r));
        assertEquals(ReleaseException.Code.RELEASE_EIF_MISMATCH, e.code());
        assertFalse(Files.exists(dir.resolve("release").resolve("1.0.0")), "no partial bundle");
    }

    @Test
    void aMissingEifIsReportedAsSuch(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        Files.delete(r.eif());
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(dir.resolve("release"), r));
        assertEquals(ReleaseException.Code.RELEASE_EIF_NOT_FOUND, e.code());
    }

    @Test
    void versionsThatAreNotSafeDirectoryNamesAreRefused(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        BuildManifest bad = new BuildManifest(1, "g:a", "../1.0", null, null, new TreeMap<>(), null, null, null,
                null, null, null, null, ReleaseFixtures.TIMESTAMP, r.manifest().eif());
        var e = assertThrows(ReleaseException.class, () -> ReleaseBundle.write(dir.resolve("release"),
                new ReleaseBundle.Request(r.eif(), r.manifest(), bad, null, "0.1.0")));
        assertEquals(ReleaseException.Code.RELEASE_BAD_NAME, e.code());
    }

    @Test
    void buildManifestRoundTripsAndTakesTheBaseImageDigestFromAPinnedReference(@TempDir Path dir) throws Exception {
        ReleaseBundle.Request r = request(dir);
        assertEquals(r.build(), BuildManifest.parse(r.build().toJson(), "test"));
        assertEquals("sha256:" + "cd".repeat(32),
                BuildManifest.digestOf("public.ecr.aws/x/y@sha256:" + "cd".repeat(32)));
        assertEquals(null, BuildManifest.digestOf("eclipse-temurin:21"));
        var e = assertThrows(ReleaseException.class,
                () -> BuildManifest.parse("{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8), "t"));
        assertEquals(ReleaseException.Code.BUILD_MANIFEST_MALFORMED, e.code());
    }
}

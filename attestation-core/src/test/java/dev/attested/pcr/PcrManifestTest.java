package dev.attested.pcr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcrManifestTest {

    private static PcrManifest sample() {
        TreeMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, Pcr.ofContent("a".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(1, Pcr.ofContent("b".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(2, Pcr.ofContent("c".getBytes(StandardCharsets.UTF_8)));
        TreeMap<String, String> blobs = new TreeMap<>();
        blobs.put("init", "11".repeat(32));
        blobs.put("bzImage", "22".repeat(32));
        return PcrManifest.of(new PcrManifest.Eif("app-1.0.eif", "33".repeat(32), 1234),
                pcrs, new PcrManifest.Image("app", "1.0", "sha256:" + "44".repeat(32), "scratch"), blobs,
                "console=ttyS0", "native", "x86_64", new TreeMap<>(), "2026-01-01T00:00:00Z");
    }

    @Test
    void roundTripsThroughAFileAndIsByteStable(@TempDir Path dir) throws Exception {
        PcrManifest m = sample();
        Path f = dir.resolve("pcr-manifest.json");
        m.write(f);
        PcrManifest back = PcrManifest.read(f);
        assertEquals(m, back);
        assertArrayEquals(Files.readAllBytes(f), back.toJson());
        assertEquals(m.pcrs().get(0), back.kmsConditions().get("kms:RecipientAttestation:ImageSha384"));
        assertEquals(m.pcrs().get(2), back.kmsConditions().get("kms:RecipientAttestation:PCR2"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    private static PcrManifest withImage(PcrManifest.Image image) {
        PcrManifest m = sample();
        return new PcrManifest(m.schemaVersion(), m.eif(), m.hashAlgorithm(), m.pcrs(), m.kmsConditions(), image,
                m.blobs(), m.cmdline(), m.mode(), m.arch(), m.tools(), m.outputTimestamp());
    }

    private static PcrManifest.Tarball tarball(String path) {
        return new PcrManifest.Tarball(path, "55".repeat(32), "sha256:" + "66".repeat(32),
                java.util.List.of("sha256:" + "77".repeat(32), "sha256:" + "88".repeat(32)));
    }

    @Test
    void imageTarballsRoundTripInAFixedFieldOrder() {
        PcrManifest m = withImage(new PcrManifest.Image("app", "1.0", "sha256:" + "44".repeat(32), "tar://base/jre.tar",
                tarball("base/jre.tar"), null));
        PcrManifest back = PcrManifest.parse(m.toJson(), "test");
        assertEquals(m, back);
        String json = new String(m.toJson(), StandardCharsets.UTF_8);
        assertEquals(true, json.indexOf("\"base\"") < json.indexOf("\"baseTarball\"")
                && json.indexOf("\"path\"") < json.indexOf("\"sha256\" : \"5555")
                && json.indexOf("\"config\"") < json.indexOf("\"layers\""), json);
        assertEquals(false, json.contains("\"tarball\""), "absent fields are left out: " + json);
    }

    @Test
    void tarballPathsThatLeaveTheProjectAreMalformed() {
        for (String bad : new String[] {"/tmp/x.tar", "../x.tar", "base/../../x.tar", "a//b.tar", "./x.tar", "a\\b.tar"}) {
            byte[] json = withImage(new PcrManifest.Image("app", "1.0", null, null, tarball(bad), null)).toJson();
            var e = assertThrows(PcrManifestException.class, () -> PcrManifest.parse(json, "test"), bad);
            assertEquals(PcrManifestException.Code.MANIFEST_MALFORMED, e.code());
            assertEquals(true, e.getMessage().contains("image.baseTarball.path"), e.getMessage());
        }
    }

    @Test
    void tarballDigestsMustBeSha256() {
        byte[] json = withImage(new PcrManifest.Image("app", "1.0", null, null, null,
                new PcrManifest.Tarball("i.tar", "55".repeat(32), "sha256:" + "66".repeat(32), java.util.List.of("md5:00"))))
                .toJson();
        var e = assertThrows(PcrManifestException.class, () -> PcrManifest.parse(json, "test"));
        assertEquals(true, e.getMessage().contains("image.tarball.layers"), e.getMessage());
    }

    @Test
    void missingFileHasItsOwnCode(@TempDir Path dir) {
        var e = assertThrows(PcrManifestException.class, () -> PcrManifest.read(dir.resolve("nope.json")));
        assertEquals(PcrManifestException.Code.MANIFEST_NOT_FOUND, e.code());
    }

    @Test
    void upperCaseOrShortPcrIsMalformed() {
        String json = new String(sample().toJson(), StandardCharsets.UTF_8);
        String bad = json.replace(sample().pcrs().get(1), sample().pcrs().get(1).toUpperCase());
        var e = assertThrows(PcrManifestException.class,
                () -> PcrManifest.parse(bad.getBytes(StandardCharsets.UTF_8), "test"));
        assertEquals(PcrManifestException.Code.MANIFEST_MALFORMED, e.code());
    }

    @Test
    void unknownSchemaVersionIsRefused() {
        var e = assertThrows(PcrManifestException.class,
                () -> PcrManifest.parse("{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8), "test"));
        assertEquals(PcrManifestException.Code.MANIFEST_UNSUPPORTED_VERSION, e.code());
    }
}

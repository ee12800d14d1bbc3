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

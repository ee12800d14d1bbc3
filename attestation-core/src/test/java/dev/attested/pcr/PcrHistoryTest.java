package dev.attested.pcr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcrHistoryTest {
    private static final String SCHEMA = "/dev/attested/release-templates/schema/pcr-history.schema.json";

    /** A release whose PCRs are derived from {@code seed}, accepted at {@code at}. */
    private static PcrHistory.Release release(String version, String seed, String at) {
        TreeMap<Integer, String> pcrs = new TreeMap<>();
        for (int i = 0; i < 3; i++) {
            pcrs.put(i, Pcr.ofContent((seed + i).getBytes(StandardCharsets.UTF_8)).hex());
        }
        String sha = (seed.hashCode() & 0xf) + "";
        return new PcrHistory.Release(version, "app-" + version + ".eif", sha.repeat(64).substring(0, 64), pcrs, at, null);
    }

    @Test
    void acceptedReleasesAreListedPerEnvironmentInTheOrderAdded() {
        PcrHistory h = PcrHistory.empty()
                .append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .append("staging", release("1.1", "b", "2026-02-01T00:00:00Z"))
                .append("prod", release("1.1", "b", "2026-02-01T00:00:00Z"));
        assertEquals(List.of("1.0", "1.1"), h.accepted("prod").stream().map(PcrHistory.Release::version).toList());
        assertEquals(List.of("1.1"), h.accepted("staging").stream().map(PcrHistory.Release::version).toList());
        assertEquals(List.of(), h.accepted("dev"));
        assertEquals(release("1.0", "a", "x").pcrs().get(0), h.acceptedPcrSets("prod").get(0).get(0).hex());
    }

    @Test
    void appendingTheSameReleaseAgainChangesNothing() {
        PcrHistory h = PcrHistory.empty().append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"));
        assertSame(h, h.append("prod", release("1.0", "a", "2026-01-01T00:00:00Z")));
        assertArrayEquals(h.toJson(), h.append("prod", release("1.0", "a", "2026-03-01T00:00:00Z")).toJson(),
                "re-running release keeps the first addedAt");
    }

    @Test
    void sameVersionWithOtherMeasurementsIsAConflict() {
        PcrHistory h = PcrHistory.empty().append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"));
        var e = assertThrows(PcrHistoryException.class,
                () -> h.append("prod", release("1.0", "changed", "2026-01-01T00:00:00Z")));
        assertEquals(PcrHistoryException.Code.HISTORY_CONFLICT, e.code());
    }

    @Test
    void retiredReleasesStayRecordedButAreNoLongerAccepted() {
        PcrHistory h = PcrHistory.empty()
                .append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .append("prod", release("1.1", "b", "2026-02-01T00:00:00Z"))
                .retire("prod", "1.0", "2026-02-01T00:00:00Z");
        assertEquals(List.of("1.1"), h.accepted("prod").stream().map(PcrHistory.Release::version).toList());
        assertEquals("2026-02-01T00:00:00Z", h.find("prod", "1.0").orElseThrow().retiredAt());
        assertEquals(2, h.releases("prod").size());
    }

    @Test
    void appendingARetiredReleaseRollsBackToIt() {
        PcrHistory h = PcrHistory.empty()
                .append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .retire("prod", "1.0", "2026-02-01T00:00:00Z")
                .append("prod", release("1.0", "a", "2026-03-01T00:00:00Z"));
        PcrHistory.Release r = h.find("prod", "1.0").orElseThrow();
        assertTrue(r.accepted());
        assertEquals("2026-03-01T00:00:00Z", r.addedAt());
    }

    @Test
    void removeDeletesTheEntryAndAnEmptyEnvironment() {
        PcrHistory h = PcrHistory.empty().append("dev", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .remove("dev", "1.0");
        assertEquals(PcrHistory.empty(), h);
        var e = assertThrows(PcrHistoryException.class, () -> h.remove("dev", "1.0"));
        assertEquals(PcrHistoryException.Code.HISTORY_UNKNOWN_RELEASE, e.code());
        var r = assertThrows(PcrHistoryException.class, () -> h.retire("dev", "9.9", "2026-01-01T00:00:00Z"));
        assertEquals(PcrHistoryException.Code.HISTORY_UNKNOWN_RELEASE, r.code());
    }

    @Test
    void environmentNamesAreRestrictedToSafeCharacters() {
        for (String bad : new String[] {"", "Prod", "prod env", "../prod", "-x"}) {
            var e = assertThrows(PcrHistoryException.class,
                    () -> PcrHistory.empty().append(bad, release("1.0", "a", "2026-01-01T00:00:00Z")), bad);
            assertEquals(PcrHistoryException.Code.HISTORY_BAD_ENVIRONMENT, e.code());
        }
    }

    @Test
    void addedAtMustBeAnInstantNotFreeText() {
        var e = assertThrows(PcrHistoryException.class,
                () -> PcrHistory.empty().append("prod", release("1.0", "a", "yesterday")));
        assertEquals(PcrHistoryException.Code.HISTORY_MALFORMED, e.code());
    }

    @Test
    void writesDeterministicJsonAtomicallyAndReadsItBack(@TempDir Path dir) throws Exception {
        PcrHistory a = PcrHistory.empty()
                .append("staging", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"));
        PcrHistory b = PcrHistory.empty()
                .append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .append("staging", release("1.0", "a", "2026-01-01T00:00:00Z"));
        assertArrayEquals(a.toJson(), b.toJson(), "environment order does not depend on insertion order");
        Path f = dir.resolve("pcr-history.json");
        a.write(f);
        assertEquals(a, PcrHistory.read(f));
        String text = Files.readString(f);
        assertTrue(text.indexOf("\"prod\"") < text.indexOf("\"staging\""));
        assertTrue(text.endsWith("}\n") && !text.contains("\r"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void missingFileIsNotFoundButReadOrEmptyStartsAHistory(@TempDir Path dir) {
        var e = assertThrows(PcrHistoryException.class, () -> PcrHistory.read(dir.resolve("none.json")));
        assertEquals(PcrHistoryException.Code.HISTORY_NOT_FOUND, e.code());
        assertEquals(PcrHistory.empty(), PcrHistory.readOrEmpty(dir.resolve("none.json")));
    }

    @Test
    void malformedFilesAreRejectedWithTheirCode() {
        String[] bad = {
            "not json",
            "{\"schemaVersion\":1}",
            "{\"schemaVersion\":1,\"environments\":{\"prod\":[{\"version\":\"1\"}]}}",
            "{\"schemaVersion\":1,\"environments\":{\"prod\":[{\"version\":\"1\",\"eif\":\"a.eif\",\"eifSha256\":\""
                    + "ab".repeat(32) + "\",\"pcrs\":{\"0\":\"" + "AB".repeat(48) + "\"},\"addedAt\":\"2026-01-01T00:00:00Z\"}]}}",
        };
        for (String json : bad) {
            var e = assertThrows(PcrHistoryException.class,
                    () -> PcrHistory.parse(json.getBytes(StandardCharsets.UTF_8), "test"), json);
            assertEquals(PcrHistoryException.Code.HISTORY_MALFORMED, e.code(), json);
        }
        var v = assertThrows(PcrHistoryException.class, () -> PcrHistory.parse(
                "{\"schemaVersion\":2,\"environments\":{}}".getBytes(StandardCharsets.UTF_8), "test"));
        assertEquals(PcrHistoryException.Code.HISTORY_UNSUPPORTED_VERSION, v.code());
    }

    @Test
    void theSchemaExampleIsAValidHistoryAndValidatesAgainstTheSchema() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode schema;
        try (InputStream in = PcrHistoryTest.class.getResourceAsStream(SCHEMA)) {
            schema = json.readTree(in);
        }
        JsonNode example = schema.get("examples").get(0);
        MiniJsonSchema validator = new MiniJsonSchema(schema);
        assertEquals(List.of(), validator.validate(example));
        PcrHistory parsed = PcrHistory.parse(json.writeValueAsBytes(example), "schema example");
        assertEquals(List.of("1.1.0"), parsed.accepted("prod").stream().map(PcrHistory.Release::version).toList());
    }

    @Test
    void whatTheWriterProducesValidatesAgainstTheSchema() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode schema;
        try (InputStream in = PcrHistoryTest.class.getResourceAsStream(SCHEMA)) {
            schema = json.readTree(in);
        }
        PcrHistory h = PcrHistory.empty()
                .append("prod", release("1.0", "a", "2026-01-01T00:00:00Z"))
                .retire("prod", "1.0", "2026-02-01T00:00:00Z");
        MiniJsonSchema validator = new MiniJsonSchema(schema);
        assertEquals(List.of(), validator.validate(json.readTree(h.toJson())));
        JsonNode broken = json.readTree(h.toJson());
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.get("environments").get("prod").get(0)).remove("pcrs");
        assertEquals(List.of("$.environments.prod[0]: missing required pcrs"), validator.validate(broken),
                "the validator does catch a missing field");
    }
}

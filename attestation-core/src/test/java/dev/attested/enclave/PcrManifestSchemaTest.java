package dev.attested.enclave;

import dev.attested.testkit.FakeBlobs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest build-eif writes conforms to the published schema (release-templates/schema/pcr-manifest.schema.json). */
class PcrManifestSchemaTest {
    @TempDir
    Path dir;

    @Test
    void builtManifestUsesOnlySchemaPropertiesAndHasAllRequiredOnes() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/dev/attested/release-templates/schema/pcr-manifest.schema.json")) {
            schema = json.readTree(in);
        }
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(dir.resolve("blobs")));
        EifBuild.Result r = EifBuild.build(EifBuild.Request.builder(new EifBuild.FromImage(blobs, EifBuildTest.image(dir.resolve("image.tar")),
                        new dev.attested.pcr.PcrManifest.Image("app", "1.0", "sha256:" + "ab".repeat(32), "scratch"), EifBuild.Backend.NATIVE), new EifBuild.BuildTool("attestation-maven-plugin", "test"),
                new EifBuild.Output(dir.resolve("out"), "app-1.0.eif", dir.resolve("work"))).buildTime(EifBuildTest.TIME).build());
        JsonNode manifest = json.readTree(r.manifestFile().toFile());

        assertEquals(1, schema.at("/properties/schemaVersion/const").asInt());
        conforms(schema, schema, manifest, "");
    }

    @Test
    void manifestWithBaseAndImageTarballsConformsToo() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode schema;
        try (InputStream in = getClass().getResourceAsStream("/dev/attested/release-templates/schema/pcr-manifest.schema.json")) {
            schema = json.readTree(in);
        }
        dev.attested.pcr.PcrManifest.Tarball t = new dev.attested.pcr.PcrManifest.Tarball("base/jre.tar", "ab".repeat(32),
                "sha256:" + "cd".repeat(32), java.util.List.of("sha256:" + "ef".repeat(32)));
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(dir.resolve("blobs")));
        EifBuild.Result r = EifBuild.build(EifBuild.Request.builder(new EifBuild.FromImage(blobs, EifBuildTest.image(dir.resolve("image.tar")),
                        new dev.attested.pcr.PcrManifest.Image("app", "1.0", "sha256:" + "ab".repeat(32),
                                "tar://base/jre.tar", t, new dev.attested.pcr.PcrManifest.Tarball(null, "12".repeat(32),
                                        "sha256:" + "34".repeat(32), java.util.List.of())), EifBuild.Backend.NATIVE), new EifBuild.BuildTool("attestation-maven-plugin", "test"),
                new EifBuild.Output(dir.resolve("out"), "app-1.0.eif", dir.resolve("work"))).buildTime(EifBuildTest.TIME).build());
        JsonNode manifest = json.readTree(r.manifestFile().toFile());
        assertEquals("base/jre.tar", manifest.at("/image/baseTarball/path").asText());
        conforms(schema, schema, manifest, "");
    }

    /** Checks required, additionalProperties:false, const, enum and string patterns (what this schema uses). */
    private static void conforms(JsonNode root, JsonNode s, JsonNode v, String at) {
        if (s.has("$ref")) {
            s = root.at(s.get("$ref").asText().substring(1));
        }
        if (s.has("const")) {
            assertEquals(s.get("const"), v, at);
        }
        if (s.has("enum")) {
            assertTrue(iterable(s.get("enum")).contains(v), at + " = " + v);
        }
        if (s.has("pattern")) {
            assertTrue(v.asText().matches(s.get("pattern").asText()), at + " = " + v);
        }
        if (!v.isObject()) {
            return;
        }
        for (JsonNode req : iterable(s.path("required"))) {
            assertTrue(v.has(req.asText()), at + " lacks required " + req);
        }
        for (Map.Entry<String, JsonNode> f : v.properties()) {
            if (s.has("propertyNames")) {
                assertTrue(f.getKey().matches(s.at("/propertyNames/pattern").asText()), at + "/" + f.getKey());
            }
            JsonNode sub = s.path("properties").get(f.getKey());
            if (sub == null) {
                assertTrue(!s.path("additionalProperties").isBoolean() || s.path("additionalProperties").asBoolean(),
                        at + "/" + f.getKey() + " is not in the schema");
                sub = s.path("additionalProperties").isObject() ? s.get("additionalProperties") : null;
            }
            if (sub != null) {
                conforms(root, sub, f.getValue(), at + "/" + f.getKey());
            }
        }
    }

    private static Set<JsonNode> iterable(JsonNode n) {
        Set<JsonNode> out = new HashSet<>();
        n.forEach(out::add);
        return out;
    }
}

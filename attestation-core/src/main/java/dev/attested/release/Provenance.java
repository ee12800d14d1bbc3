package dev.attested.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;

/**
 * An in-toto v1 Statement with a SLSA provenance v1 predicate for a release: the subject is the EIF (SHA-256);
 * the build inputs are the resolved dependencies; the PCRs travel as a byproduct (the PCR manifest, with the
 * values in its annotations), so a consumer of the provenance alone can write a KMS condition.
 *
 * <p>The statement is unsigned; sign it with the tool your organisation uses (e.g. {@code cosign attest-blob}).
 */
public final class Provenance {
    public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
    public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
    public static final String BUILD_TYPE = "https://attested.dev/attestation-maven-plugin/build-eif/v1";
    public static final String FILE_NAME = "provenance.intoto.json";

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private Provenance() {}

    /** The statement as deterministic JSON (UTF-8, LF, trailing newline). */
    public static byte[] statement(PcrManifest manifest, byte[] manifestJson, BuildManifest build) {
        ObjectNode root = JSON.createObjectNode();
        root.put("_type", STATEMENT_TYPE);
        ObjectNode subject = root.putArray("subject").addObject();
        subject.put("name", manifest.eif().file());
        subject.putObject("digest").put("sha256", manifest.eif().sha256());
        root.put("predicateType", PREDICATE_TYPE);
        ObjectNode predicate = root.putObject("predicate");

        ObjectNode definition = predicate.putObject("buildDefinition");
        definition.put("buildType", BUILD_TYPE);
        ObjectNode external = definition.putObject("externalParameters");
        external.put("project", build.project());
        external.put("version", build.version());
        if (build.module() != null) {
            external.put("module", build.module());
        }
        putIfNotNull(external, "mode", build.mode());
        putIfNotNull(external, "arch", build.arch());
        putIfNotNull(external, "cmdline", build.cmdline());
        putIfNotNull(external, "baseImage", build.baseImage());
        putIfNotNull(external, "outputTimestamp", build.outputTimestamp());
        ObjectNode internal = definition.putObject("internalParameters");
        if (build.tools() != null) {
            build.tools().forEach(internal::put);
        }
        ArrayNode deps = definition.putArray("resolvedDependencies");
        if (build.source() != null && build.source().revision() != null) {
            ObjectNode src = deps.addObject();
            src.put("uri", build.source().uri() == null ? "git" : "git+" + build.source().uri());
            src.putObject("digest").put("gitCommit", build.source().revision());
            if (build.source().ref() != null || build.source().dirty()) {
                ObjectNode annotations = src.putObject("annotations");
                if (build.source().ref() != null) {
                    annotations.put("ref", build.source().ref());
                }
                if (build.source().dirty()) {
                    // the built tree differed from this commit: the dependency is not exactly what was built
                    annotations.put("dirty", true);
                }
            }
        }
        if (build.baseImageDigest() != null && build.baseImageDigest().startsWith("sha256:")) {
            ObjectNode base = deps.addObject();
            base.put("uri", build.baseImage());
            base.putObject("digest").put("sha256", build.baseImageDigest().substring("sha256:".length()));
        }
        if (build.blobs() != null) {
            build.blobs().forEach((name, sha) -> {
                ObjectNode blob = deps.addObject();
                blob.put("name", "blobs/" + name);
                blob.putObject("digest").put("sha256", sha);
            });
        }

        ObjectNode run = predicate.putObject("runDetails");
        String plugin = build.tools() == null ? null : build.tools().get("plugin");
        run.putObject("builder").put("id", "pkg:maven/dev.attested/attestation-maven-plugin"
                + (plugin == null ? "" : "@" + plugin));
        if (build.imageDigest() != null && build.imageDigest().startsWith("sha256:")) {
            ObjectNode image = run.putArray("byproducts").addObject();
            image.put("name", "enclave-image");
            image.putObject("digest").put("sha256", build.imageDigest().substring("sha256:".length()));
        }
        ArrayNode byproducts = run.has("byproducts") ? (ArrayNode) run.get("byproducts") : run.putArray("byproducts");
        ObjectNode pcrs = byproducts.addObject();
        pcrs.put("name", "pcr-manifest.json");
        pcrs.putObject("digest").put("sha256", Sha256Sums.of(manifestJson));
        ObjectNode annotations = pcrs.putObject("annotations");
        annotations.put("hashAlgorithm", manifest.hashAlgorithm());
        ObjectNode values = annotations.putObject("pcrs");
        manifest.pcrs().forEach((k, v) -> values.put("PCR" + k, v));
        try {
            return (JSON.writeValueAsString(root).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("provenance serialisation failed", e);
        }
    }

    private static void putIfNotNull(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }
}

package dev.attested.release;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The inputs of one EIF build ({@code build-manifest.json} in a release bundle): everything a consumer must match
 * to rebuild it, and what {@link ReproduceComparison} compares to explain a difference.
 *
 * @param schemaVersion   {@link #SCHEMA_VERSION}
 * @param project         {@code groupId:artifactId}
 * @param version         project version
 * @param module          path of the module inside the checkout ({@code ""} or null for the top level)
 * @param source          source repository and revision, or null when the build was not in a Git checkout
 * @param tools           {@code jdk}, {@code jdk.vendor}, {@code maven}, {@code plugin} (and others the build recorded)
 * @param baseImage       base image reference ({@code scratch}, {@code repo@sha256:…}, {@code tar://…}), if any
 * @param baseImageDigest the base image's digest ({@code sha256:…}) when known
 * @param imageDigest     digest of the enclave image the EIF was made from, if any
 * @param blobs           boot blob name → SHA-256 hex
 * @param cmdline         kernel command line
 * @param mode            {@code native} or {@code nitro-cli}
 * @param arch            {@code x86_64} or {@code aarch64}
 * @param outputTimestamp {@code project.build.outputTimestamp} of the build
 * @param eif             EIF file name and SHA-256
 */
@JsonPropertyOrder({"schemaVersion", "project", "version", "module", "source", "tools", "baseImage", "baseImageDigest",
        "imageDigest", "blobs", "cmdline", "mode", "arch", "outputTimestamp", "eif"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BuildManifest(
        int schemaVersion,
        String project,
        String version,
        String module,
        Source source,
        SortedMap<String, String> tools,
        String baseImage,
        String baseImageDigest,
        String imageDigest,
        SortedMap<String, String> blobs,
        String cmdline,
        String mode,
        String arch,
        String outputTimestamp,
        PcrManifest.Eif eif) {

    public static final int SCHEMA_VERSION = 1;
    public static final String FILE_NAME = "build-manifest.json";

    /**
     * @param uri      where the source can be cloned (from the project's SCM section), or null
     * @param revision commit id, or null when the build was not in a Git checkout (only with allowDirty)
     * @param ref      branch or tag ref, or null
     * @param dirty    true when the released source is not exactly {@code revision}: tracked files differed from
     *                 it, or it could not be checked (allowDirty); such a release is not
     *                 reproducible from the commit
     */
    @JsonPropertyOrder({"uri", "revision", "ref", "dirty"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String uri, String revision, String ref, boolean dirty) {
        /** A clean checkout of {@code revision}. */
        public Source(String uri, String revision, String ref) {
            this(uri, revision, ref, false);
        }
    }

    /** True unless the source is a recorded commit whose working tree was clean. */
    @JsonIgnore
    public boolean sourceDirty() {
        return source == null || source.revision() == null || source.dirty();
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public BuildManifest {
        tools = sorted(tools);
        blobs = sorted(blobs);
    }

    /**
     * The build manifest for an EIF described by {@code manifest}: image, blobs, cmdline, mode, arch, timestamp
     * and EIF are taken from it, so the two files cannot disagree.
     */
    public static BuildManifest of(String project, String version, String module, Source source,
            SortedMap<String, String> tools, PcrManifest manifest) {
        String base = manifest.image() == null ? null : manifest.image().base();
        return new BuildManifest(SCHEMA_VERSION, project, version, module == null || module.isEmpty() ? null : module,
                source, tools, base, digestOf(base), manifest.image() == null ? null : manifest.image().digest(),
                manifest.blobs(), manifest.cmdline(), manifest.mode(), manifest.arch(), manifest.outputTimestamp(),
                new PcrManifest.Eif(manifest.eif().file(), manifest.eif().sha256(), manifest.eif().size()));
    }

    /** The {@code sha256:…} digest pinned in an image reference, {@code scratch} for scratch, else null. */
    static String digestOf(String imageReference) {
        if (imageReference == null) {
            return null;
        }
        if (imageReference.equals("scratch")) {
            return "scratch";
        }
        int at = imageReference.lastIndexOf("@sha256:");
        return at < 0 ? null : imageReference.substring(at + 1);
    }

    /** Deterministic JSON (UTF-8, LF, trailing newline). */
    public byte[] toJson() {
        try {
            return (JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("build manifest serialisation failed", e);
        }
    }

    /** Reads a build manifest, or null when {@code file} does not exist (older releases have none). */
    public static BuildManifest readIfPresent(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot read " + file + ": " + e, e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses build manifest JSON; {@code source} names it in errors. */
    public static BuildManifest parse(byte[] json, String source) {
        try {
            JsonNode tree = JSON.readTree(json);
            if (tree == null || !tree.isObject() || tree.path("schemaVersion").asInt() != SCHEMA_VERSION) {
                throw new ReleaseException(ReleaseException.Code.BUILD_MANIFEST_MALFORMED,
                        source + " is not a build manifest with schemaVersion " + SCHEMA_VERSION);
            }
            BuildManifest m = JSON.treeToValue(tree, BuildManifest.class);
            if (m.project() == null || m.version() == null || m.eif() == null || m.eif().sha256() == null) {
                throw new ReleaseException(ReleaseException.Code.BUILD_MANIFEST_MALFORMED,
                        source + " lacks project, version or eif.sha256");
            }
            return m;
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.BUILD_MANIFEST_MALFORMED,
                    source + " is not JSON: " + e.getMessage(), e);
        }
    }

    private static SortedMap<String, String> sorted(SortedMap<String, String> in) {
        return in == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(in));
    }
}

package dev.attested.pcr;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.attested.internal.io.AtomicFiles;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The PCR manifest written next to an EIF ({@code pcr-manifest.json}): what the image measures to and what it
 * was built from. Schema: {@code release-templates/schema/pcr-manifest.schema.json}.
 *
 * <p>Serialisation is deterministic: fixed field order, maps sorted by key, LF line endings, no time or host
 * data other than what the record holds.
 *
 * @param schemaVersion   {@link #SCHEMA_VERSION}
 * @param eif             the EIF file this manifest describes
 * @param hashAlgorithm   always {@code SHA384} for Nitro
 * @param pcrs            PCR index → lower-case hex (0, 1, 2 and 8 when signed)
 * @param kmsConditions   KMS condition key → value (e.g. {@code kms:RecipientAttestation:PCR0})
 * @param image           the enclave image the EIF was made from (may be null for explicit ramdisks)
 * @param blobs           boot blob file name → SHA-256 hex
 * @param cmdline         kernel command line in the EIF
 * @param mode            {@code native} or {@code nitro-cli}
 * @param arch            {@code x86_64} or {@code aarch64}
 * @param tools           tool name → version (plugin, JDK, nitro-cli when used)
 * @param outputTimestamp the build's fixed timestamp (ISO-8601), never the wall clock
 */
@JsonPropertyOrder({"schemaVersion", "eif", "hashAlgorithm", "pcrs", "kmsConditions", "image", "blobs", "cmdline",
        "mode", "arch", "tools", "outputTimestamp"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PcrManifest(
        int schemaVersion,
        Eif eif,
        String hashAlgorithm,
        SortedMap<Integer, String> pcrs,
        SortedMap<String, String> kmsConditions,
        Image image,
        SortedMap<String, String> blobs,
        String cmdline,
        String mode,
        String arch,
        SortedMap<String, String> tools,
        String outputTimestamp) {

    public static final int SCHEMA_VERSION = 1;
    public static final String HASH_ALGORITHM = "SHA384";
    /** KMS condition key prefix for attested requests. */
    public static final String KMS_PREFIX = "kms:RecipientAttestation:";

    /**
     * @param file   file name (no directory)
     * @param sha256 SHA-256 hex of the whole file
     * @param size   bytes
     */
    @JsonPropertyOrder({"file", "sha256", "size"})
    public record Eif(String file, String sha256, long size) {}

    /**
     * The image, described by content: digests, never a path outside the project (a runner's directories would
     * make every checkout's manifest different, and publish them).
     *
     * @param name        image name (usually the Maven artifactId)
     * @param version     image version
     * @param digest      OCI manifest digest {@code sha256:…} of the image Jib built, when one was built
     * @param base        base image reference, when one was used: {@code scratch}, a registry reference pinned by
     *                    digest, or {@code tar://<path relative to the project>}; absent for a base tarball outside
     *                    the project (then {@code baseTarball} alone describes it)
     * @param baseTarball a {@code tar://} base image's content, when one was used
     * @param tarball     the content of a ready image tarball ({@code imageTarball}) used instead of building one
     */
    @JsonPropertyOrder({"name", "version", "digest", "base", "baseTarball", "tarball"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Image(String name, String version, String digest, String base, Tarball baseTarball,
            Tarball tarball) {
        /** An image without tarball descriptions (a registry or scratch base). */
        public Image(String name, String version, String digest, String base) {
            this(name, version, digest, base, null, null);
        }
    }

    /**
     * An image tarball ({@code docker save} or OCI layout), described by content.
     *
     * @param path   path relative to the project's base directory with {@code /} separators, or null when the file
     *               lies outside the project
     * @param sha256 SHA-256 hex of the tarball file
     * @param config digest {@code sha256:…} of the image config (for {@code docker save}: the image ID)
     * @param layers digests {@code sha256:…} of the layers as stored in the tarball, bottom first
     */
    @JsonPropertyOrder({"path", "sha256", "config", "layers"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tarball(String path, String sha256, String config, List<String> layers) {
        public Tarball {
            layers = layers == null ? null : List.copyOf(layers);
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public PcrManifest {
        pcrs = immutableSorted(pcrs);
        kmsConditions = immutableSorted(kmsConditions);
        blobs = immutableSorted(blobs);
        tools = immutableSorted(tools);
    }

    /**
     * A manifest for the given measurements, with the KMS condition keys derived from them
     * ({@code ImageSha384} = PCR0, and {@code PCRn} for each PCR).
     */
    public static PcrManifest of(Eif eif, SortedMap<Integer, Pcr> pcrs, Image image, SortedMap<String, String> blobs,
            String cmdline, String mode, String arch, SortedMap<String, String> tools, String outputTimestamp) {
        SortedMap<Integer, String> hex = new TreeMap<>();
        pcrs.forEach((k, v) -> hex.put(k, v.hex()));
        return new PcrManifest(SCHEMA_VERSION, eif, HASH_ALGORITHM, hex, kmsConditionsFor(hex), image, blobs, cmdline,
                mode, arch, tools, outputTimestamp);
    }

    /** The KMS condition keys matching a set of PCRs. */
    public static SortedMap<String, String> kmsConditionsFor(Map<Integer, String> pcrs) {
        SortedMap<String, String> keys = new TreeMap<>();
        pcrs.forEach((k, v) -> keys.put(KMS_PREFIX + "PCR" + k, v));
        if (pcrs.containsKey(0)) {
            keys.put(KMS_PREFIX + "ImageSha384", pcrs.get(0));
        }
        return keys;
    }

    /** The PCRs as values. */
    public SortedMap<Integer, Pcr> pcrValues() {
        SortedMap<Integer, Pcr> out = new TreeMap<>();
        pcrs.forEach((k, v) -> out.put(k, Pcr.ofHex(v)));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Reads and validates a manifest. */
    public static PcrManifest read(Path file) {
        byte[] bytes = VersionedJson.read(file,
                () -> new PcrManifestException(PcrManifestException.Code.MANIFEST_NOT_FOUND, "no PCR manifest at " + file
                        + ". Run build-eif first, or pass the path of a published pcr-manifest.json."),
                e -> new PcrManifestException(PcrManifestException.Code.MANIFEST_IO, "cannot read " + file + ": " + e, e));
        return parse(bytes, file.toString());
    }

    /** Parses and validates manifest JSON; {@code source} names it in errors. */
    public static PcrManifest parse(byte[] json, String source) {
        JsonNode tree = VersionedJson.parseObject(JSON, json, SCHEMA_VERSION, detail -> malformed(source, detail),
                found -> new PcrManifestException(PcrManifestException.Code.MANIFEST_UNSUPPORTED_VERSION,
                        source + " has schemaVersion " + found + ", this version reads " + SCHEMA_VERSION
                                + ". Use a matching plugin version."));
        PcrManifest manifest;
        try {
            manifest = JSON.treeToValue(tree, PcrManifest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw malformed(source, e.getMessage());
        }
        if (!HASH_ALGORITHM.equals(manifest.hashAlgorithm())) {
            throw malformed(source, "hashAlgorithm must be " + HASH_ALGORITHM + ", found " + manifest.hashAlgorithm());
        }
        if (manifest.pcrs() == null || manifest.pcrs().isEmpty()) {
            throw malformed(source, "no pcrs");
        }
        for (Map.Entry<Integer, String> e : manifest.pcrs().entrySet()) {
            if (e.getKey() < 0 || e.getKey() > 31) {
                throw malformed(source, "PCR index " + e.getKey() + " is outside 0..31");
            }
            String v = e.getValue();
            if (v == null || !v.matches("[0-9a-f]{96}")) {
                throw malformed(source, "PCR" + e.getKey() + " must be 96 lower-case hex digits, found " + v);
            }
        }
        if (manifest.image() != null) {
            checkTarball(source, "image.baseTarball", manifest.image().baseTarball());
            checkTarball(source, "image.tarball", manifest.image().tarball());
        }
        return manifest;
    }

    private static void checkTarball(String source, String field, Tarball t) {
        if (t == null) {
            return;
        }
        if (t.sha256() == null || !t.sha256().matches("[0-9a-f]{64}")) {
            throw malformed(source, field + ".sha256 must be 64 lower-case hex digits, found " + t.sha256());
        }
        if (t.config() != null && !t.config().matches("sha256:[0-9a-f]{64}")) {
            throw malformed(source, field + ".config must be sha256:<64 hex>, found " + t.config());
        }
        if (t.layers() != null) {
            for (String layer : t.layers()) {
                if (layer == null || !layer.matches("sha256:[0-9a-f]{64}")) {
                    throw malformed(source, field + ".layers holds " + layer + ", not sha256:<64 hex>");
                }
            }
        }
        String path = t.path();
        if (path != null && (path.isEmpty() || path.startsWith("/") || path.contains("\\")
                || java.util.Arrays.asList(path.split("/", -1)).stream().anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals("..")))) {
            throw malformed(source, field + ".path must be relative to the project, with / separators and no . or .."
                    + " segments, found " + path);
        }
    }

    /** Deterministic JSON (UTF-8, LF, trailing newline). */
    public byte[] toJson() {
        try {
            String s = JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n";
            return s.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest serialisation failed", e);
        }
    }

    /** Writes atomically: to a temporary file in the same directory, then moved over {@code file}. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, toJson());
        } catch (IOException e) {
            throw new PcrManifestException(PcrManifestException.Code.MANIFEST_IO, "cannot write " + file + ": " + e, e);
        }
    }

    private static PcrManifestException malformed(String source, String detail) {
        return new PcrManifestException(PcrManifestException.Code.MANIFEST_MALFORMED,
                source + " is not a valid PCR manifest: " + detail);
    }

    private static <K extends Comparable<K>> SortedMap<K, String> immutableSorted(Map<K, String> in) {
        if (in == null) {
            return null;
        }
        return Collections.unmodifiableSortedMap(new TreeMap<>(new LinkedHashMap<>(in)));
    }
}

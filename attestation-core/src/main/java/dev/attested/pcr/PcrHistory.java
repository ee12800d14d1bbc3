package dev.attested.pcr;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.attested.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The releases accepted per environment ({@code pcr-history.json}), so that verifiers and KMS policies can
 * accept every release of a rollout (and roll back) without hand edits. Schema:
 * {@code release-templates/schema/pcr-history.schema.json}.
 *
 * <p>Immutable: every change returns a new history. Environments are sorted by name; releases keep the order in
 * which they were added. {@code addedAt}/{@code retiredAt} come from the caller (a release's output timestamp),
 * never the wall clock, so the file is a pure function of the releases recorded in it.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param environments  environment name → releases in the order they were added
 */
@JsonPropertyOrder({"schemaVersion", "environments"})
public record PcrHistory(int schemaVersion, SortedMap<String, List<Release>> environments) {

    public static final int SCHEMA_VERSION = 1;

    private static final Pattern ENVIRONMENT = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PCR = Pattern.compile("[0-9a-f]{96}");

    /**
     * One release accepted for an environment.
     *
     * @param version   the project version that was released
     * @param eif       EIF file name
     * @param eifSha256 SHA-256 hex of the EIF file
     * @param pcrs      PCR index → lower-case hex, as in the release's {@link PcrManifest}
     * @param addedAt   when it was accepted: the release's output timestamp (ISO-8601)
     * @param retiredAt when it stopped being accepted (ISO-8601), or null while accepted
     */
    @JsonPropertyOrder({"version", "eif", "eifSha256", "pcrs", "addedAt", "retiredAt"})
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Release(String version, String eif, String eifSha256, SortedMap<Integer, String> pcrs,
            String addedAt, String retiredAt) {

        public Release {
            pcrs = pcrs == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(pcrs));
        }

        /** The release a {@link PcrManifest} describes, accepted at the manifest's output timestamp. */
        public static Release of(String version, PcrManifest manifest) {
            return new Release(version, manifest.eif().file(), manifest.eif().sha256(), manifest.pcrs(),
                    manifest.outputTimestamp(), null);
        }

        /** True while the release has not been retired. */
        public boolean accepted() {
            return retiredAt == null;
        }

        /** The PCRs as values. */
        public SortedMap<Integer, Pcr> pcrValues() {
            SortedMap<Integer, Pcr> out = new TreeMap<>();
            pcrs.forEach((k, v) -> out.put(k, Pcr.ofHex(v)));
            return Collections.unmodifiableSortedMap(out);
        }

        boolean sameMeasurements(Release other) {
            return pcrs.equals(other.pcrs) && eifSha256.equals(other.eifSha256);
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    public PcrHistory {
        SortedMap<String, List<Release>> copy = new TreeMap<>();
        if (environments != null) {
            environments.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        }
        environments = Collections.unmodifiableSortedMap(copy);
    }

    /** A history with no environments. */
    public static PcrHistory empty() {
        return new PcrHistory(SCHEMA_VERSION, new TreeMap<>());
    }

    /** Every release recorded for {@code environment}, retired ones included, in the order added. */
    public List<Release> releases(String environment) {
        return environments.getOrDefault(checkEnvironment(environment), List.of());
    }

    /** The releases currently accepted for {@code environment} (not retired), in the order added. */
    public List<Release> accepted(String environment) {
        return releases(environment).stream().filter(Release::accepted).toList();
    }

    /** The PCR sets currently accepted for {@code environment}: what a verifier or a KMS policy should allow. */
    public List<SortedMap<Integer, Pcr>> acceptedPcrSets(String environment) {
        return accepted(environment).stream().map(Release::pcrValues).toList();
    }

    /** The release with {@code version} in {@code environment}, if recorded. */
    public Optional<Release> find(String environment, String version) {
        return releases(environment).stream().filter(r -> r.version().equals(version)).findFirst();
    }

    /**
     * Accepts {@code release} for {@code environment}. Idempotent: adding a release already accepted with the
     * same PCRs and EIF hash returns this history unchanged; adding a retired one again re-accepts it (a
     * rollback) at the new release's {@code addedAt}.
     *
     * @throws PcrHistoryException {@code HISTORY_CONFLICT} if the version is recorded with other measurements
     */
    public PcrHistory append(String environment, Release release) {
        checkRelease(release, "release to append");
        List<Release> list = new ArrayList<>(releases(environment));
        for (int i = 0; i < list.size(); i++) {
            Release existing = list.get(i);
            if (!existing.version().equals(release.version())) {
                continue;
            }
            if (!existing.sameMeasurements(release)) {
                throw new PcrHistoryException(PcrHistoryException.Code.HISTORY_CONFLICT,
                        "version " + release.version() + " is already recorded for environment '" + environment
                                + "' with other measurements (EIF " + existing.eifSha256() + ", now "
                                + release.eifSha256() + "). Release under a new version, or remove the old entry first.");
            }
            if (existing.accepted()) {
                return this;
            }
            list.remove(i);
            break;
        }
        list.add(new Release(release.version(), release.eif(), release.eifSha256(), release.pcrs(),
                release.addedAt(), null));
        return with(environment, list);
    }

    /**
     * Marks {@code version} as no longer accepted in {@code environment}, keeping it for the record.
     * Retiring a retired release keeps its first {@code retiredAt}.
     *
     * @param retiredAt ISO-8601 instant, supplied by the caller (e.g. the new release's output timestamp)
     */
    public PcrHistory retire(String environment, String version, String retiredAt) {
        checkInstant(retiredAt, "retiredAt");
        Release existing = find(environment, version).orElseThrow(() -> unknown(environment, version));
        if (!existing.accepted()) {
            return this;
        }
        List<Release> list = new ArrayList<>(releases(environment));
        list.replaceAll(r -> r.version().equals(version)
                ? new Release(r.version(), r.eif(), r.eifSha256(), r.pcrs(), r.addedAt(), retiredAt)
                : r);
        return with(environment, list);
    }

    /** Deletes {@code version} from {@code environment} entirely (an environment left empty is dropped). */
    public PcrHistory remove(String environment, String version) {
        find(environment, version).orElseThrow(() -> unknown(environment, version));
        List<Release> list = new ArrayList<>(releases(environment));
        list.removeIf(r -> r.version().equals(version));
        return with(environment, list);
    }

    private PcrHistory with(String environment, List<Release> list) {
        SortedMap<String, List<Release>> envs = new TreeMap<>(environments);
        if (list.isEmpty()) {
            envs.remove(environment);
        } else {
            envs.put(environment, list);
        }
        return new PcrHistory(SCHEMA_VERSION, envs);
    }

    /** Reads a history; a missing file is {@code HISTORY_NOT_FOUND}. */
    public static PcrHistory read(Path file) {
        byte[] bytes = VersionedJson.read(file,
                () -> new PcrHistoryException(PcrHistoryException.Code.HISTORY_NOT_FOUND,
                        "no PCR history at " + file + ". Release with {environment}=<name> to create it."),
                e -> new PcrHistoryException(PcrHistoryException.Code.HISTORY_IO, "cannot read " + file + ": " + e, e));
        return parse(bytes, file.toString());
    }

    /** Reads a history, or returns an empty one when the file does not exist yet. */
    public static PcrHistory readOrEmpty(Path file) {
        return Files.exists(file) ? read(file) : empty();
    }

    /** Parses and validates history JSON; {@code source} names it in errors. */
    public static PcrHistory parse(byte[] json, String source) {
        JsonNode tree = VersionedJson.parseObject(JSON, json, SCHEMA_VERSION, detail -> malformed(source, detail),
                found -> new PcrHistoryException(PcrHistoryException.Code.HISTORY_UNSUPPORTED_VERSION,
                        source + " has schemaVersion " + found + ", this version reads " + SCHEMA_VERSION
                                + ". Use a matching plugin version."));
        if (!(tree.get("environments") instanceof com.fasterxml.jackson.databind.node.ObjectNode)) {
            throw malformed(source, "missing environments object");
        }
        PcrHistory history;
        try {
            history = JSON.treeToValue(tree, PcrHistory.class);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw malformed(source, e.getMessage());
        }
        for (Map.Entry<String, List<Release>> env : history.environments().entrySet()) {
            if (!ENVIRONMENT.matcher(env.getKey()).matches()) {
                throw malformed(source, "environment name '" + env.getKey() + "' must match " + ENVIRONMENT);
            }
            List<String> seen = new ArrayList<>();
            for (Release r : env.getValue()) {
                try {
                    checkRelease(r, "environment '" + env.getKey() + "'");
                    if (r.retiredAt() != null) {
                        checkInstant(r.retiredAt(), "retiredAt");
                    }
                } catch (PcrHistoryException e) {
                    throw malformed(source, e.getMessage());
                }
                if (seen.contains(r.version())) {
                    throw malformed(source, "version " + r.version() + " appears twice in environment '"
                            + env.getKey() + "'");
                }
                seen.add(r.version());
            }
        }
        return history;
    }

    /** Deterministic JSON (UTF-8, LF, trailing newline). */
    public byte[] toJson() {
        try {
            return (JSON.writeValueAsString(this).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("history serialisation failed", e);
        }
    }

    /** Writes atomically (temporary sibling, then moved over {@code file}). */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, toJson());
        } catch (IOException e) {
            throw new PcrHistoryException(PcrHistoryException.Code.HISTORY_IO, "cannot write " + file + ": " + e, e);
        }
    }

    private static String checkEnvironment(String environment) {
        if (environment == null || !ENVIRONMENT.matcher(environment).matches()) {
            throw new PcrHistoryException(PcrHistoryException.Code.HISTORY_BAD_ENVIRONMENT,
                    "environment name '" + environment + "' is not allowed: use 1-63 characters of a-z, 0-9, '.', '_'"
                            + " or '-', starting with a letter or digit (e.g. dev, staging, prod).");
        }
        return environment;
    }

    private static void checkRelease(Release r, String where) {
        String problem = null;
        if (r == null) {
            problem = "null release";
        } else if (r.version() == null || r.version().isBlank()) {
            problem = "release without a version";
        } else if (r.eif() == null || r.eif().isBlank()) {
            problem = "release " + r.version() + " has no eif file name";
        } else if (r.eifSha256() == null || !SHA256.matcher(r.eifSha256()).matches()) {
            problem = "release " + r.version() + ": eifSha256 must be 64 lower-case hex digits, found " + r.eifSha256();
        } else if (r.pcrs() == null || r.pcrs().isEmpty()) {
            problem = "release " + r.version() + " has no pcrs";
        } else {
            for (Map.Entry<Integer, String> e : r.pcrs().entrySet()) {
                if (e.getKey() < 0 || e.getKey() > 31 || e.getValue() == null || !PCR.matcher(e.getValue()).matches()) {
                    problem = "release " + r.version() + ": PCR" + e.getKey()
                            + " must have an index 0..31 and 96 lower-case hex digits, found " + e.getValue();
                    break;
                }
            }
        }
        if (problem == null) {
            checkInstant(r.addedAt(), "addedAt of release " + r.version());
            return;
        }
        throw new PcrHistoryException(PcrHistoryException.Code.HISTORY_MALFORMED, where + ": " + problem);
    }

    private static void checkInstant(String value, String what) {
        try {
            Instant.parse(value == null ? "" : value);
        } catch (DateTimeParseException e) {
            throw new PcrHistoryException(PcrHistoryException.Code.HISTORY_MALFORMED,
                    what + " must be an ISO-8601 instant such as 2026-01-01T00:00:00Z, found " + value
                            + " (set project.build.outputTimestamp)");
        }
    }

    private PcrHistoryException unknown(String environment, String version) {
        List<String> recorded = releases(environment).stream().map(Release::version).toList();
        return new PcrHistoryException(PcrHistoryException.Code.HISTORY_UNKNOWN_RELEASE,
                "environment '" + environment + "' has no release " + version + " (recorded: "
                        + (recorded.isEmpty() ? "none" : String.join(", ", recorded)) + ").");
    }

    private static PcrHistoryException malformed(String source, String detail) {
        return new PcrHistoryException(PcrHistoryException.Code.HISTORY_MALFORMED,
                source + " is not a valid PCR history: " + detail);
    }
}

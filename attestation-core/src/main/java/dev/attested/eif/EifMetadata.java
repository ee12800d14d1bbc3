package dev.attested.eif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * The metadata section of a version-4 EIF (docs/spec/eif-format.md §3.3). Not measured by any PCR but covered by the
 * CRC, so it decides byte identity: the build time is an input (e.g. {@code project.build.outputTimestamp}), never the
 * wall clock.
 *
 * @param dockerInfo     free-form JSON ({@code null} → JSON null, as eif_build writes)
 * @param customMetadata free-form JSON ({@code null} → JSON null)
 */
public record EifMetadata(String imageName, String imageVersion, BuildMetadata buildMetadata,
                          JsonNode dockerInfo, JsonNode customMetadata) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The {@code BuildMetadata} object, fields in nitro-cli's order. */
    public record BuildMetadata(String buildTime, String buildTool, String buildToolVersion,
                                String operatingSystem, String kernelVersion) {
        public BuildMetadata {
            Objects.requireNonNull(buildTime, "buildTime");
            Objects.requireNonNull(buildTool, "buildTool");
            Objects.requireNonNull(buildToolVersion, "buildToolVersion");
            Objects.requireNonNull(operatingSystem, "operatingSystem");
            Objects.requireNonNull(kernelVersion, "kernelVersion");
        }

        /** Build metadata with the time rendered as nitro-cli renders it ({@link #rfc3339(Instant)}). */
        public static BuildMetadata of(Instant buildTime, String buildTool, String buildToolVersion,
                                       String operatingSystem, String kernelVersion) {
            return new BuildMetadata(rfc3339(buildTime), buildTool, buildToolVersion, operatingSystem, kernelVersion);
        }
    }

    public EifMetadata {
        Objects.requireNonNull(imageName, "imageName");
        Objects.requireNonNull(imageVersion, "imageVersion");
        Objects.requireNonNull(buildMetadata, "buildMetadata");
        dockerInfo = EifJson.sortedKeys(dockerInfo);
        customMetadata = EifJson.sortedKeys(customMetadata);
    }

    /** Metadata as eif_build writes it, with {@code DockerInfo} and {@code CustomMetadata} null. */
    public static EifMetadata of(String imageName, String imageVersion, BuildMetadata buildMetadata) {
        return new EifMetadata(imageName, imageVersion, buildMetadata, null, null);
    }

    /**
     * A UTC instant as chrono's {@code to_rfc3339()}: seconds, then 3, 6 or 9 fraction digits only as many as
     * the nanoseconds need, then {@code +00:00} (e.g. {@code 1970-01-01T00:00:00+00:00}).
     */
    public static String rfc3339(Instant instant) {
        String base = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", java.util.Locale.ROOT)
                .withZone(ZoneOffset.UTC).format(instant);
        int nanos = instant.getNano();
        String fraction;
        if (nanos == 0) {
            fraction = "";
        } else if (nanos % 1_000_000 == 0) {
            fraction = String.format(java.util.Locale.ROOT, ".%03d", nanos / 1_000_000);
        } else if (nanos % 1_000 == 0) {
            fraction = String.format(java.util.Locale.ROOT, ".%06d", nanos / 1_000);
        } else {
            fraction = String.format(java.util.Locale.ROOT, ".%09d", nanos);
        }
        return base + fraction + "+00:00";
    }

    /** The JSON tree in nitro-cli's key order. */
    public ObjectNode toJsonNode() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode build = f.objectNode();
        build.put("BuildTime", buildMetadata.buildTime());
        build.put("BuildTool", buildMetadata.buildTool());
        build.put("BuildToolVersion", buildMetadata.buildToolVersion());
        build.put("OperatingSystem", buildMetadata.operatingSystem());
        build.put("KernelVersion", buildMetadata.kernelVersion());
        ObjectNode root = f.objectNode();
        root.put("ImageName", imageName);
        root.put("ImageVersion", imageVersion);
        root.set("BuildMetadata", build);
        root.set("DockerInfo", dockerInfo);
        root.set("CustomMetadata", customMetadata);
        return root;
    }

    /** The section bytes: compact UTF-8 JSON exactly as serde_json writes it. */
    public byte[] toSectionBytes() {
        return EifJson.compact(toJsonNode()).getBytes(StandardCharsets.UTF_8);
    }

    /** Parses a metadata section; {@link EifException.Code#EIF_BAD_METADATA} when it is not nitro-cli's shape. */
    public static EifMetadata parse(byte[] section) {
        JsonNode root;
        try {
            root = MAPPER.readTree(section);
        } catch (java.io.IOException e) {
            throw new EifException(EifException.Code.EIF_BAD_METADATA, "the metadata section is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new EifException(EifException.Code.EIF_BAD_METADATA, "the metadata section is not a JSON object");
        }
        JsonNode build = root.get("BuildMetadata");
        if (build == null || !build.isObject()) {
            throw new EifException(EifException.Code.EIF_BAD_METADATA, "the metadata section has no BuildMetadata object");
        }
        return new EifMetadata(text(root, "ImageName"), text(root, "ImageVersion"),
                new BuildMetadata(text(build, "BuildTime"), text(build, "BuildTool"), text(build, "BuildToolVersion"),
                        text(build, "OperatingSystem"), text(build, "KernelVersion")),
                root.get("DockerInfo"), root.get("CustomMetadata"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new EifException(EifException.Code.EIF_BAD_METADATA, "the metadata field " + field + " is missing or not a string");
        }
        return v.textValue();
    }
}

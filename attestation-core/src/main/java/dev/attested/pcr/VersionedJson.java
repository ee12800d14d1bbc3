package dev.attested.pcr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Reading of the project's versioned JSON files ({@code pcr-manifest.json}, {@code pcr-history.json}): each file
 * type supplies its own exceptions, so its error codes and messages stay its own.
 */
final class VersionedJson {
    private VersionedJson() {}

    /** The file's bytes; a missing file becomes {@code notFound}, any other I/O failure {@code io}. */
    static byte[] read(Path file, Supplier<RuntimeException> notFound, Function<IOException, RuntimeException> io) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw notFound.get();
        } catch (IOException e) {
            throw io.apply(e);
        }
    }

    /**
     * Parses a JSON object whose {@code schemaVersion} must equal {@code schemaVersion}.
     *
     * @param malformed   builds the exception for a detail message (not JSON, not an object, no version)
     * @param unsupported builds the exception for a version this library does not read
     */
    static JsonNode parseObject(ObjectMapper json, byte[] bytes, int schemaVersion,
            Function<String, RuntimeException> malformed, IntFunction<RuntimeException> unsupported) {
        JsonNode tree;
        try {
            tree = json.readTree(bytes);
        } catch (IOException e) {
            throw malformed.apply("not JSON: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw malformed.apply("expected a JSON object");
        }
        JsonNode version = tree.get("schemaVersion");
        if (version == null || !version.canConvertToInt()) {
            throw malformed.apply("missing schemaVersion");
        }
        if (version.intValue() != schemaVersion) {
            throw unsupported.apply(version.intValue());
        }
        return tree;
    }
}

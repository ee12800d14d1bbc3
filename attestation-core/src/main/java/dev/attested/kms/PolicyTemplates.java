package dev.attested.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statement templates the generator fills ({@code release-templates/kms/*.json}, packaged under
 * {@code dev/attested/release-templates/kms/}). A user may point at a directory holding edited copies (either
 * the {@code release-templates} folder or its {@code kms} folder); files missing there come from the bundle.
 *
 * <p>Placeholders are {@code ${name}}: a string that is exactly a placeholder is replaced by the value (a string,
 * an array or an object); an array element that is a placeholder of an array value is spliced in; placeholders
 * inside longer strings and field names are replaced by text. Arrays of strings are de-duplicated (first wins).
 */
public final class PolicyTemplates {
    /** Classpath folder of the bundled templates. */
    public static final String RESOURCE_DIR = "dev/attested/release-templates/kms/";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9]*)}");

    private final Path directory;

    private PolicyTemplates(Path directory) {
        this.directory = directory;
    }

    /** The templates bundled with this library. */
    public static PolicyTemplates bundled() {
        return new PolicyTemplates(null);
    }

    /** Edited templates in {@code directory} (or its {@code kms/} subfolder), bundled ones for files not there. */
    public static PolicyTemplates directory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID, "template directory " + directory + " does not exist.");
        }
        return new PolicyTemplates(directory);
    }

    /** Where {@code name} is read from (a file path, or {@code bundled:<name>}). */
    public String origin(String name) {
        return localFile(name).map(Path::toString).orElse("bundled:" + name);
    }

    private Optional<Path> localFile(String name) {
        if (directory == null) {
            return Optional.empty();
        }
        for (Path p : new Path[] {directory.resolve("kms").resolve(name), directory.resolve(name)}) {
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Loads template {@code name} and fills it. */
    public JsonNode fill(String name, Map<String, JsonNode> values) {
        JsonNode template;
        try {
            Optional<Path> local = localFile(name);
            if (local.isPresent()) {
                template = KeyPolicy.JSON.readTree(Files.readAllBytes(local.get()));
            } else {
                try (InputStream in = PolicyTemplates.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
                    if (in == null) {
                        throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID,
                                "bundled template " + RESOURCE_DIR + name + " is missing from the classpath.");
                    }
                    template = KeyPolicy.JSON.readTree(in);
                }
            }
        } catch (IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID, "template " + origin(name) + " is not JSON: " + e.getMessage(), e);
        }
        if (template == null || !template.isObject()) {
            throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID, "template " + origin(name) + " must be one JSON object (a statement).");
        }
        return substitute(template, values, name);
    }

    private JsonNode substitute(JsonNode node, Map<String, JsonNode> values, String name) {
        if (node.isTextual()) {
            Matcher whole = PLACEHOLDER.matcher(node.textValue());
            if (whole.matches()) {
                return lookup(whole.group(1), values, name).deepCopy();
            }
            return TextNode.valueOf(text(node.textValue(), values, name));
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : node) {
                JsonNode v = substitute(e, values, name);
                if (e.isTextual() && PLACEHOLDER.matcher(e.textValue()).matches() && v.isArray()) {
                    v.forEach(out::add);
                } else {
                    out.add(v);
                }
            }
            return dedupeStrings(out);
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.set(text(e.getKey(), values, name), substitute(e.getValue(), values, name));
            }
            return out;
        }
        return node.deepCopy();
    }

    private static ArrayNode dedupeStrings(ArrayNode in) {
        for (JsonNode e : in) {
            if (!e.isTextual()) {
                return in;
            }
        }
        Set<String> seen = new LinkedHashSet<>();
        in.forEach(e -> seen.add(e.textValue()));
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        seen.forEach(out::add);
        return out;
    }

    private String text(String s, Map<String, JsonNode> values, String name) {
        Matcher m = PLACEHOLDER.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            JsonNode v = lookup(m.group(1), values, name);
            if (!v.isTextual()) {
                throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID, "template " + origin(name) + " uses ${"
                        + m.group(1) + "} inside a longer string, but it is a list or object; use it as a whole JSON value.");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v.textValue()));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private JsonNode lookup(String key, Map<String, JsonNode> values, String name) {
        JsonNode v = values.get(key);
        if (v == null) {
            throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID, "template " + origin(name) + " uses unknown placeholder ${"
                    + key + "}; this template knows " + new java.util.TreeSet<>(values.keySet()) + ".");
        }
        return v;
    }
}

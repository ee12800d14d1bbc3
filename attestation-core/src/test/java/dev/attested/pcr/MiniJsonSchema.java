package dev.attested.pcr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The subset of JSON Schema 2020-12 our schemas use (type, const, required, properties, additionalProperties,
 * propertyNames, pattern, minLength, minProperties, items, local $ref). Enough to check structurally that our
 * writers and the schema's examples agree, without a schema library.
 */
final class MiniJsonSchema {
    private final JsonNode root;

    MiniJsonSchema(JsonNode root) {
        this.root = root;
    }

    /** Every violation found, as {@code path: problem}; empty when valid. */
    List<String> validate(JsonNode instance) {
        List<String> errors = new ArrayList<>();
        check(root, instance, "$", errors);
        return errors;
    }

    private void check(JsonNode schema, JsonNode value, String path, List<String> errors) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/")) {
                throw new IllegalArgumentException("only local $ref supported: " + ref);
            }
            check(root.at(ref.substring(1)), value, path, errors);
        }
        if (schema.has("const") && !schema.get("const").equals(value)) {
            errors.add(path + ": expected " + schema.get("const") + ", found " + value);
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(path + ": expected an object");
                    return;
                }
                for (JsonNode req : schema.path("required")) {
                    if (!value.has(req.asText())) {
                        errors.add(path + ": missing required " + req.asText());
                    }
                }
                if (schema.has("minProperties") && value.size() < schema.get("minProperties").asInt()) {
                    errors.add(path + ": fewer than " + schema.get("minProperties") + " properties");
                }
                Iterator<Map.Entry<String, JsonNode>> it = value.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> f = it.next();
                    String p = path + "." + f.getKey();
                    if (schema.has("propertyNames")) {
                        check(schema.get("propertyNames"), com.fasterxml.jackson.databind.node.TextNode.valueOf(f.getKey()),
                                p + "(name)", errors);
                    }
                    JsonNode props = schema.path("properties");
                    if (props.has(f.getKey())) {
                        check(props.get(f.getKey()), f.getValue(), p, errors);
                    } else if (schema.has("additionalProperties")) {
                        JsonNode ap = schema.get("additionalProperties");
                        if (ap.isBoolean() && !ap.asBoolean()) {
                            errors.add(p + ": property not allowed by the schema");
                        } else if (ap.isObject()) {
                            check(ap, f.getValue(), p, errors);
                        }
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(path + ": expected an array");
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    if (schema.has("items")) {
                        check(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
                    }
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(path + ": expected a string");
                    return;
                }
                stringChecks(schema, value.asText(), path, errors);
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(path + ": expected an integer");
                }
            }
            default -> {
                if (value.isTextual()) {
                    stringChecks(schema, value.asText(), path, errors);
                }
            }
        }
    }

    private static void stringChecks(JsonNode schema, String s, String path, List<String> errors) {
        if (schema.has("pattern") && !Pattern.compile(schema.get("pattern").asText()).matcher(s).find()) {
            errors.add(path + ": '" + s + "' does not match " + schema.get("pattern").asText());
        }
        if (schema.has("minLength") && s.length() < schema.get("minLength").asInt()) {
            errors.add(path + ": shorter than " + schema.get("minLength"));
        }
    }
}

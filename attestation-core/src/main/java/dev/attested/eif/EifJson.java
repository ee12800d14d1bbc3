package dev.attested.eif;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON text exactly as Rust's serde_json writes it, which is what nitro-cli puts in the metadata section and
 * prints for {@code describe-eif}: object keys in the order given, only {@code "}, {@code \} and control
 * characters escaped (as a lower-case {@code \\u} escape), {@code /} and non-ASCII raw, floats in ryu's shortest form,
 * compact or pretty with a two-space indent.
 */
public final class EifJson {
    private static final BigInteger U64_MAX = new BigInteger("18446744073709551615");
    private static final BigInteger I64_MIN = BigInteger.valueOf(Long.MIN_VALUE);

    private EifJson() {}

    /** Compact JSON (no whitespace). */
    public static String compact(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, -1);
        return sb.toString();
    }

    /** Pretty JSON with a two-space indent, as {@code serde_json::to_string_pretty}. */
    public static String pretty(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        write(sb, node, 0);
        return sb.toString();
    }

    /**
     * A copy of free-form JSON with every object's keys sorted by their UTF-8 bytes — the order serde_json gives
     * a {@code serde_json::Value} map without {@code preserve_order} (used for {@code DockerInfo} and
     * {@code CustomMetadata}).
     */
    public static JsonNode sortedKeys(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            keys.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String k : keys) {
                out.set(k, sortedKeys(node.get(k)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (JsonNode e : node) {
                out.add(sortedKeys(e));
            }
            return out;
        }
        return node;
    }

    private static void write(StringBuilder sb, JsonNode node, int indent) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            sb.append("null");
        } else if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, indent + 1, indent);
                string(sb, e.getKey());
                sb.append(indent >= 0 ? ": " : ":");
                write(sb, e.getValue(), indent >= 0 ? indent + 1 : -1);
            }
            newline(sb, indent, indent);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            for (JsonNode e : node) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, indent + 1, indent);
                write(sb, e, indent >= 0 ? indent + 1 : -1);
            }
            newline(sb, indent, indent);
            sb.append(']');
        } else if (node.isTextual()) {
            string(sb, node.textValue());
        } else if (node.isBoolean()) {
            sb.append(node.booleanValue());
        } else if (node.isIntegralNumber()) {
            BigInteger v = node.bigIntegerValue();
            if (v.compareTo(U64_MAX) > 0 || v.compareTo(I64_MIN) < 0) {
                sb.append(ryu(v.doubleValue()));
            } else {
                sb.append(v);
            }
        } else if (node.isNumber()) {
            sb.append(ryu(node.doubleValue()));
        } else {
            throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        }
    }

    private static void newline(StringBuilder sb, int level, int indent) {
        if (indent >= 0) {
            sb.append('\n');
            sb.append("  ".repeat(level));
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** A finite double in the form of Rust's ryu crate (serde_json's float output). */
    static String ryu(double d) {
        if (!Double.isFinite(d)) {
            return "null";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int length = digits.length();
        int k = -bd.scale();
        int kk = length + k;
        StringBuilder sb = new StringBuilder();
        if (d < 0) {
            sb.append('-');
        }
        if (k >= 0 && kk <= 16) {
            sb.append(digits).append("0".repeat(k)).append(".0");
        } else if (kk > 0 && kk <= 16) {
            sb.append(digits, 0, kk).append('.').append(digits, kk, length);
        } else if (kk > -5 && kk <= 0) {
            sb.append("0.").append("0".repeat(-kk)).append(digits);
        } else if (length == 1) {
            sb.append(digits).append('e').append(kk - 1);
        } else {
            sb.append(digits.charAt(0)).append('.').append(digits, 1, length).append('e').append(kk - 1);
        }
        return sb.toString();
    }
}

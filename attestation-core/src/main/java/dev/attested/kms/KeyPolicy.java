package dev.attested.kms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attested.internal.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A KMS key policy (IAM policy grammar). Reads any valid key policy — single values or arrays, {@code "*"} or
 * {@code {"AWS": ...}} principals, condition blocks — and writes it back in the same shape with a fixed element
 * order, two-space indentation and LF line endings.
 *
 * @param version    {@code 2012-10-17} (or null if absent)
 * @param id         the optional policy {@code Id}
 * @param statements in written order
 * @param statementScalar true when {@code Statement} was written as a single object rather than an array
 */
public record KeyPolicy(String version, String id, List<Statement> statements, boolean statementScalar) {
    public static final String VERSION = "2012-10-17";
    /** Files larger than this are refused before reading (KMS allows 32 KB; whitespace may add some). */
    public static final long MAX_FILE_BYTES = 1L << 20;
    private static final Set<String> TOP = Set.of("Version", "Id", "Statement");
    private static final Set<String> STATEMENT = Set.of("Sid", "Effect", "Principal", "NotPrincipal", "Action",
            "NotAction", "Resource", "NotResource", "Condition");
    /** Duplicate keys are refused: which duplicate IAM honours is not ours to guess, and the linter must see what KMS sees. */
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    public KeyPolicy {
        statements = List.copyOf(statements);
        if (statementScalar && statements.size() != 1) {
            throw new IllegalArgumentException("a scalar Statement holds exactly one statement");
        }
    }

    /** A {@code 2012-10-17} policy with the statements as an array. */
    public static KeyPolicy of(List<Statement> statements) {
        return new KeyPolicy(VERSION, null, statements, false);
    }

    /** Reads a policy file. */
    public static KeyPolicy read(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw malformed(file.toString(), size + " bytes; KMS key policies are at most 32 KB");
            }
            return parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "no policy file at " + file + ".");
        } catch (IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "cannot read " + file + ": " + e, e);
        }
    }

    /** Parses policy JSON; {@code source} names it in errors. */
    public static KeyPolicy parse(byte[] json, String source) {
        JsonNode tree;
        try {
            tree = JSON.readTree(json);
        } catch (IOException e) {
            throw malformed(source, "not JSON: " + e.getMessage());
        }
        return fromTree(tree, source);
    }

    /** Parses policy JSON given as a string (e.g. the {@code Policy} field of {@code GetKeyPolicy}). */
    public static KeyPolicy parse(String json, String source) {
        return parse(json.getBytes(StandardCharsets.UTF_8), source);
    }

    static KeyPolicy fromTree(JsonNode tree, String source) {
        if (tree == null || !tree.isObject()) {
            throw malformed(source, "expected a JSON object");
        }
        unknownFields(tree, TOP, source, "the policy");
        String version = optText(tree, "Version", source, "the policy");
        String id = optText(tree, "Id", source, "the policy");
        JsonNode st = tree.get("Statement");
        if (st == null) {
            throw malformed(source, "missing Statement");
        }
        List<Statement> statements = new ArrayList<>();
        boolean scalar = st.isObject();
        if (scalar) {
            statements.add(statement(st, 0, source));
        } else if (st.isArray()) {
            for (int i = 0; i < st.size(); i++) {
                statements.add(statement(st.get(i), i, source));
            }
        } else {
            throw malformed(source, "Statement must be an object or an array of objects");
        }
        return new KeyPolicy(version, id, statements, scalar);
    }

    private static Statement statement(JsonNode node, int index, String source) {
        String where = "statement #" + (index + 1);
        if (!node.isObject()) {
            throw malformed(source, where + " is not an object");
        }
        unknownFields(node, STATEMENT, source, where);
        String sid = optText(node, "Sid", source, where);
        if (sid != null) {
            where = "statement " + sid;
        }
        String effectText = optText(node, "Effect", source, where);
        Statement.Effect effect;
        if ("Allow".equals(effectText)) {
            effect = Statement.Effect.ALLOW;
        } else if ("Deny".equals(effectText)) {
            effect = Statement.Effect.DENY;
        } else {
            throw malformed(source, where + ": Effect must be \"Allow\" or \"Deny\", found " + effectText);
        }
        Values action = values(node.get("Action"), source, where + " Action");
        Values notAction = values(node.get("NotAction"), source, where + " NotAction");
        if ((action == null) == (notAction == null)) {
            throw malformed(source, where + ": needs exactly one of Action and NotAction");
        }
        Principal principal = principal(node.get("Principal"), source, where + " Principal");
        Principal notPrincipal = principal(node.get("NotPrincipal"), source, where + " NotPrincipal");
        if (principal != null && notPrincipal != null) {
            throw malformed(source, where + ": has both Principal and NotPrincipal");
        }
        Values resource = values(node.get("Resource"), source, where + " Resource");
        Values notResource = values(node.get("NotResource"), source, where + " NotResource");
        Map<String, Map<String, Values>> condition = new LinkedHashMap<>();
        JsonNode cond = node.get("Condition");
        if (cond != null) {
            if (!cond.isObject()) {
                throw malformed(source, where + ": Condition must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = cond.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> op = it.next();
                if (!op.getValue().isObject()) {
                    throw malformed(source, where + ": Condition operator " + op.getKey() + " must map keys to values");
                }
                Map<String, Values> keys = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> kt = op.getValue().fields(); kt.hasNext(); ) {
                    Map.Entry<String, JsonNode> k = kt.next();
                    keys.put(k.getKey(), values(k.getValue(), source, where + " Condition " + op.getKey() + " " + k.getKey()));
                }
                condition.put(op.getKey(), keys);
            }
        }
        return new Statement(sid, effect, principal, notPrincipal, action, notAction, resource, notResource, condition);
    }

    private static Principal principal(JsonNode node, String source, String where) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            if (!"*".equals(node.textValue())) {
                throw malformed(source, where + ": a string principal must be \"*\"; write {\"AWS\": \"" + node.textValue() + "\"}");
            }
            return new Principal.Anyone();
        }
        if (!node.isObject() || node.isEmpty()) {
            throw malformed(source, where + ": expected \"*\" or an object such as {\"AWS\": \"arn:...\"}");
        }
        Map<String, Values> byType = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byType.put(e.getKey(), values(e.getValue(), source, where + " " + e.getKey()));
        }
        return new Principal.Named(byType);
    }

    private static Values values(JsonNode node, String source, String where) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return Values.of(node.textValue());
        }
        if (node.isBoolean() || node.isNumber()) {
            // IAM accepts unquoted booleans and numbers in conditions; keep their text.
            return Values.of(node.asText());
        }
        if (node.isArray()) {
            List<String> list = new ArrayList<>();
            for (JsonNode v : node) {
                if (!(v.isTextual() || v.isBoolean() || v.isNumber())) {
                    throw malformed(source, where + ": array elements must be strings");
                }
                list.add(v.asText());
            }
            if (list.isEmpty()) {
                throw malformed(source, where + ": empty array");
            }
            return Values.array(list);
        }
        throw malformed(source, where + ": expected a string or an array of strings");
    }

    private static String optText(JsonNode node, String field, String source, String where) {
        JsonNode v = node.get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw malformed(source, where + ": " + field + " must be a string");
        }
        return v.textValue();
    }

    private static void unknownFields(JsonNode node, Set<String> allowed, String source, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw malformed(source, where + " has an unknown element \"" + f + "\" (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
        }
    }

    private static KeyPolicyException malformed(String source, String detail) {
        return new KeyPolicyException(KeyPolicyException.Code.POLICY_MALFORMED, source + " is not a valid key policy: " + detail + ".");
    }

    /** The policy as a JSON tree in the canonical element order. */
    public ObjectNode toTree() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        if (version != null) {
            root.put("Version", version);
        }
        if (id != null) {
            root.put("Id", id);
        }
        if (statementScalar) {
            root.set("Statement", statementTree(statements.get(0)));
        } else {
            ArrayNode arr = root.putArray("Statement");
            statements.forEach(s -> arr.add(statementTree(s)));
        }
        return root;
    }

    private static ObjectNode statementTree(Statement s) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        if (s.sid() != null) {
            o.put("Sid", s.sid());
        }
        o.put("Effect", s.effect().json());
        putPrincipal(o, "Principal", s.principal());
        putPrincipal(o, "NotPrincipal", s.notPrincipal());
        putValues(o, "Action", s.action());
        putValues(o, "NotAction", s.notAction());
        putValues(o, "Resource", s.resource());
        putValues(o, "NotResource", s.notResource());
        if (!s.condition().isEmpty()) {
            ObjectNode c = o.putObject("Condition");
            s.condition().forEach((op, keys) -> {
                ObjectNode k = c.putObject(op);
                keys.forEach((key, v) -> putValues(k, key, v));
            });
        }
        return o;
    }

    private static void putPrincipal(ObjectNode o, String field, Principal p) {
        if (p instanceof Principal.Anyone) {
            o.put(field, "*");
        } else if (p instanceof Principal.Named named) {
            ObjectNode n = o.putObject(field);
            named.byType().forEach((type, v) -> putValues(n, type, v));
        }
    }

    private static void putValues(ObjectNode o, String field, Values v) {
        if (v == null) {
            return;
        }
        if (v.scalar()) {
            o.put(field, v.list().get(0));
        } else {
            ArrayNode a = o.putArray(field);
            v.list().forEach(a::add);
        }
    }

    /** Deterministic JSON: UTF-8, two-space indentation, LF, trailing newline. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toTree()).replace("\r\n", "\n") + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("policy serialisation failed", e);
        }
    }

    /** Writes {@link #toJson()} atomically. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "cannot write " + file + ": " + e, e);
        }
    }
}

package dev.attested.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A KMS and IAM endpoint on 127.0.0.1 for tests: speaks KMS's JSON 1.1 protocol ({@code X-Amz-Target:
 * TrentService.GetKeyPolicy/PutKeyPolicy}) and IAM's query protocol ({@code Action=GetRole}, XML response), and
 * recomputes every request's SigV4 signature with the static test credentials; a request that is not correctly
 * signed gets 403 and is recorded as such.
 */
final class LoopbackAwsServer implements AutoCloseable {
    static final String ACCESS_KEY = "AKIDLOOPBACKTEST";
    static final String SECRET_KEY = "loopback/secret/key/for/tests/only";
    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([a-z0-9-]+)/([a-z]+)/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as the server saw it. */
    record Recorded(String service, String region, String operation, String body, boolean signatureValid, List<String> signedHeaders) {}

    final Map<String, String> keyPolicies = new ConcurrentHashMap<>();
    /** Role name → full ARN with path. */
    final Map<String, String> roles = new ConcurrentHashMap<>();
    final List<Recorded> requests = Collections.synchronizedList(new ArrayList<>());
    /** Operation ({@code GetRole}, {@code TrentService.PutKeyPolicy}) → the AWS error it answers with instead. */
    final Map<String, Failure> failures = new ConcurrentHashMap<>();

    /** An AWS error response: HTTP status, error code ({@code __type} for KMS, {@code Code} for IAM) and message. */
    record Failure(int status, String code, String message) {}
    private final HttpServer server;

    LoopbackAwsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        String text = new String(body, StandardCharsets.UTF_8);
        Matcher auth = AUTH.matcher(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
        boolean authShape = auth.matches();
        String service = authShape ? auth.group(4) : "?";
        String region = authShape ? auth.group(3) : "?";
        List<String> signed = authShape ? List.of(auth.group(5).split(";")) : List.of();
        boolean valid = authShape && ACCESS_KEY.equals(auth.group(1)) && signed.contains("host") && signed.contains("x-amz-date")
                && auth.group(6).equals(signature(ex, body, auth));
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target != null ? target : form(text).getOrDefault("Action", "?");
        requests.add(new Recorded(service, region, operation, text, valid, signed));
        if (!valid) {
            send(ex, 403, "application/x-amz-json-1.1", "{\"__type\":\"InvalidSignatureException\",\"message\":\"signature mismatch\"}");
            return;
        }
        Failure failure = failures.get(operation);
        if (failure != null) {
            if ("kms".equals(service)) {
                ObjectNode err = JSON.createObjectNode().put("__type", failure.code()).put("message", failure.message());
                send(ex, failure.status(), "application/x-amz-json-1.1", JSON.writeValueAsString(err));
            } else {
                send(ex, failure.status(), "text/xml", "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
                        + "<Type>Sender</Type><Code>" + failure.code() + "</Code><Message>" + failure.message() + "</Message></Error>"
                        + "<RequestId>00000000-0000-0000-0000-000000000002</RequestId></ErrorResponse>");
            }
            return;
        }
        if ("kms".equals(service)) {
            kms(ex, operation, JSON.readTree(body));
        } else if ("iam".equals(service)) {
            iam(ex, form(text));
        } else {
            send(ex, 400, "text/plain", "unknown service " + service);
        }
    }

    private void kms(HttpExchange ex, String target, JsonNode req) throws IOException {
        String keyId = req.path("KeyId").asText();
        String type = "application/x-amz-json-1.1";
        if (!keyPolicies.containsKey(keyId)) {
            send(ex, 400, type, "{\"__type\":\"NotFoundException\",\"message\":\"Key '" + keyId + "' does not exist\"}");
            return;
        }
        switch (target) {
            case "TrentService.GetKeyPolicy" -> {
                ObjectNode out = JSON.createObjectNode();
                out.put("Policy", keyPolicies.get(keyId));
                out.put("PolicyName", "default");
                send(ex, 200, type, JSON.writeValueAsString(out));
            }
            case "TrentService.PutKeyPolicy" -> {
                if (req.path("BypassPolicyLockoutSafetyCheck").asBoolean(false)) {
                    send(ex, 400, type, "{\"__type\":\"ValidationException\",\"message\":\"test server refuses lockout bypass\"}");
                    return;
                }
                keyPolicies.put(keyId, req.path("Policy").asText());
                send(ex, 200, type, "{}");
            }
            default -> send(ex, 400, type, "{\"__type\":\"UnsupportedOperationException\",\"message\":\"" + target + "\"}");
        }
    }

    private void iam(HttpExchange ex, Map<String, String> form) throws IOException {
        String name = form.get("RoleName");
        String arn = roles.get(name);
        if (!"GetRole".equals(form.get("Action")) || arn == null) {
            send(ex, 404, "text/xml", "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
                    + "<Code>NoSuchEntity</Code><Message>The role with name " + name + " cannot be found.</Message></Error>"
                    + "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>");
            return;
        }
        String path = arn.substring(arn.indexOf(":role") + 5, arn.lastIndexOf('/') + 1);
        send(ex, 200, "text/xml", "<GetRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><GetRoleResult><Role>"
                + "<Path>" + path + "</Path><RoleName>" + name + "</RoleName><RoleId>AROALOOPBACK0000000001</RoleId><Arn>" + arn + "</Arn>"
                + "<CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>"
                + "</Role></GetRoleResult><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId>"
                + "</ResponseMetadata></GetRoleResponse>");
    }

    /** Recomputes the SigV4 signature from the request as received. */
    private static String signature(HttpExchange ex, byte[] body, Matcher auth) {
        try {
            StringBuilder canonical = new StringBuilder();
            canonical.append(ex.getRequestMethod()).append('\n');
            String path = ex.getRequestURI().getRawPath();
            canonical.append(path == null || path.isEmpty() ? "/" : path).append('\n');
            String query = ex.getRequestURI().getRawQuery();
            canonical.append(query == null ? "" : query).append('\n');
            String signedHeaders = auth.group(5);
            for (String h : signedHeaders.split(";")) {
                List<String> values = ex.getRequestHeaders().get(h);
                String v = values == null ? "" : String.join(",", values).trim().replaceAll(" +", " ");
                canonical.append(h).append(':').append(v).append('\n');
            }
            canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(body)));
            String scope = auth.group(2) + "/" + auth.group(3) + "/" + auth.group(4) + "/aws4_request";
            String toSign = "AWS4-HMAC-SHA256\n" + ex.getRequestHeaders().getFirst("X-Amz-Date") + "\n" + scope + "\n"
                    + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
            byte[] key = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), auth.group(2));
            key = hmac(key, auth.group(3));
            key = hmac(key, auth.group(4));
            key = hmac(key, "aws4_request");
            return hex(hmac(key, toSign));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] b) throws GeneralSecurityException {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b).toLowerCase(Locale.ROOT);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("x-amzn-RequestId", "loopback");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.attested.maven;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GitHub workflow template {@code release-templates/github/release.yml}, parsed, with just enough of the
 * Actions runner to run its shell steps locally: job-level {@code env}, {@code ${{ ... }}} expressions replaced
 * by values the caller supplies, {@code if: env.X != ''} conditions, and {@code bash -eo pipefail} as the shell.
 * Used by {@code ReleaseWorkflowTest} and by {@code it/ci-workflow/verify.groovy}.
 */
public final class ReleaseWorkflow {
    public static final String RESOURCE = "/dev/attested/release-templates/github/release.yml";
    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]+?)\\s*}}");
    private static final Pattern ENV_NOT_EMPTY = Pattern.compile("env\\.([A-Z_][A-Z0-9_]*)\\s*!=\\s*''");

    private final JsonNode root;

    private ReleaseWorkflow(JsonNode root) {
        this.root = root;
    }

    /** The template as packaged in attestation-core. */
    public static ReleaseWorkflow load() throws IOException {
        try (InputStream in = ReleaseWorkflow.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is not on the classpath");
            }
            return new ReleaseWorkflow(new ObjectMapper(new YAMLFactory()).readTree(in));
        }
    }

    public JsonNode root() {
        return root;
    }

    public JsonNode job() {
        return root.get("jobs").get("release");
    }

    /** The step with {@code id}, or null. */
    public JsonNode step(String id) {
        for (JsonNode s : job().get("steps")) {
            if (id.equals(s.path("id").asText(null))) {
                return s;
            }
        }
        return null;
    }

    /** Job-level env with {@code ${{ expr }}} replaced from {@code expressions} (missing → empty, like Actions). */
    public Map<String, String> jobEnv(Map<String, String> expressions) {
        Map<String, String> env = new LinkedHashMap<>();
        job().path("env").fields().forEachRemaining(e -> env.put(e.getKey(), substitute(e.getValue().asText(), expressions)));
        return env;
    }

    /** Whether the step's {@code if:} holds for {@code env} (no {@code if} → true). */
    public boolean enabled(String id, Map<String, String> env) {
        JsonNode cond = step(id).get("if");
        if (cond == null) {
            return true;
        }
        Matcher m = ENV_NOT_EMPTY.matcher(cond.asText().trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported condition in step " + id + ": " + cond.asText());
        }
        String v = env.get(m.group(1));
        return v != null && !v.isEmpty();
    }

    /** Result of one step: exit status and combined output. */
    public record StepResult(int exitCode, String output) {}

    /**
     * Runs the step's script with bash as Actions does ({@code bash --noprofile --norc -eo pipefail}), in
     * {@code workDir}, with {@code env} and the step's own {@code env} (expressions empty) added to this process's
     * environment.
     */
    public StepResult run(String id, Map<String, String> env, Path workDir, long timeoutMinutes)
            throws IOException, InterruptedException {
        return run(id, env, Map.of(), workDir, timeoutMinutes);
    }

    /** As {@link #run(String, Map, Path, long)}, with {@code ${{ expr }}} in the step's env from {@code expressions}. */
    public StepResult run(String id, Map<String, String> env, Map<String, String> expressions, Path workDir,
            long timeoutMinutes) throws IOException, InterruptedException {
        JsonNode step = step(id);
        if (step == null || !step.has("run")) {
            throw new IllegalArgumentException("no shell step with id " + id);
        }
        Path script = Files.createTempFile(workDir, "step-" + id, ".sh");
        Files.writeString(script, substitute(step.get("run").asText(), Map.of()), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of("bash", "--noprofile", "--norc", "-eo", "pipefail", script.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        step.path("env").fields().forEachRemaining(e ->
                pb.environment().put(e.getKey(), substitute(e.getValue().asText(), expressions)));
        Path log = workDir.resolve("step-" + id + ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IOException("step " + id + " did not finish in " + timeoutMinutes + " minutes; log " + log);
        }
        Files.delete(script);
        return new StepResult(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /**
     * A generated P-384 key and self-signed certificate (PEM), valid 2020..2100 so that it covers any output
     * timestamp a test uses: the "repository secrets" of the sign step.
     *
     * @return {key PEM, certificate PEM}
     */
    public static String[] testSigningKey() throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        java.security.KeyPair pair = g.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=attested release test signer");
        org.bouncycastle.cert.X509CertificateHolder cert = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name, java.math.BigInteger.ONE, java.util.Date.from(java.time.Instant.parse("2020-01-01T00:00:00Z")),
                java.util.Date.from(java.time.Instant.parse("2100-01-01T00:00:00Z")), name, pair.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA384withECDSA").build(pair.getPrivate()));
        java.util.Base64.Encoder pem = java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return new String[] {
            "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----",
            "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----"
        };
    }

    private static String substitute(String text, Map<String, String> expressions) {
        Matcher m = EXPRESSION.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(expressions.getOrDefault(m.group(1), "")));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}

package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.kms.KeyPolicy;
import dev.attested.kms.Principal;
import dev.attested.kms.Statement;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.maven.exception.DefaultExceptionHandler;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KmsPolicyMojoTest {
    static final String ROLE = "arn:aws:iam::111122223333:role/data-processing";
    static final Pcr PCR0 = Pcr.ofContent("image".getBytes(StandardCharsets.UTF_8));

    static File manifest(Path dir) {
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, PCR0);
        pcrs.put(1, Pcr.ofContent("kernel".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(2, Pcr.ofContent("app".getBytes(StandardCharsets.UTF_8)));
        Path file = dir.resolve("pcr-manifest.json");
        PcrManifest.of(new PcrManifest.Eif("app.eif", "00".repeat(32), 1), pcrs, null, null, null, "native", "x86_64", null, null).write(file);
        return file.toFile();
    }

    static KmsPolicyMojo mojo(Path dir) {
        KmsPolicyMojo m = new KmsPolicyMojo();
        m.manifests = List.of(manifest(dir));
        m.roleArn = ROLE;
        m.admins = List.of("arn:aws:iam::111122223333:role/KeyAdmin");
        m.actions = List.of("kms:Decrypt");
        m.pins = "image,role";
        m.denyGuardRail = true;
        m.kmsPolicy = dir.resolve("target/attestation/kms-policy.json").toFile();
        return m;
    }

    @Test
    void writesThePolicyAndASummaryWithTheMeasurements(@TempDir Path dir) throws Exception {
        KmsPolicyMojo m = mojo(dir);
        m.execute();
        KeyPolicy p = KeyPolicy.read(m.kmsPolicy.toPath());
        assertTrue(p.statements().stream().anyMatch(s -> "EnclaveAttestedUse".equals(s.sid())));
        String summary = Files.readString(m.kmsPolicy.toPath().resolveSibling("kms-policy.txt"));
        assertTrue(summary.contains("PCR3 of role " + ROLE + ": " + Pcr.ofParentRoleArn(ROLE).hex()), summary);
    }

    @Test
    void existingPolicyWithRootKmsStarFailsLintAndScenariosShowTheIamPath(@TempDir Path dir) throws IOException {
        Path existing = dir.resolve("existing.json");
        Files.writeString(existing, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Root\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                + "{\"Sid\":\"Enclave\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":{\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0.hex() + "\"}}}]}");
        Path scenarios = dir.resolve("scenarios.txt");
        Files.writeString(scenarios, "parent: principal=" + ROLE + " action=kms:Decrypt attestation=none expect=allow-via-iam\n"
                + "enclave: principal=" + ROLE + " action=kms:Decrypt pcr0=" + PCR0.hex() + " expect=allow\n");
        KmsPolicyMojo m = mojo(dir);
        m.policy = existing.toFile();
        m.evaluate = scenarios.toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("LINT_FAILED"), e.getMessage());
        assertFalse(Files.exists(m.kmsPolicy.toPath()));
    }

    @Test
    void scenarioWithAnUnmetExpectationFailsTheGoal(@TempDir Path dir) throws IOException {
        Path scenarios = dir.resolve("scenarios.txt");
        Files.writeString(scenarios, "parent: principal=" + ROLE + " action=kms:Decrypt attestation=none expect=allow\n");
        KmsPolicyMojo m = mojo(dir);
        m.evaluate = scenarios.toFile();
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("SCENARIO_FAILED"), e.getMessage());
    }

    @Test
    void missingManifestFailsWithItsCode(@TempDir Path dir) {
        KmsPolicyMojo m = mojo(dir);
        m.manifests = List.of(dir.resolve("none.json").toFile());
        assertTrue(assertThrows(MojoFailureException.class, m::execute).getMessage().startsWith("MANIFEST_NOT_FOUND"));
    }

    @Test
    void applyResolvesTheRolePathAndPutsThePolicy(@TempDir Path dir) throws Exception {
        try (LoopbackAwsServer server = new LoopbackAwsServer()) {
            server.keyPolicies.put("key-1", KmsPolicyApplierTest.OLD);
            server.roles.put("data-processing", "arn:aws:iam::111122223333:role/enclaves/data-processing");
            System.setProperty("aws.accessKeyId", LoopbackAwsServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", LoopbackAwsServer.SECRET_KEY);
            try {
                KmsPolicyMojo m = mojo(dir);
                m.keyId = "key-1";
                m.apply = true;
                m.region = "eu-west-1";
                m.endpoint = server.endpoint().toString();
                m.iamEndpoint = server.endpoint().toString();
                m.execute();
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
            KeyPolicy applied = KeyPolicy.parse(server.keyPolicies.get("key-1"), "applied");
            Statement enclave = applied.statements().stream().filter(s -> "EnclaveAttestedUse".equals(s.sid())).findFirst().orElseThrow();
            assertEquals(List.of("arn:aws:iam::111122223333:role/enclaves/data-processing"), ((Principal.Named) enclave.principal()).aws());
            assertEquals(Pcr.ofParentRoleArn("arn:aws:iam::111122223333:role/enclaves/data-processing").hex(),
                    enclave.condition().get("StringEqualsIgnoreCase").get("kms:RecipientAttestation:PCR3").list().get(0));
            assertTrue(server.requests.stream().allMatch(LoopbackAwsServer.Recorded::signatureValid));
            assertEquals(List.of("GetRole", "TrentService.GetKeyPolicy", "TrentService.PutKeyPolicy"),
                    server.requests.stream().map(LoopbackAwsServer.Recorded::operation).toList());
        }
    }

    @Test
    void applyWithoutKeyIdIsRefused(@TempDir Path dir) {
        KmsPolicyMojo m = mojo(dir);
        m.apply = true;
        assertThrows(MojoFailureException.class, m::execute);
    }

    @Test
    void skipDoesNothing(@TempDir Path dir) throws Exception {
        KmsPolicyMojo m = mojo(dir);
        m.skip = true;
        m.execute();
        assertFalse(Files.exists(m.kmsPolicy.toPath()));
    }

    /** A Maven log that keeps every line with its level. */
    static final class RecordingLog implements org.apache.maven.plugin.logging.Log {
        final List<String> lines = new java.util.ArrayList<>();

        private void add(String level, CharSequence text) {
            lines.add(level + " " + text);
        }

        List<String> at(String level) {
            return lines.stream().filter(l -> l.startsWith(level + " ")).map(l -> l.substring(level.length() + 1)).toList();
        }

        @Override public boolean isDebugEnabled() { return false; }
        @Override public void debug(CharSequence c) { add("DEBUG", c); }
        @Override public void debug(CharSequence c, Throwable t) { add("DEBUG", c); }
        @Override public void debug(Throwable t) { add("DEBUG", String.valueOf(t)); }
        @Override public boolean isInfoEnabled() { return true; }
        @Override public void info(CharSequence c) { add("INFO", c); }
        @Override public void info(CharSequence c, Throwable t) { add("INFO", c); }
        @Override public void info(Throwable t) { add("INFO", String.valueOf(t)); }
        @Override public boolean isWarnEnabled() { return true; }
        @Override public void warn(CharSequence c) { add("WARN", c); }
        @Override public void warn(CharSequence c, Throwable t) { add("WARN", c); }
        @Override public void warn(Throwable t) { add("WARN", String.valueOf(t)); }
        @Override public boolean isErrorEnabled() { return true; }
        @Override public void error(CharSequence c) { add("ERROR", c); }
        @Override public void error(CharSequence c, Throwable t) { add("ERROR", c); }
        @Override public void error(Throwable t) { add("ERROR", String.valueOf(t)); }
    }

    @Test
    void lintFindingsAreLoggedAtTheirOwnLevel(@TempDir Path dir) throws IOException {
        Path existing = dir.resolve("existing.json");
        // Root kms:* (an error) and a StringLike without wildcard (a warning).
        Files.writeString(existing, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Root\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},"
                + "{\"Sid\":\"Enclave\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringLike\":{\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0.hex() + "\"}}}]}");
        KmsPolicyMojo m = mojo(dir);
        m.policy = existing.toFile();
        RecordingLog log = new RecordingLog();
        m.setLog(log);
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("LINT_FAILED"), e.getMessage());
        assertTrue(log.at("ERROR").stream().anyMatch(l -> l.startsWith("KMS-ROOT-PLAINTEXT [Root]: ")), log.lines.toString());
        assertTrue(log.at("WARN").stream().anyMatch(l -> l.startsWith("KMS-STRINGLIKE [Enclave]: ")), log.lines.toString());
        assertTrue(log.at("ERROR").contains("Lint: 1 errors, 2 findings"), log.lines.toString());
        assertTrue(log.at("INFO").stream().noneMatch(l -> l.contains("KMS-")), log.lines.toString());
    }

    @Test
    void pinsWithoutACodeMeasurementAreRefusedAndNothingIsWritten(@TempDir Path dir) {
        KmsPolicyMojo m = mojo(dir);
        m.pins = "role,instance";
        m.instanceId = "i-084e1dd2f1b2c529b";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("NO_CODE_PIN"), e.getMessage());
        assertFalse(Files.exists(m.kmsPolicy.toPath()));
    }

    @Test
    void aGeneratedPolicyTheCoreRefusesIsReportedAndNotWritten(@TempDir Path dir) throws IOException {
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(templates.resolve("enclave-attested-use.json"), "{\"Sid\":\"${sid}\",\"Effect\":\"Allow\","
                + "\"Principal\":{\"AWS\":\"${roleArn}\"},\"Action\":\"${attestedActions}\",\"Resource\":\"*\","
                + "\"Condition\":{\"StringEqualsIgnoreCaseIfExists\":\"${attestationConditions}\"}}");
        KmsPolicyMojo m = mojo(dir);
        m.templates = templates.toFile();
        RecordingLog log = new RecordingLog();
        m.setLog(log);
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("LINT_FAILED"), e.getMessage());
        assertTrue(log.at("ERROR").stream().anyMatch(l -> l.startsWith("KMS-IFEXISTS-ALLOW [EnclaveAttestedUse]")), log.lines.toString());
        assertFalse(Files.exists(m.kmsPolicy.toPath()));
        assertFalse(Files.exists(m.kmsPolicy.toPath().resolveSibling("kms-policy.txt")));
    }

    @Test
    void anAwsFailureEndsInItsCodeNotTheSdkText(@TempDir Path dir) throws Throwable {
        KmsPolicyApplierTest.withEmptyAwsConfiguration(() -> {
            KmsPolicyMojo m = mojo(dir);
            m.keyId = "key-1";
            MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
            assertTrue(e.getMessage().startsWith("AWS_REGION_MISSING"), e.getMessage());
            assertTrue(e.getMessage().contains("-Dattestation.region"), e.getMessage());
        });
    }

    @Test
    void mavenShowsAnAwsFailureAsItsCodeAndThePermissionWithoutTheSdkText(@TempDir Path dir) throws Exception {
        try (LoopbackAwsServer server = new LoopbackAwsServer()) {
            server.keyPolicies.put("key-1", KmsPolicyApplierTest.OLD);
            server.failures.put("TrentService.GetKeyPolicy", new LoopbackAwsServer.Failure(400, "AccessDeniedException",
                    "User: arn:aws:iam::111122223333:role/ci is not authorized to perform: kms:GetKeyPolicy"));
            System.setProperty("aws.accessKeyId", LoopbackAwsServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", LoopbackAwsServer.SECRET_KEY);
            MojoFailureException e;
            try {
                KmsPolicyMojo m = mojo(dir);
                m.keyId = "key-1";
                m.region = "eu-west-1";
                m.endpoint = server.endpoint().toString();
                m.iamEndpoint = server.endpoint().toString();
                m.roleArn = "arn:aws:iam::111122223333:role/enclaves/data-processing";
                server.roles.put("data-processing", m.roleArn);
                e = assertThrows(MojoFailureException.class, m::execute);
            } finally {
                System.clearProperty("aws.accessKeyId");
                System.clearProperty("aws.secretAccessKey");
            }
            // The line Maven prints: it appends the text of every cause the message does not contain.
            String line = new DefaultExceptionHandler().handleException(e).getMessage();
            assertTrue(line.startsWith("AWS_ACCESS_DENIED: "), line);
            assertTrue(line.contains("it needs the permission kms:GetKeyPolicy"), line);
            assertFalse(line.contains("Status Code") || line.contains("Request ID") || line.contains("SDK Attempt"), line);
            assertEquals(1, line.split("AWS_ACCESS_DENIED", -1).length - 1, line);
        }
    }

    @Test
    void aMalformedEndpointNamesItsParameter(@TempDir Path dir) {
        KmsPolicyMojo m = mojo(dir);
        m.keyId = "key-1";
        m.region = "eu-west-1";
        m.endpoint = "kms eu west";
        MojoFailureException e = assertThrows(MojoFailureException.class, m::execute);
        assertTrue(e.getMessage().startsWith("INVALID_INPUT"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dattestation.endpoint=kms eu west"), e.getMessage());
    }
}

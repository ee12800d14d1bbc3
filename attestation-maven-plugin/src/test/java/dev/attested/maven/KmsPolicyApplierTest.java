package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.kms.KeyPolicy;
import dev.attested.kms.KeyPolicyCheck;
import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.KeyPolicyException.Code;
import dev.attested.kms.KeyPolicyGenerator;
import dev.attested.kms.KeyPolicyLinter;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real SDK clients against the loopback KMS/IAM endpoint, which checks every request's SigV4 signature. */
class KmsPolicyApplierTest {
    static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String OLD = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    /** A generated policy: lint-clean, so the applier may put it. */
    static final String NEW = generated().toJson();

    LoopbackAwsServer server;
    KmsPolicyApplier applier;

    static KeyPolicy generated() {
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, Pcr.ofContent("image".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(1, Pcr.ofContent("kernel".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(2, Pcr.ofContent("app".getBytes(StandardCharsets.UTF_8)));
        PcrManifest m = PcrManifest.of(new PcrManifest.Eif("app.eif", "00".repeat(32), 1), pcrs, null, null, null, "native", "x86_64", null, null);
        return KeyPolicyGenerator.builder().release(m).roleArn("arn:aws:iam::111122223333:role/enclaves/data-processing")
                .admins(List.of("arn:aws:iam::111122223333:role/KeyAdmin")).build().generate().policy();
    }

    static StaticCredentialsProvider testCredentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAwsServer.ACCESS_KEY, LoopbackAwsServer.SECRET_KEY));
    }

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackAwsServer();
        server.keyPolicies.put(KEY, OLD);
        server.roles.put("data-processing", "arn:aws:iam::111122223333:role/enclaves/data-processing");
        applier = new KmsPolicyApplier("eu-west-1", null, server.endpoint(), server.endpoint(), testCredentials());
    }

    @AfterEach
    void stop() {
        applier.close();
        server.close();
    }

    static KeyPolicyException fails(Code code, Executable call) {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void getRoleReturnsTheArnWithItsPathInASignedIamRequest() {
        assertEquals("arn:aws:iam::111122223333:role/enclaves/data-processing",
                applier.resolveRoleArn("arn:aws:iam::111122223333:role/data-processing"));
        LoopbackAwsServer.Recorded r = server.requests.get(0);
        assertEquals("iam", r.service());
        assertEquals("us-east-1", r.region());
        assertEquals("GetRole", r.operation());
        assertTrue(r.signatureValid());
    }

    @Test
    void unknownRoleFailsWithItsCodeAndNamesTheParameter() {
        KeyPolicyException e = fails(Code.AWS_ROLE_NOT_FOUND, () -> applier.resolveRoleArn("arn:aws:iam::111122223333:role/missing"));
        assertTrue(e.getMessage().contains("-Dattestation.roleArn=arn:aws:iam::111122223333:role/missing"), e.getMessage());
    }

    /** The core's rule with this applier as the store: lint first, then diff, then put only with apply. */
    private KeyPolicyCheck.Reconciliation reconcile(String keyId, String policyJson, boolean apply) {
        return KeyPolicyCheck.of(KeyPolicy.parse(policyJson, "proposed"), new KeyPolicyLinter()).reconcile(applier, keyId, apply);
    }

    @Test
    void dryRunShowsTheDiffAndDoesNotPut() {
        KeyPolicyCheck.Reconciliation out = reconcile(KEY, NEW, false);
        assertTrue(String.join("\n", out.diff()).contains("+     \"Sid\" : \"EnclaveAttestedUse\","), out.diff().toString());
        assertFalse(out.applied());
        assertEquals(OLD, server.keyPolicies.get(KEY));
        assertEquals(List.of("TrentService.GetKeyPolicy"), server.requests.stream().map(LoopbackAwsServer.Recorded::operation).toList());
    }

    @Test
    void applyPutsThePolicyWithASignedRequestAndWithoutLockoutBypass() {
        assertTrue(reconcile(KEY, NEW, true).applied());
        assertEquals(KeyPolicy.parse(NEW, "new"), KeyPolicy.parse(server.keyPolicies.get(KEY), "stored"));
        LoopbackAwsServer.Recorded put = server.requests.get(1);
        assertEquals("TrentService.PutKeyPolicy", put.operation());
        assertEquals("kms", put.service());
        assertEquals("eu-west-1", put.region());
        assertTrue(put.signatureValid());
        assertTrue(put.signedHeaders().contains("x-amz-target"), put.signedHeaders().toString());
        assertFalse(put.body().contains("BypassPolicyLockoutSafetyCheck"), put.body());
    }

    @Test
    void aPolicyWithLintErrorsIsNeverPut() {
        KeyPolicyException e = fails(Code.LINT_FAILED, () -> reconcile(KEY, OLD, true));
        assertTrue(e.getMessage().contains("KMS-ROOT-PLAINTEXT"), e.getMessage());
        assertEquals(List.of(), server.requests);
    }

    @Test
    void unchangedPolicyIsNotPut() {
        server.keyPolicies.put(KEY, NEW);
        KeyPolicyCheck.Reconciliation out = reconcile(KEY, NEW, true);
        assertTrue(out.unchanged());
        assertFalse(out.applied());
        assertEquals(1, server.requests.size());
    }

    @Test
    void unknownKeyFailsWithItsCodeNamingTheKeyAndRegion() {
        KeyPolicyException e = fails(Code.AWS_KEY_NOT_FOUND,
                () -> reconcile("no-such-key", NEW, true));
        assertTrue(e.getMessage().contains("key no-such-key (-Dattestation.keyId) does not exist in region eu-west-1"), e.getMessage());
    }

    @Test
    void wronglySignedRequestsAreACredentialsError() {
        KmsPolicyApplier wrong = new KmsPolicyApplier("eu-west-1", null, server.endpoint(), server.endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAwsServer.ACCESS_KEY, "another secret")));
        try (wrong) {
            KeyPolicyException e = fails(Code.AWS_CREDENTIALS, () -> wrong.currentPolicy(KEY));
            assertTrue(e.getMessage().contains("kms:GetKeyPolicy (InvalidSignatureException)"), e.getMessage());
        }
        assertFalse(server.requests.get(0).signatureValid());
    }

    @Test
    void accessDeniedNamesThePermissionToGrant() {
        server.failures.put("TrentService.PutKeyPolicy", new LoopbackAwsServer.Failure(400, "AccessDeniedException",
                "User: arn:aws:iam::111122223333:role/ci is not authorized to perform: kms:PutKeyPolicy"));
        KeyPolicyException put = fails(Code.AWS_ACCESS_DENIED, () -> reconcile(KEY, NEW, true));
        assertTrue(put.getMessage().contains("it needs the permission kms:PutKeyPolicy"), put.getMessage());
        assertEquals(OLD, server.keyPolicies.get(KEY));

        server.failures.put("GetRole", new LoopbackAwsServer.Failure(403, "AccessDenied", "not authorized to perform: iam:GetRole"));
        KeyPolicyException get = fails(Code.AWS_ACCESS_DENIED, () -> applier.resolveRoleArn("arn:aws:iam::111122223333:role/data-processing"));
        assertTrue(get.getMessage().contains("it needs the permission iam:GetRole"), get.getMessage());
    }

    @Test
    void throttlingAfterTheSdkRetriesHasItsCode() {
        server.failures.put("TrentService.GetKeyPolicy", new LoopbackAwsServer.Failure(400, "ThrottlingException", "Rate exceeded"));
        fails(Code.AWS_THROTTLED, () -> applier.currentPolicy(KEY));
        assertTrue(server.requests.size() > 1, "the SDK retried before giving up: " + server.requests.size());
    }

    @Test
    void aPolicyKmsRefusesHasItsCode() {
        server.failures.put("TrentService.PutKeyPolicy", new LoopbackAwsServer.Failure(400, "MalformedPolicyDocumentException",
                "The new key policy will not allow you to update the key policy in the future."));
        KeyPolicyException e = fails(Code.AWS_POLICY_REJECTED, () -> applier.putPolicy(KEY, NEW));
        assertTrue(e.getMessage().contains("will not allow you to update the key policy"), e.getMessage());
    }

    @Test
    void anUnreachableEndpointHasItsCode() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        URI closed = URI.create("http://127.0.0.1:" + port);
        try (KmsPolicyApplier nowhere = new KmsPolicyApplier("eu-west-1", null, closed, closed, testCredentials())) {
            KeyPolicyException e = fails(Code.AWS_REQUEST_FAILED, () -> nowhere.currentPolicy(KEY));
            assertTrue(e.getMessage().contains("kms:GetKeyPolicy on key " + KEY + " in eu-west-1 did not reach AWS"), e.getMessage());
        }
    }

    @Test
    void aMalformedRegionIsRefusedBeforeAnyRequest() {
        KeyPolicyException e = fails(Code.INVALID_INPUT, () -> new KmsPolicyApplier("EU West 1", null, server.endpoint(), server.endpoint(), testCredentials()));
        assertTrue(e.getMessage().contains("-Dattestation.region=EU West 1"), e.getMessage());
    }

    /** The SDK's chains with nothing to find: no profile files, no instance metadata, no system properties. */
    static void withEmptyAwsConfiguration(Executable body) throws Throwable {
        Assumptions.assumeTrue(System.getenv("AWS_REGION") == null && System.getenv("AWS_ACCESS_KEY_ID") == null
                && System.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == null && System.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") == null
                && System.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") == null, "the environment configures AWS");
        Map<String, String> props = new HashMap<>();
        props.put("aws.configFile", "/nonexistent/aws/config");
        props.put("aws.sharedCredentialsFile", "/nonexistent/aws/credentials");
        props.put("aws.disableEc2Metadata", "true");
        props.put("aws.region", null);
        props.put("aws.accessKeyId", null);
        props.put("aws.secretAccessKey", null);
        Map<String, String> saved = new HashMap<>();
        props.forEach((k, v) -> {
            saved.put(k, System.getProperty(k));
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        try {
            body.execute();
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    @Test
    void noRegionFailsWithItsCodeNamingTheParameterNotTheProviderChain() throws Throwable {
        withEmptyAwsConfiguration(() -> {
            KeyPolicyException e = fails(Code.AWS_REGION_MISSING,
                    () -> new KmsPolicyApplier(null, null, server.endpoint(), server.endpoint(), testCredentials()));
            assertTrue(e.getMessage().contains("-Dattestation.region"), e.getMessage());
            assertFalse(e.getMessage().contains("provider"), e.getMessage());
        });
    }

    @Test
    void noCredentialsFailWithItsCodeNamingTheProfileNotTheProviderChain() throws Throwable {
        withEmptyAwsConfiguration(() -> {
            KeyPolicyException e = fails(Code.AWS_CREDENTIALS,
                    () -> new KmsPolicyApplier("eu-west-1", "deploy", server.endpoint(), server.endpoint(), null));
            assertTrue(e.getMessage().contains("profile deploy (-Dattestation.profile)"), e.getMessage());
            assertFalse(e.getMessage().contains("Unable to load credentials"), e.getMessage());
            assertFalse(e.getMessage().contains("provider"), e.getMessage());
        });
        assertEquals(List.of(), server.requests);
    }
}

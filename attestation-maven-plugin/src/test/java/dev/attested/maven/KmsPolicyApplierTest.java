package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.kms.KeyPolicy;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The real SDK clients against the loopback KMS/IAM endpoint, which checks every request's SigV4 signature. */
class KmsPolicyApplierTest {
    static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String OLD = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";
    static final String NEW = OLD.replace("\"Action\":\"kms:*\"", "\"NotAction\":\"kms:Decrypt\"");

    LoopbackAwsServer server;
    KmsPolicyApplier applier;

    @BeforeEach
    void start() throws IOException {
        server = new LoopbackAwsServer();
        server.keyPolicies.put(KEY, OLD);
        server.roles.put("data-processing", "arn:aws:iam::111122223333:role/enclaves/data-processing");
        applier = new KmsPolicyApplier("eu-west-1", null, server.endpoint(), server.endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAwsServer.ACCESS_KEY, LoopbackAwsServer.SECRET_KEY)));
    }

    @AfterEach
    void stop() {
        applier.close();
        server.close();
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
    void unknownRoleFailsWithAClearMessage() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> applier.resolveRoleArn("arn:aws:iam::111122223333:role/missing"));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void dryRunShowsTheDiffAndDoesNotPut() {
        List<String> out = applier.reconcile(KEY, KeyPolicy.parse(NEW, "new"), false);
        assertTrue(out.get(0).contains("+     \"NotAction\" : \"kms:Decrypt\","), out.get(0));
        assertTrue(out.get(1).startsWith("Dry run"));
        assertEquals(OLD, server.keyPolicies.get(KEY));
        assertEquals(List.of("TrentService.GetKeyPolicy"), server.requests.stream().map(LoopbackAwsServer.Recorded::operation).toList());
    }

    @Test
    void applyPutsThePolicyWithASignedRequestAndWithoutLockoutBypass() {
        applier.reconcile(KEY, KeyPolicy.parse(NEW, "new"), true);
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
    void unchangedPolicyIsNotPut() {
        List<String> out = applier.reconcile(KEY, KeyPolicy.parse(OLD, "same"), true);
        assertEquals(List.of("Key " + KEY + ": policy unchanged"), out);
        assertEquals(1, server.requests.size());
    }

    @Test
    void unknownKeyFails() {
        assertThrows(IllegalStateException.class, () -> applier.reconcile("no-such-key", KeyPolicy.parse(NEW, "new"), true));
    }

    @Test
    void wronglySignedRequestsAreRefusedByTheTestServer() {
        KmsPolicyApplier wrong = new KmsPolicyApplier("eu-west-1", null, server.endpoint(), server.endpoint(),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LoopbackAwsServer.ACCESS_KEY, "another secret")));
        try (wrong) {
            assertThrows(IllegalStateException.class, () -> wrong.currentPolicy(KEY));
        }
        assertFalse(server.requests.get(0).signatureValid());
    }
}

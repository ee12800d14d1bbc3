package dev.attested.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasePolicyCheckTest {
    private static final String ROLE = "arn:aws:iam::111122223333:role/enclave";
    private static final String K = "kms:RecipientAttestation:";

    @TempDir
    Path dir;
    private PcrManifest current;
    private PcrManifest old;

    @BeforeEach
    void manifests() throws Exception {
        current = ReleaseFixtures.manifest(ReleaseFixtures.eif(dir.resolve("new"), "new"), "kernel", "app 1.1",
                ReleaseFixtures.blobs("33".repeat(32)), "scratch");
        old = ReleaseFixtures.manifest(ReleaseFixtures.eif(dir.resolve("old"), "old"), "kernel", "app 1.0",
                ReleaseFixtures.blobs("33".repeat(32)), "scratch");
    }

    private static String allow(String sid, String operator, Map<String, String> pins) {
        StringBuilder c = new StringBuilder();
        pins.forEach((k, v) -> c.append(c.length() == 0 ? "" : ",").append('"').append(K).append(k).append("\":")
                .append(v.startsWith("[") ? v : "\"" + v + "\""));
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},"
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"" + operator + "\":{" + c + "}}}";
    }

    private static String deny(String values) {
        return "{\"Sid\":\"DenyOtherImages\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringNotEqualsIgnoreCase\":{\"" + K + "ImageSha384\":"
                + values + "}}}";
    }

    private static byte[] policy(String... statements) {
        return ("{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> image(PcrManifest m) {
        return Map.of("ImageSha384", m.pcrs().get(0), "PCR1", m.pcrs().get(1), "PCR2", m.pcrs().get(2));
    }

    private ReleaseException refused(byte[] policy, List<SortedMap<Integer, String>> alsoAccepted) {
        return assertThrows(ReleaseException.class,
                () -> ReleasePolicyCheck.check(policy, "kms-policy.json", current, alsoAccepted));
    }

    @Test
    void theTemplateForThisReleaseAndAPolicyPinningItPass() {
        ReleasePolicyCheck.check(KmsPolicyTemplate.forRelease(current), "template", current, List.of());
        ReleasePolicyCheck.check(policy(allow("Enclave", "StringEqualsIgnoreCase", image(current)),
                deny("\"" + current.pcrs().get(0) + "\"")), "p", current, List.of());
    }

    @Test
    void valuesAreComparedIgnoringCaseAsKmsDoes() {
        Map<String, String> upper = Map.of("ImageSha384", current.pcrs().get(0).toUpperCase(Locale.ROOT));
        ReleasePolicyCheck.check(policy(allow("Enclave", "StringEqualsIgnoreCase", upper)), "p", current, List.of());
    }

    @Test
    void aPolicyForAnotherImageIsRefused() {
        var e = refused(KmsPolicyTemplate.forRelease(old), List.of());
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertTrue(e.getMessage().contains(old.pcrs().get(0)), e.getMessage());
        assertTrue(e.getMessage().contains("locked out"), e.getMessage());
    }

    @Test
    void aPolicyThatStillAdmitsAnOlderImageIsRefusedUnlessThatReleaseIsAccepted() {
        byte[] rollout = policy(allow("Release110", "StringEqualsIgnoreCase", image(current)),
                allow("Release100", "StringEqualsIgnoreCase", image(old)),
                deny("[\"" + current.pcrs().get(0) + "\",\"" + old.pcrs().get(0) + "\"]"));
        var e = refused(rollout, List.of());
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("Release100 pins " + K + "ImageSha384 = " + old.pcrs().get(0)),
                e.getMessage());
        // the same policy is right when 1.0.0 is still accepted for the environment
        ReleasePolicyCheck.check(rollout, "p", current, List.of(old.pcrs()));
    }

    @Test
    void aDenyGuardRailWithoutThisImageIsRefused() {
        var e = refused(policy(allow("Enclave", "StringEqualsIgnoreCase", image(current)),
                deny("\"" + old.pcrs().get(0) + "\"")), List.of(old.pcrs()));
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("DenyOtherImages (Deny, StringNotEqualsIgnoreCase " + K
                + "ImageSha384) denies this release"), e.getMessage());
    }

    @Test
    void anAllowThatMixesThisImageWithAnotherKernelDoesNotAdmitIt() {
        Map<String, String> mixed = Map.of("ImageSha384", current.pcrs().get(0), "PCR1", "ab".repeat(48));
        var e = refused(policy(allow("Enclave", "StringEqualsIgnoreCase", mixed)), List.of());
        assertTrue(e.getMessage().contains("which is not this release's PCR1"), e.getMessage());
        assertTrue(e.getMessage().contains("no Allow statement admits"), e.getMessage());
    }

    @Test
    void aPolicyPinningNoImageMeasurementIsRefused() {
        String pcr3Only = allow("Enclave", "StringEqualsIgnoreCase", Map.of("PCR3", "cd".repeat(48)));
        var e = refused(policy(pcr3Only), List.of());
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("pins no image measurement"), e.getMessage());
    }

    @Test
    void roleAndInstancePinsAreNotImageMeasurements() {
        Map<String, String> pins = new java.util.HashMap<>(image(current));
        pins.put("PCR3", "cd".repeat(48));
        pins.put("PCR4", "ef".repeat(48));
        ReleasePolicyCheck.check(policy(allow("Enclave", "StringEqualsIgnoreCase", pins)), "p", current, List.of());
    }

    @Test
    void aSignerPinOnAnUnsignedReleaseIsRefused() {
        var e = refused(policy(allow("Enclave", "StringEqualsIgnoreCase", Map.of("PCR8", "12".repeat(48)))), List.of());
        assertTrue(e.getMessage().contains("not in this release (it has no PCR8)"), e.getMessage());
    }

    @Test
    void somethingThatIsNotAKeyPolicyIsMalformed() {
        var e = refused("[1, 2, 3]".getBytes(StandardCharsets.UTF_8), List.of());
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MALFORMED, e.code());
        e = refused("{\"Version\":".getBytes(StandardCharsets.UTF_8), List.of());
        assertEquals(ReleaseException.Code.RELEASE_POLICY_MALFORMED, e.code());
    }
}

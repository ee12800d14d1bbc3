package dev.attested.kms;

import static dev.attested.kms.KmsTestData.ROLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per known mistake (KMS.md §9): a small policy that makes it, and the finding it must produce. */
class KeyPolicyLinterTest {
    static final String PCR0 = KmsTestData.content("simulated enclave image").hex();
    static final String ROOT_KMS_ALL = "{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    static final String NARROW_ROOT = "{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
            + "\"NotAction\":[\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:DeriveSharedSecret\",\"kms:CreateGrant\"],\"Resource\":\"*\"}";

    static String attested(String sid, String actions, String operator, String conditions) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":" + actions
                + ",\"Resource\":\"*\",\"Condition\":{\"" + operator + "\":{" + conditions + "}}}";
    }

    static String good() {
        return attested("Enclave", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\"");
    }

    static KeyPolicy policy(String... statements) {
        return KeyPolicy.parse("{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}", "test");
    }

    static List<LintFinding> lint(String... statements) {
        return new KeyPolicyLinter().lint(policy(statements));
    }

    static LintFinding only(LintRule rule, List<LintFinding> findings) {
        List<LintFinding> hits = findings.stream().filter(f -> f.rule() == rule).toList();
        assertEquals(1, hits.size(), () -> "expected one " + rule.id() + " in " + findings);
        return hits.get(0);
    }

    @Test
    void recommendedShapeHasNoFindings() {
        assertEquals(List.of(), lint(NARROW_ROOT, good()));
    }

    @Test
    void rootKmsStarLeftInPlaceIsAnError() {
        LintFinding f = only(LintRule.ROOT_PLAINTEXT, lint(ROOT_KMS_ALL, good()));
        assertEquals("Enable IAM User Permissions", f.statement());
        assertTrue(f.isError());
        assertTrue(f.fix().contains("NotAction"));
    }

    @Test
    void plainAllowOfDecryptOnTheRoleIsAnError() {
        String plain = "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":[\"kms:Decrypt\",\"kms:Encrypt\"],\"Resource\":\"*\"}";
        LintFinding f = only(LintRule.UNATTESTED_ALLOW, lint(NARROW_ROOT, good(), plain));
        assertEquals("#3", f.statement());
    }

    @Test
    void createGrantForANonAdminIsAnError() {
        String grant = "{\"Sid\":\"Grants\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/x\"},\"Action\":\"kms:Create*\",\"Resource\":\"*\"}";
        assertEquals("Grants", only(LintRule.GRANT_OR_REENCRYPT, lint(NARROW_ROOT, good(), grant)).statement());
    }

    @Test
    void ifExistsInTheAttestedAllowIsAnError() {
        only(LintRule.IF_EXISTS_IN_ALLOW, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCaseIfExists",
                "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\"")));
    }

    @Test
    void upperCaseHexUnderStringEqualsIsAnErrorAndTheOperatorIsFlagged() {
        List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEquals",
                "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0.toUpperCase() + "\""));
        assertTrue(only(LintRule.UPPERCASE_HEX, f).isError());
        assertFalse(only(LintRule.CASE_SENSITIVE_OPERATOR, f).isError());
    }

    @Test
    void upperCaseHexUnderIgnoreCaseIsOnlyAWarning() {
        assertFalse(only(LintRule.UPPERCASE_HEX, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0.toUpperCase() + "\""))).isError());
    }

    @Test
    void hexPrefixIsAnError() {
        only(LintRule.HEX_PREFIX, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:PCR0\":\"0x" + PCR0 + "\"")));
    }

    @Test
    void wrongLengthIsAnError() {
        only(LintRule.HEX_LENGTH, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:PCR0\":\"" + PCR0.substring(0, 64) + "\"")));
    }

    @Test
    void nonAttestedActionsInTheAttestedStatementAreAnError() {
        LintFinding f = only(LintRule.NON_ATTESTED_ACTION, lint(NARROW_ROOT, attested("E", "[\"kms:Decrypt\",\"kms:Encrypt\",\"kms:GetKeyPolicy\"]",
                "StringEqualsIgnoreCase", "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\"")));
        assertTrue(f.message().contains("kms:Encrypt") && f.message().contains("kms:GetKeyPolicy"), f.message());
    }

    @Test
    void wildcardCoveringNonAttestedActionsIsAnError() {
        only(LintRule.NON_ATTESTED_ACTION, lint(NARROW_ROOT, attested("E", "\"kms:GenerateDataKey*\"",
                "StringEqualsIgnoreCase", "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\"")));
    }

    @Test
    void allZeroImagePcrIsAnError() {
        only(LintRule.DEBUG_PCR, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:PCR0\":\"" + "0".repeat(96) + "\"")));
    }

    @Test
    void stringLikeWithAWildcardIsAnError() {
        assertTrue(only(LintRule.WILDCARD_OPERATOR, lint(NARROW_ROOT, good(), attested("E", "\"kms:Decrypt\"", "StringLike",
                "\"kms:RecipientAttestation:PCR0\":\"" + PCR0.substring(0, 90) + "*\""))).isError());
    }

    @Test
    void conditionKeyTypoIsAnError() {
        only(LintRule.CONDITION_KEY_TYPO, lint(NARROW_ROOT, good(), attested("E2", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\",\"kms:RecipientAtestation:PCR1\":\"" + PCR0 + "\"")));
    }

    @Test
    void nitroTpmKeyFamilyIsAnError() {
        only(LintRule.NITROTPM_KEY, lint(NARROW_ROOT, good(), attested("E2", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:NitroTPMPCR0\":\"" + PCR0 + "\"")));
    }

    @Test
    void severalReleasesInOneStatementAreAnError() {
        String other = KmsTestData.content("image v2").hex();
        only(LintRule.MIXED_RELEASES, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:ImageSha384\":[\"" + PCR0 + "\",\"" + other + "\"],"
                        + "\"kms:RecipientAttestation:PCR2\":[\"" + PCR0 + "\",\"" + other + "\"]")));
    }

    @Test
    void severalValuesOnOneKeyDuringARolloutAreFine() {
        String other = KmsTestData.content("image v2").hex();
        List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:ImageSha384\":[\"" + PCR0 + "\",\"" + other + "\"]"));
        assertEquals(List.of(), f);
    }

    @Test
    void nullDenyOnTheNonexistentKeyIsAnError() {
        String deny = "{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
                + "\"Condition\":{\"Null\":{\"kms:RecipientAttestation\":\"true\"}}}";
        assertEquals("D", only(LintRule.NULL_ON_MISSING_KEY, lint(NARROW_ROOT, good(), deny)).statement());
    }

    @Test
    void denyWithSeveralKeysInOneBlockIsAWarning() {
        String deny = "{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
                + "\"Condition\":{\"StringNotEqualsIgnoreCase\":{\"kms:RecipientAttestation:PCR0\":\"" + PCR0
                + "\",\"kms:RecipientAttestation:PCR3\":\"" + KmsTestData.PCR3_OF_ROLE + "\"}}}";
        assertFalse(only(LintRule.DENY_KEYS_ANDED, lint(NARROW_ROOT, good(), deny)).isError());
    }

    @Test
    void attestedAllowForEveryoneIsAnError() {
        String anyone = good().replace("{\"AWS\":\"" + ROLE + "\"}", "\"*\"");
        only(LintRule.ATTESTED_PRINCIPAL_ANYONE, lint(NARROW_ROOT, anyone));
    }

    @Test
    void assumedRoleSessionAsPrincipalIsAnError() {
        only(LintRule.PRINCIPAL_NOT_ROLE, lint(NARROW_ROOT, good().replace(ROLE, "arn:aws:sts::111122223333:assumed-role/data-processing/s")));
    }

    @Test
    void policyWithoutAnyAttestedAllowIsAnError() {
        only(LintRule.NO_ATTESTED_STATEMENT, lint(NARROW_ROOT));
    }

    @Test
    void specExampleHasNoErrorsAndWarnsThatRootMayStillGenerateDataKeys() {
        // KMS.md section 8 example: root NotAction without GenerateDataKey, attested Decrypt + GenerateDataKey, one guard rail.
        String enclave = attested("EnclaveAttestedUse", "[\"kms:Decrypt\",\"kms:GenerateDataKey\"]", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\",\"kms:RecipientAttestation:PCR3\":\"" + KmsTestData.PCR3_OF_ROLE + "\"");
        String deny = "{\"Sid\":\"DenyUnattestedImage\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"kms:Decrypt\",\"kms:GenerateDataKey\"],"
                + "\"Resource\":\"*\",\"Condition\":{\"StringNotEqualsIgnoreCase\":{\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\"}}}";
        List<LintFinding> f = lint(NARROW_ROOT, enclave, deny);
        assertFalse(KeyPolicyLinter.hasErrors(f), f.toString());
        assertEquals(LintRule.Severity.WARNING, only(LintRule.ROOT_PLAINTEXT, f).severity());
    }

    @Test
    void pcr3OfARoleArnWithoutItsPathIsAnError() {
        String pathRole = "arn:aws:iam::111122223333:role/enclaves/data-processing";
        // PCR3 computed from the ARN without the path (KMS.md section 7 vector) while the principal has the path.
        String s = attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0
                + "\",\"kms:RecipientAttestation:PCR3\":\"" + KmsTestData.PCR3_OF_ROLE + "\"").replace(ROLE, pathRole);
        only(LintRule.PCR3_NOT_PRINCIPAL, lint(NARROW_ROOT, s));
    }
}

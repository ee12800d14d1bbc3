package dev.attested.kms;

import static dev.attested.kms.KmsTestData.ROLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One test per known mistake (docs/spec/kms-attestation.md §8): a small policy that makes it, and the finding it
 * must produce.
 */
class KeyPolicyLinterTest {
    static final String PCR0 = KmsTestData.content("simulated enclave image").hex();
    static final String ROOT_KMS_ALL = "{\"Sid\":\"Enable IAM User Permissions\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"kms:*\",\"Resource\":\"*\"}";
    /**
     * The account root as kms-attestation.md §7.2 recommends it: no Decrypt, ReEncrypt*, DeriveSharedSecret,
     * CreateGrant.
     */
    static final String SPEC_ROOT = "{\"Sid\":\"Root\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},"
            + "\"NotAction\":[\"kms:Decrypt\",\"kms:ReEncrypt*\",\"kms:DeriveSharedSecret\",\"kms:CreateGrant\"],\"Resource\":\"*\"}";
    /** The account root as the generator writes it: no plaintext, new key material or replica either. */
    static final String NARROW_ROOT = SPEC_ROOT.replace("\"kms:CreateGrant\"]",
            "\"kms:CreateGrant\",\"kms:GenerateDataKey\",\"kms:GenerateDataKeyPair\",\"kms:ReplicateKey\"]");

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
        // kms-attestation.md §7.2 example: root NotAction without GenerateDataKey, attested Decrypt + GenerateDataKey, one guard rail.
        String enclave = attested("EnclaveAttestedUse", "[\"kms:Decrypt\",\"kms:GenerateDataKey\"]", "StringEqualsIgnoreCase",
                "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\",\"kms:RecipientAttestation:PCR3\":\"" + KmsTestData.PCR3_OF_ROLE + "\"");
        String deny = "{\"Sid\":\"DenyUnattestedImage\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":[\"kms:Decrypt\",\"kms:GenerateDataKey\"],"
                + "\"Resource\":\"*\",\"Condition\":{\"StringNotEqualsIgnoreCase\":{\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0 + "\"}}}";
        List<LintFinding> f = lint(SPEC_ROOT, enclave, deny);
        assertFalse(KeyPolicyLinter.hasErrors(f), f.toString());
        LintFinding root = only(LintRule.ROOT_PLAINTEXT, f);
        assertEquals(LintRule.Severity.WARNING, root.severity());
        assertTrue(root.message().contains("[kms:GenerateDataKey, kms:GenerateDataKeyPair, kms:ReplicateKey]"), root.message());
    }

    @Test
    void pcr3OfARoleArnWithoutItsPathIsAnError() {
        String pathRole = "arn:aws:iam::111122223333:role/enclaves/data-processing";
        // PCR3 computed from the ARN without the path (kms-attestation.md §6.2 vector) while the principal has the
        // path.
        String s = attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", "\"kms:RecipientAttestation:ImageSha384\":\"" + PCR0
                + "\",\"kms:RecipientAttestation:PCR3\":\"" + KmsTestData.PCR3_OF_ROLE + "\"").replace(ROLE, pathRole);
        only(LintRule.PCR3_NOT_PRINCIPAL, lint(NARROW_ROOT, s));
    }

    // ---- constructs that let a principal obtain plaintext without attestation of the intended code ----------------
    // Each leaking policy is also run through the evaluator, which shows the request it lets through; each has a
    // near miss that must lint clean.

    static final String PCR3 = KmsTestData.PCR3_OF_ROLE;
    static final String PCR8 = KmsTestData.content("signing certificate").hex();
    static final String OTHER_ACCOUNT_ROLE = "arn:aws:iam::444455556666:role/data-processing";

    static String key(String name, String value) {
        return "\"kms:RecipientAttestation:" + name + "\":\"" + value + "\"";
    }

    static Decision decide(KeyPolicy policy, String principal, EvaluationRequest.Attestation attestation) {
        return KeyPolicyEvaluator.of(policy).evaluate(EvaluationRequest.of(principal, "kms:Decrypt", attestation));
    }

    static EvaluationRequest.Attestation none() {
        return new EvaluationRequest.Attestation.None();
    }

    /** What a debug-mode enclave started by the parent reports: image PCRs and PCR8 zero, PCR3 and PCR4 set. */
    static EvaluationRequest.Attestation debugEnclaveOfTheParent() {
        java.util.SortedMap<Integer, dev.attested.pcr.Pcr> pcrs = new java.util.TreeMap<>();
        for (int i : new int[] {0, 1, 2, 8}) {
            pcrs.put(i, dev.attested.pcr.Pcr.zero());
        }
        pcrs.put(3, dev.attested.pcr.Pcr.ofHex(PCR3));
        pcrs.put(4, dev.attested.pcr.Pcr.ofParentInstanceId("i-084e1dd2f1b2c529b"));
        return new EvaluationRequest.Attestation.Pcrs(pcrs);
    }

    static EvaluationRequest.Attestation releasedImage() {
        java.util.SortedMap<Integer, dev.attested.pcr.Pcr> pcrs = new java.util.TreeMap<>();
        pcrs.put(0, dev.attested.pcr.Pcr.ofHex(PCR0));
        pcrs.put(3, dev.attested.pcr.Pcr.ofHex(PCR3));
        pcrs.put(8, dev.attested.pcr.Pcr.ofHex(PCR8));
        return new EvaluationRequest.Attestation.Pcrs(pcrs);
    }

    static void assertClean(List<LintFinding> findings) {
        assertFalse(KeyPolicyLinter.hasErrors(findings), findings.toString());
    }

    @Test
    void forAllValuesOnAttestationKeysInAnAllowIsAnErrorBecauseItHoldsWithoutADocument() {
        String leak = attested("E", "\"kms:Decrypt\"", "ForAllValues:StringEqualsIgnoreCase", key("ImageSha384", PCR0) + "," + key("PCR3", PCR3));
        assertEquals(Decision.Outcome.ALLOW, decide(policy(NARROW_ROOT, leak), ROLE, none()).outcome(), "the parent decrypts unattested");
        List<LintFinding> f = lint(NARROW_ROOT, leak);
        assertEquals(2, f.stream().filter(x -> x.rule() == LintRule.FOR_ALL_VALUES_IN_ALLOW && x.isError()).count(), f.toString());
        assertTrue(only(LintRule.UNATTESTED_ALLOW, f).isError());
        only(LintRule.NO_ATTESTED_STATEMENT, f);
    }

    @Test
    void forAllValuesWithIfExistsIsAnErrorToo() {
        List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "ForAllValues:StringEqualsIgnoreCaseIfExists", key("ImageSha384", PCR0)));
        assertTrue(only(LintRule.FOR_ALL_VALUES_IN_ALLOW, f).isError());
        assertTrue(only(LintRule.IF_EXISTS_IN_ALLOW, f).isError());
        only(LintRule.UNATTESTED_ALLOW, f);
    }

    @Test
    void nearMissForAnyValueRequiresTheDocumentAndIsOnlyAWarning() {
        String s = attested("E", "\"kms:Decrypt\"", "ForAnyValue:StringEqualsIgnoreCase", key("ImageSha384", PCR0));
        assertEquals(Decision.Outcome.IMPLICIT_DENY, decide(policy(NARROW_ROOT, s), ROLE, none()).outcome());
        List<LintFinding> f = lint(NARROW_ROOT, s);
        assertClean(f);
        assertEquals(LintRule.Severity.WARNING, only(LintRule.SET_OPERATOR, f).severity());
    }

    @Test
    void aDenyGuardRailWithForAnyValueDoesNotFireWithoutADocumentAndIsFlagged() {
        String deny = "{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
                + "\"Condition\":{\"ForAnyValue:StringNotEqualsIgnoreCase\":{" + key("ImageSha384", PCR0) + "}}}";
        LintFinding f = only(LintRule.SET_OPERATOR, lint(NARROW_ROOT, good(), deny));
        assertTrue(f.message().contains("requests without a document pass it"), f.message());
    }

    @Test
    void pinsOfOnlyTheRoleOrTheInstanceMeasureNoCodeAndAreAnError() {
        String pcr4 = dev.attested.pcr.Pcr.ofParentInstanceId("i-084e1dd2f1b2c529b").hex();
        for (String conditions : List.of(key("PCR3", PCR3), key("PCR4", pcr4), key("PCR3", PCR3) + "," + key("PCR4", pcr4))) {
            KeyPolicy p = policy(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", conditions));
            assertEquals(Decision.Outcome.ALLOW, decide(p, ROLE, debugEnclaveOfTheParent()).outcome(), "a debug enclave of the parent: " + conditions);
            LintFinding f = only(LintRule.NO_CODE_PIN, new KeyPolicyLinter().lint(p));
            assertTrue(f.isError(), conditions);
            assertEquals("E", f.statement());
        }
    }

    @Test
    void onePcrOfKernelOrApplicationAloneIsNotACodePin() {
        only(LintRule.NO_CODE_PIN, lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                key("PCR2", PCR0) + "," + key("PCR3", PCR3))));
    }

    @Test
    void nearMissesEachPinTheCode() {
        String pcr1 = KmsTestData.content("simulated kernel and bootstrap").hex();
        for (String conditions : List.of(key("ImageSha384", PCR0), key("PCR0", PCR0) + "," + key("PCR3", PCR3),
                key("PCR8", PCR8) + "," + key("PCR3", PCR3), key("PCR1", pcr1) + "," + key("PCR2", PCR0))) {
            KeyPolicy p = policy(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", conditions));
            assertEquals(Decision.Outcome.IMPLICIT_DENY, decide(p, ROLE, debugEnclaveOfTheParent()).outcome(), conditions);
            assertEquals(List.of(), new KeyPolicyLinter().lint(p), conditions);
        }
    }

    @Test
    void anAllZeroPcr8PinsNothingAndIsAnError() {
        List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase",
                key("PCR8", "0".repeat(96)) + "," + key("PCR3", PCR3)));
        assertTrue(only(LintRule.DEBUG_PCR, f).isError());
        only(LintRule.NO_CODE_PIN, f);
    }

    @Test
    void notPrincipalInAnAttestedAllowIsAnErrorBecauseEveryOtherAccountMayDecrypt() {
        String leak = "{\"Sid\":\"E\",\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:role/intern\"},"
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":{" + key("ImageSha384", PCR0) + "}}}";
        // AWS lets every principal but the one named decrypt (another account running the same image included); the
        // evaluator does not model NotPrincipal and refuses rather than guess, so the linter is what stops it.
        KeyPolicyException refused = org.junit.jupiter.api.Assertions.assertThrows(KeyPolicyException.class,
                () -> decide(policy(NARROW_ROOT, leak), OTHER_ACCOUNT_ROLE, releasedImage()));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, refused.code());
        List<LintFinding> f = lint(NARROW_ROOT, leak);
        LintFinding notPrincipal = only(LintRule.NOT_PRINCIPAL_ALLOW, f);
        assertTrue(notPrincipal.isError());
        assertTrue(notPrincipal.message().contains("arn:aws:iam::111122223333:role/intern"), notPrincipal.message());
        only(LintRule.ATTESTED_PRINCIPAL_ANYONE, f);
    }

    @Test
    void notPrincipalGrantingDecryptWithoutConditionsIsAnUnattestedAllow() {
        String leak = "{\"Sid\":\"N\",\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"" + ROLE + "\"},"
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
        List<LintFinding> f = lint(NARROW_ROOT, good(), leak);
        assertTrue(only(LintRule.UNATTESTED_ALLOW, f).message().startsWith("every principal except [" + ROLE + "]"));
        only(LintRule.NOT_PRINCIPAL_ALLOW, f);
    }

    @Test
    void aWildcardAwsPrincipalInTheAttestedAllowCountsAsEveryone() {
        only(LintRule.ATTESTED_PRINCIPAL_ANYONE, lint(NARROW_ROOT, good().replace("{\"AWS\":\"" + ROLE + "\"}", "{\"AWS\":[\"*\"]}")));
    }

    @Test
    void stringLikeWithOnlyAWildcardMatchesEveryImageAndIsAnError() {
        for (String operator : List.of("StringLike", "ForAnyValue:StringLike")) {
            KeyPolicy p = policy(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", operator, key("ImageSha384", "*") + "," + key("PCR3", PCR3)));
            assertEquals(Decision.Outcome.ALLOW, decide(p, ROLE, debugEnclaveOfTheParent()).outcome(), operator);
            List<LintFinding> f = new KeyPolicyLinter().lint(p);
            LintFinding wildcard = only(LintRule.WILDCARD_OPERATOR, f.stream().filter(LintFinding::isError).toList());
            assertTrue(wildcard.message().contains("ImageSha384"), wildcard.message());
            only(LintRule.NO_CODE_PIN, f);
        }
    }

    @Test
    void nearMissStringLikeWithoutAWildcardIsAWarning() {
        List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "StringLike", key("ImageSha384", PCR0)));
        assertClean(f);
        assertEquals(LintRule.Severity.WARNING, only(LintRule.WILDCARD_OPERATOR, f).severity());
    }

    @Test
    void aStarUnderStringEqualsIsALiteralThatNeverMatchesAndIsReported() {
        List<LintFinding> f = lint(NARROW_ROOT, good(), attested("E2", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", key("ImageSha384", "*")));
        assertTrue(only(LintRule.HEX_LENGTH, f).isError());
        only(LintRule.NO_CODE_PIN, f);
    }

    @Test
    void nullTrueOnAnAttestationKeyInAnAllowMatchesExactlyTheUnattestedRequests() {
        String leak = attested("E", "\"kms:Decrypt\"", "Null", key("ImageSha384", "true"));
        assertEquals(Decision.Outcome.ALLOW, decide(policy(NARROW_ROOT, good(), leak), ROLE, none()).outcome());
        List<LintFinding> f = lint(NARROW_ROOT, good(), leak);
        assertTrue(only(LintRule.NULL_ON_ATTESTATION_KEY, f).isError());
        only(LintRule.UNATTESTED_ALLOW, f);
    }

    @Test
    void nullFalseAloneRequiresSomeDocumentButPinsNoCode() {
        KeyPolicy p = policy(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", "Null", key("ImageSha384", "false")));
        assertEquals(Decision.Outcome.ALLOW, decide(p, ROLE, debugEnclaveOfTheParent()).outcome());
        only(LintRule.NO_CODE_PIN, new KeyPolicyLinter().lint(p));
    }

    @Test
    void aDenyOnAMissingAttestationKeyIsACorrectGuardRailButNullFalseDeniesTheEnclave() {
        String guard = "{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\","
                + "\"Condition\":{\"Null\":{" + key("ImageSha384", "true") + "}}}";
        assertEquals(List.of(), lint(NARROW_ROOT, good(), guard));
        assertTrue(only(LintRule.NULL_ON_ATTESTATION_KEY, lint(NARROW_ROOT, good(), guard.replace("\"true\"", "\"false\""))).isError());
        only(LintRule.UNSUPPORTED_CONSTRUCT, lint(NARROW_ROOT, good(), guard.replace("\"true\"", "\"yes\"")));
    }

    @Test
    void operatorsThatDoNotCompareTheHexExactlyAreAnError() {
        for (String operator : List.of("NumericGreaterThan", "Bool", "ArnLike", "BinaryEquals", "DateGreaterThan")) {
            List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", operator, key("ImageSha384", PCR0)));
            assertTrue(only(LintRule.ATTESTATION_OPERATOR, f).isError(), operator);
            only(LintRule.NO_CODE_PIN, f);
        }
    }

    @Test
    void anUnknownOperatorIsReportedNeverTrusted() {
        for (String operator : List.of("StringEqualsIgnoreCasee", "ForSomeValues:StringEqualsIgnoreCase", "NullIfExists")) {
            List<LintFinding> f = lint(NARROW_ROOT, attested("E", "\"kms:Decrypt\"", operator, key("ImageSha384", PCR0)));
            assertTrue(only(LintRule.UNSUPPORTED_CONSTRUCT, f).isError(), operator);
            only(LintRule.UNATTESTED_ALLOW, f);
        }
    }

    @Test
    void attestedActionsGrantedByAnotherStatementAreAnError() {
        String attestedKeys = attested("E", "[\"kms:Decrypt\",\"kms:GenerateDataKey\"]", "StringEqualsIgnoreCase", key("ImageSha384", PCR0));
        String other = "{\"Sid\":\"Parent\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},"
                + "\"Action\":\"kms:GenerateDataKey\",\"Resource\":\"*\"}";
        assertEquals("Parent", only(LintRule.UNATTESTED_ALLOW, lint(NARROW_ROOT, attestedKeys, other)).statement());
        // ...and one conditioned on the role only.
        String roleOnly = attested("Parent", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", key("PCR3", PCR3));
        assertEquals("Parent", only(LintRule.NO_CODE_PIN, lint(NARROW_ROOT, good(), roleOnly)).statement());
    }

    @Test
    void generateDataKeyReturnsPlaintextKeyMaterialAndIsAnErrorForAnyNamedPrincipal() {
        String producer = "{\"Sid\":\"P\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + KmsTestData.PRODUCER + "\"},"
                + "\"Action\":[\"kms:Encrypt\",\"kms:GenerateDataKey*\"],\"Resource\":\"*\"}";
        LintFinding f = only(LintRule.UNATTESTED_ALLOW, lint(NARROW_ROOT, good(), producer));
        assertTrue(f.message().contains("[kms:GenerateDataKey, kms:GenerateDataKeyPair]"), f.message());
        // The near miss: the generator's producers, who get no plaintext.
        assertEquals(List.of(), lint(NARROW_ROOT, good(), producer.replace("\"kms:GenerateDataKey*\"", "\"kms:GenerateDataKeyWithoutPlaintext\"")));
    }

    @Test
    void grantsReEncryptionAndReplicasAreErrorsEvenWithConditions() {
        for (String action : List.of("kms:ReEncrypt*", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:ReplicateKey", "kms:Replicate*")) {
            String s = "{\"Sid\":\"G\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + KmsTestData.ADMIN + "\"},\"Action\":\"" + action
                    + "\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"kms:GrantIsForAWSResource\":\"true\"}}}";
            assertTrue(only(LintRule.GRANT_OR_REENCRYPT, lint(NARROW_ROOT, good(), s)).isError(), action);
        }
        assertEquals(List.of(), lint(NARROW_ROOT, good(), "{\"Sid\":\"G\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + KmsTestData.ADMIN + "\"},\"Action\":[\"kms:ReEncryptTo\",\"kms:RevokeGrant\",\"kms:ListGrants\"],\"Resource\":\"*\"}"));
    }

    @Test
    void notActionInAnAllowIsJudgedByWhatItLeavesIn() {
        String leak = "{\"Sid\":\"Ops\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + KmsTestData.ADMIN + "\"},"
                + "\"NotAction\":[\"kms:Encrypt\",\"kms:ScheduleKeyDeletion\"],\"Resource\":\"*\"}";
        assertEquals(Decision.Outcome.ALLOW, decide(policy(NARROW_ROOT, good(), leak), KmsTestData.ADMIN, none()).outcome());
        List<LintFinding> f = lint(NARROW_ROOT, good(), leak);
        assertTrue(only(LintRule.UNATTESTED_ALLOW, f).isError());
        assertTrue(only(LintRule.GRANT_OR_REENCRYPT, f).isError());
        String nearMiss = NARROW_ROOT.replace("arn:aws:iam::111122223333:root", KmsTestData.ADMIN).replace("\"Root\"", "\"Ops\"");
        assertEquals(List.of(), lint(NARROW_ROOT, good(), nearMiss));
    }

    @Test
    void notResourceInAnAllowIsAnError() {
        String s = good().replace("\"Resource\":\"*\"", "\"NotResource\":\"arn:aws:kms:eu-west-1:111122223333:key/other\"");
        assertTrue(only(LintRule.NOT_RESOURCE_ALLOW, lint(NARROW_ROOT, s)).isError());
    }

    @Test
    void everyoneAllowedToReplaceThePolicyIsAnError() {
        String s = "{\"Sid\":\"Open\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:PutKeyPolicy\",\"Resource\":\"*\"}";
        assertEquals("Open", only(LintRule.ANYONE_REWRITES_POLICY, lint(NARROW_ROOT, good(), s)).statement());
    }

    @Test
    void aStatementWithoutPrincipalOrWithAnUnknownPrincipalTypeIsReported() {
        String noPrincipal = "{\"Sid\":\"X\",\"Effect\":\"Allow\",\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";
        assertTrue(only(LintRule.UNSUPPORTED_CONSTRUCT, lint(NARROW_ROOT, good(), noPrincipal)).isError());
        String odd = good().replace("{\"AWS\":", "{\"Aws\":");
        assertTrue(only(LintRule.UNSUPPORTED_CONSTRUCT, lint(NARROW_ROOT, odd)).isError());
    }

    @Test
    void duplicateJsonKeysAreRefusedRatherThanReadOneWay() {
        // Which of two "StringEqualsIgnoreCase" blocks wins is the parser's choice; the linter must not guess.
        String dup = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},"
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCaseIfExists\":{" + key("ImageSha384", PCR0)
                + "},\"StringEqualsIgnoreCaseIfExists\":{" + key("PCR3", PCR3) + "}}}]}";
        KeyPolicyException e = org.junit.jupiter.api.Assertions.assertThrows(KeyPolicyException.class, () -> KeyPolicy.parse(dup, "dup"));
        assertEquals(KeyPolicyException.Code.POLICY_MALFORMED, e.code());
    }

    @Test
    void aDevelopmentLinterAcceptsDebugPcrsAsWarnings() {
        String zeros = attested("E", "\"kms:Decrypt\"", "StringEqualsIgnoreCase", key("ImageSha384", "0".repeat(96)));
        List<LintFinding> f = KeyPolicyLinter.allowingDebugMode().lint(policy(NARROW_ROOT, zeros));
        assertEquals(List.of(LintRule.DEBUG_PCR), f.stream().map(LintFinding::rule).toList());
        assertEquals(LintRule.Severity.WARNING, f.get(0).severity());
        assertTrue(only(LintRule.DEBUG_PCR, lint(NARROW_ROOT, zeros)).isError());
    }

    @Test
    void checkRefusesAPolicyWithErrorsAndCarriesEveryFinding() {
        KeyPolicyException e = org.junit.jupiter.api.Assertions.assertThrows(KeyPolicyException.class,
                () -> new KeyPolicyLinter().check(policy(ROOT_KMS_ALL, good())));
        assertEquals(KeyPolicyException.Code.LINT_FAILED, e.code());
        assertEquals(List.of(LintRule.ROOT_PLAINTEXT), e.findings().stream().map(LintFinding::rule).toList());
        assertTrue(e.getMessage().contains("KMS-ROOT-PLAINTEXT [Enable IAM User Permissions]"), e.getMessage());
        assertEquals(List.of(), new KeyPolicyLinter().check(policy(NARROW_ROOT, good())));
    }

    @Test
    void aRoleNamedNextToTheAccountRootIsJudgedAsARoleNotAsTheRoot() {
        // For the root, GenerateDataKey is only a warning; for the parent's role in the same statement it is an error.
        String both = "{\"Sid\":\"Both\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"" + ROLE + "\"]},"
                + "\"Action\":\"kms:GenerateDataKey\",\"Resource\":\"*\"}";
        List<LintFinding> f = lint(NARROW_ROOT, good(), both);
        assertEquals(LintRule.Severity.WARNING, only(LintRule.ROOT_PLAINTEXT, f).severity());
        LintFinding role = only(LintRule.UNATTESTED_ALLOW, f);
        assertTrue(role.isError());
        assertTrue(role.message().startsWith("[" + ROLE + "] may call [kms:GenerateDataKey]"), role.message());
    }
}

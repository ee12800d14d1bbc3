package dev.attested.kms;

import static dev.attested.kms.KmsTestData.ADMIN;
import static dev.attested.kms.KmsTestData.PRODUCER;
import static dev.attested.kms.KmsTestData.ROLE;
import static dev.attested.kms.KmsTestData.content;
import static dev.attested.kms.KmsTestData.simulatedRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.Fixtures;
import dev.attested.kms.Decision.Outcome;
import dev.attested.kms.EvaluationRequest.Attestation;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import dev.attested.testkit.SimulatedNitroPki;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KeyPolicyEvaluatorTest {
    static final SimulatedNitroPki PKI = SimulatedNitroPki.create(Instant.parse("2026-01-01T00:00:00Z"), 4);
    static final AttestationVerifier VERIFIER = AttestationVerifier.builder().trustAnchor(PKI.root()).atDocumentTime().build();
    static final KeyPolicy GENERATED = KeyPolicyGenerator.builder().release(simulatedRelease()).roleArn(ROLE)
            .admins(List.of(ADMIN)).producers(List.of(PRODUCER)).build().generate().policy();
    /** The AWS default root statement left in place next to a correct attested statement (the workshop's mistake). */
    static final KeyPolicy ROOT_LEFT_IN_PLACE = KeyPolicyLinterTest.policy(KeyPolicyLinterTest.ROOT_KMS_ALL, KeyPolicyLinterTest.good());

    static Decision evaluate(KeyPolicy policy, String principal, String action, Attestation attestation) {
        return KeyPolicyEvaluator.withVerifier(policy, VERIFIER).evaluate(EvaluationRequest.of(principal, action, attestation));
    }

    static Attestation document(byte[] bytes) {
        return new Attestation.Document(bytes);
    }

    static Attestation pcrs(int index, Pcr value) {
        SortedMap<Integer, Pcr> m = new TreeMap<>();
        m.put(index, value);
        return new Attestation.Pcrs(m);
    }

    // ---- the workshop's scenarios ----------------------------------------------------------------------------

    @Test
    void parentRoleDecryptingWithoutAttestationIsDenied() {
        Decision d = evaluate(GENERATED, ROLE, "kms:Decrypt", new Attestation.None());
        assertEquals(Outcome.EXPLICIT_DENY, d.outcome());
        assertEquals(Optional.of("DenyUnattestedImageSha384"), d.statement());
    }

    @Test
    void parentRoleWithoutAttestationIsDeniedEvenWithoutTheGuardRail() {
        KeyPolicy noDeny = KeyPolicyGenerator.builder().release(simulatedRelease()).roleArn(ROLE).denyGuardRail(false)
                .build().generate().policy();
        Decision d = evaluate(noDeny, ROLE, "kms:Decrypt", new Attestation.None());
        assertEquals(Outcome.IMPLICIT_DENY, d.outcome());
        assertTrue(d.trace().stream().anyMatch(t -> t.startsWith("EnclaveAttestedUse: condition false")), d.trace().toString());
    }

    @Test
    void enclaveWithAMatchingDocumentIsAllowed() {
        Decision d = evaluate(GENERATED, ROLE, "kms:Decrypt", document(PKI.documentBuilder().sign()));
        assertEquals(Outcome.ALLOW, d.outcome(), d.trace().toString());
        assertEquals(Optional.of("EnclaveAttestedUse"), d.statement());
    }

    @Test
    void enclaveSessionOfTheRoleIsAllowedLikeTheRole() {
        Decision d = evaluate(GENERATED, "arn:aws:sts::111122223333:assumed-role/data-processing/i-084e1dd2f1b2c529b",
                "kms:Decrypt", document(PKI.documentBuilder().sign()));
        assertEquals(Outcome.ALLOW, d.outcome(), d.trace().toString());
    }

    @Test
    void debugModeDocumentIsDenied() {
        Decision d = evaluate(GENERATED, ROLE, "kms:Decrypt", document(PKI.documentBuilder().debugMode().sign()));
        assertEquals(Outcome.DOCUMENT_REJECTED, d.outcome());
        assertTrue(d.explanation().contains("DEBUG_MODE"), d.explanation());
    }

    @Test
    void debugModeDocumentIsStillDeniedByAProductionPolicyWhenDebugModeIsAllowed() {
        Decision d = KeyPolicyEvaluator.withVerifier(GENERATED, VERIFIER).allowingDebugMode()
                .evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", document(PKI.documentBuilder().debugMode().sign())));
        assertEquals(Outcome.EXPLICIT_DENY, d.outcome());
    }

    @Test
    void modifiedImageIsDenied() {
        Decision d = evaluate(GENERATED, ROLE, "kms:Decrypt",
                document(PKI.documentBuilder().pcr(0, content("modified enclave image")).sign()));
        assertEquals(Outcome.EXPLICIT_DENY, d.outcome());
        assertEquals(Optional.of("DenyUnattestedImageSha384"), d.statement());
    }

    @Test
    void documentFromAnotherPkiIsRejected() {
        SimulatedNitroPki other = SimulatedNitroPki.create(PKI.notBefore(), 5);
        assertEquals(Outcome.DOCUMENT_REJECTED, evaluate(GENERATED, ROLE, "kms:Decrypt", document(other.documentBuilder().sign())).outcome());
    }

    @Test
    void rootKmsStarLetsTheParentDecryptThroughIamDelegation() {
        Decision d = evaluate(ROOT_LEFT_IN_PLACE, ROLE, "kms:Decrypt", new Attestation.None());
        assertEquals(Outcome.ALLOW_VIA_IAM, d.outcome());
        assertEquals(Optional.of("Enable IAM User Permissions"), d.statement());
        assertTrue(d.explanation().contains("delegates to IAM"), d.explanation());
        assertTrue(KeyPolicyLinter.hasErrors(new KeyPolicyLinter().lint(ROOT_LEFT_IN_PLACE)));
    }

    @Test
    void generatedPolicyGivesTheParentNoIamPathToDecrypt() {
        Decision d = KeyPolicyEvaluator.of(KeyPolicyGenerator.builder().release(simulatedRelease()).roleArn(ROLE).denyGuardRail(false)
                .build().generate().policy()).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()));
        assertEquals(Outcome.IMPLICIT_DENY, d.outcome());
    }

    @Test
    void rootStatementStillDelegatesKeyManagementToIam() {
        Decision d = evaluate(GENERATED, ROLE, "kms:DescribeKey", new Attestation.None());
        assertEquals(Outcome.ALLOW_VIA_IAM, d.outcome());
        assertEquals(Optional.of("AccountRootNoPlaintext"), d.statement());
    }

    @Test
    void producerMayEncryptWithoutAttestation() {
        assertEquals(Outcome.ALLOW, evaluate(GENERATED, PRODUCER, "kms:Encrypt", new Attestation.None()).outcome());
    }

    @Test
    void principalOfAnotherAccountIsDenied() {
        assertEquals(Outcome.IMPLICIT_DENY, evaluate(GENERATED, "arn:aws:iam::999988887777:role/data-processing", "kms:Decrypt",
                document(PKI.documentBuilder().sign())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, evaluate(GENERATED, "arn:aws:iam::999988887777:role/x", "kms:DescribeKey",
                new Attestation.None()).outcome());
    }

    // ---- real AWS documents -------------------------------------------------------------------------------

    @Test
    void realProductionDocumentMatchingItsReleaseIsAllowed() {
        AttestationVerifier aws = AttestationVerifier.builder().atDocumentTime().build();
        byte[] doc = Fixtures.MARLIN_HIGH_S.bytes();
        SortedMap<Integer, Pcr> measured = aws.verify(doc, Expectations.builder().anyImage().build()).pcrs();
        SortedMap<Integer, Pcr> release = new TreeMap<>(measured.subMap(0, 3));
        PcrManifest manifest = PcrManifest.of(null, release, null, null, null, null, null, null, null);
        KeyPolicy policy = KeyPolicyGenerator.builder().release(manifest).roleArn(ROLE).build().generate().policy();
        Decision d = KeyPolicyEvaluator.withVerifier(policy, aws).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", document(doc)));
        assertEquals(Outcome.ALLOW, d.outcome(), d.trace().toString());
        Decision other = KeyPolicyEvaluator.withVerifier(policy, aws)
                .evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", document(Fixtures.NAUTILUS_HIGH_S.bytes())));
        assertEquals(Outcome.EXPLICIT_DENY, other.outcome());
    }

    @Test
    void realDebugModeDocumentIsRejected() {
        Decision d = KeyPolicyEvaluator.withVerifier(GENERATED, AttestationVerifier.builder().atDocumentTime().build())
                .evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", document(Fixtures.UID2_DEBUG.bytes())));
        assertEquals(Outcome.DOCUMENT_REJECTED, d.outcome());
    }

    // ---- IAM semantics -----------------------------------------------------------------------------------

    static KeyPolicy allowWith(String operator, String key, String values) {
        return KeyPolicyLinterTest.policy("{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},"
                + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"" + operator + "\":{\"" + key + "\":" + values + "}}}");
    }

    static Outcome outcome(KeyPolicy p, Attestation a) {
        return KeyPolicyEvaluator.of(p).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", a)).outcome();
    }

    static final Pcr IMAGE = content("simulated enclave image");
    static final String IMAGE_KEY = "kms:RecipientAttestation:ImageSha384";
    static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    static final String OTHER_KEY = "arn:aws:kms:us-east-1:111122223333:key/0987dcba-09fe-87dc-65ba-ab0987654321";
    static final String SESSION = "arn:aws:sts::111122223333:assumed-role/data-processing/i-084e1dd2f1b2c529b";
    static final String OTHER_ACCOUNT_ROLE = "arn:aws:iam::444455556666:role/data-processing";
    static final String ROOT_STATEMENT = KeyPolicyLinterTest.ROOT_KMS_ALL;
    static final String ALLOW_ROLE = "{\"Sid\":\"Role\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},"
            + "\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}";

    @Test
    void ifExistsOperatorIsTrueWithoutAttestation() {
        assertEquals(Outcome.ALLOW, outcome(allowWith("StringEqualsIgnoreCaseIfExists", IMAGE_KEY, "\"" + IMAGE.hex() + "\""), new Attestation.None()));
    }

    @Test
    void negatedOperatorIsTrueForAMissingKey() {
        assertEquals(Outcome.ALLOW, outcome(allowWith("StringNotEqualsIgnoreCase", IMAGE_KEY, "\"" + IMAGE.hex() + "\""), new Attestation.None()));
        assertEquals(Outcome.IMPLICIT_DENY, outcome(allowWith("StringNotEqualsIgnoreCase", IMAGE_KEY, "\"" + IMAGE.hex() + "\""), pcrs(0, IMAGE)));
    }

    @Test
    void severalValuesOfOneKeyAreOred() {
        KeyPolicy p = allowWith("StringEqualsIgnoreCase", IMAGE_KEY, "[\"" + content("x").hex() + "\",\"" + IMAGE.hex() + "\"]");
        assertEquals(Outcome.ALLOW, outcome(p, pcrs(0, IMAGE)));
        assertEquals(Outcome.IMPLICIT_DENY, outcome(p, pcrs(0, content("y"))));
    }

    @Test
    void severalKeysAreAnded() {
        KeyPolicy p = KeyPolicyLinterTest.policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":\"kms:Decrypt\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":{\"" + IMAGE_KEY + "\":\"" + IMAGE.hex() + "\",\"kms:RecipientAttestation:PCR3\":\""
                + KmsTestData.PCR3_OF_ROLE + "\"}}}");
        assertEquals(Outcome.IMPLICIT_DENY, outcome(p, pcrs(0, IMAGE)));
        SortedMap<Integer, Pcr> both = new TreeMap<>(Map.of(0, IMAGE, 3, Pcr.ofHex(KmsTestData.PCR3_OF_ROLE)));
        assertEquals(Outcome.ALLOW, outcome(p, new Attestation.Pcrs(both)));
    }

    @Test
    void stringEqualsIsCaseSensitiveAndIgnoreCaseIsNot() {
        assertEquals(Outcome.IMPLICIT_DENY, outcome(allowWith("StringEquals", IMAGE_KEY, "\"" + IMAGE.hex().toUpperCase() + "\""), pcrs(0, IMAGE)));
        assertEquals(Outcome.ALLOW, outcome(allowWith("StringEqualsIgnoreCase", IMAGE_KEY, "\"" + IMAGE.hex().toUpperCase() + "\""), pcrs(0, IMAGE)));
    }

    @Test
    void conditionKeyNamesAreCaseInsensitive() {
        assertEquals(Outcome.ALLOW, outcome(allowWith("StringEqualsIgnoreCase", "KMS:recipientattestation:pcr0", "\"" + IMAGE.hex() + "\""), pcrs(0, IMAGE)));
    }

    @Test
    void stringLikeMatchesWildcards() {
        assertEquals(Outcome.ALLOW, outcome(allowWith("StringLike", IMAGE_KEY, "\"" + IMAGE.hex().substring(0, 10) + "*\""), pcrs(0, IMAGE)));
    }

    @Test
    void nullChecksPresence() {
        assertEquals(Outcome.ALLOW, outcome(allowWith("Null", IMAGE_KEY, "\"true\""), new Attestation.None()));
        assertEquals(Outcome.IMPLICIT_DENY, outcome(allowWith("Null", IMAGE_KEY, "\"true\""), pcrs(0, IMAGE)));
        assertEquals(Outcome.ALLOW, outcome(allowWith("Null", IMAGE_KEY, "\"false\""), pcrs(0, IMAGE)));
    }

    @Test
    void boolComparesContextValuesCaseInsensitively() {
        KeyPolicy p = allowWith("Bool", "aws:SecureTransport", "\"true\"");
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p);
        assertEquals(Outcome.ALLOW, e.evaluate(new EvaluationRequest(ROLE, "kms:Decrypt", new Attestation.None(),
                Map.of("aws:SecureTransport", List.of("TRUE")))).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(new EvaluationRequest(ROLE, "kms:Decrypt", new Attestation.None(),
                Map.of("aws:SecureTransport", List.of("false")))).outcome());
    }

    @Test
    void aKeyEveryRequestCarriesIsNotTakenAsAbsentWhenTheRequestOmitsIt() {
        // AWS sets aws:SecureTransport on every request: treating it as absent would make this Deny fire (or not) by accident.
        KeyPolicy p = KeyPolicyLinterTest.policy(ALLOW_ROLE, "{\"Sid\":\"TlsOnly\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:*\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringNotEquals\":{\"aws:SecureTransport\":\"true\"}}}");
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> KeyPolicyEvaluator.of(p).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())));
        assertEquals(KeyPolicyException.Code.REQUEST_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("context.aws:SecureTransport="), e.getMessage());
        assertEquals(Outcome.ALLOW, KeyPolicyEvaluator.of(p).evaluate(new EvaluationRequest(ROLE, "kms:Decrypt", new Attestation.None(),
                Map.of("aws:SecureTransport", List.of("true")))).outcome());
    }

    @Test
    void notActionCoversEverythingElseAndActionWildcardsMatch() {
        KeyPolicy p = KeyPolicyLinterTest.policy("{\"Sid\":\"N\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"kms:Re*\",\"Resource\":\"*\"}",
                "{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Gen?rateRandom\",\"Resource\":\"*\"}");
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p).forKey(KEY);
        assertEquals(Outcome.ALLOW, e.evaluate(EvaluationRequest.of(ROLE, "kms:decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(EvaluationRequest.of(ROLE, "kms:ReEncryptFrom", new Attestation.None())).outcome());
        assertEquals(Outcome.EXPLICIT_DENY, e.evaluate(EvaluationRequest.of(ROLE, "kms:GenerateRandom", new Attestation.None())).outcome());
    }

    @Test
    void attestationKeysAreAbsentForOperationsWithoutRecipient() {
        KeyPolicy p = KeyPolicyLinterTest.policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":\"kms:Encrypt\","
                + "\"Resource\":\"*\",\"Condition\":{\"StringEqualsIgnoreCase\":{\"" + IMAGE_KEY + "\":\"" + IMAGE.hex() + "\"}}}");
        Decision d = KeyPolicyEvaluator.of(p).evaluate(EvaluationRequest.of(ROLE, "kms:Encrypt", pcrs(0, IMAGE)));
        assertEquals(Outcome.IMPLICIT_DENY, d.outcome());
    }

    @Test
    void unsupportedOperatorIsReportedNotGuessed() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> outcome(allowWith("NumericLessThan", "kms:GrantConstraintType", "\"1\""), new Attestation.None()));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, e.code());
    }

    // ---- set qualifiers (ForAllValues, ForAnyValue) ------------------------------------------------------

    static String statement(String sid, String effect, String principal, String action, String resourceElement, String condition) {
        return "{\"Sid\":\"" + sid + "\",\"Effect\":\"" + effect + "\",\"Principal\":" + principal + ",\"Action\":\"" + action + "\","
                + resourceElement + (condition == null ? "" : ",\"Condition\":" + condition) + "}";
    }

    static Decision decide(KeyPolicy p, EvaluationRequest r) {
        return KeyPolicyEvaluator.of(p).evaluate(r);
    }

    /** On {@link #KEY}: for policies that name no account (Principal "*" only), whose key account cannot be inferred. */
    static Decision onKey(KeyPolicy p, EvaluationRequest r) {
        return KeyPolicyEvaluator.of(p).forKey(KEY).evaluate(r);
    }

    static EvaluationRequest withContext(String principal, String key, String... values) {
        return new EvaluationRequest(principal, "kms:Decrypt", new Attestation.None(), Map.of(key, List.of(values)));
    }

    @Test
    void forAllValuesOnTheAttestationKeysIsTrueWithoutAnyAttestation() {
        // ForAllValues over a missing key is true, so this Allow lets the parent decrypt without an enclave.
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("ForAll", "Allow", "{\"AWS\":\"" + ROLE + "\"}", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ForAllValues:StringEqualsIgnoreCase\":{\"" + IMAGE_KEY + "\":\"" + IMAGE.hex() + "\",\"kms:RecipientAttestation:PCR3\":\""
                        + KmsTestData.PCR3_OF_ROLE + "\"}}"));
        Decision d = decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()));
        assertEquals(Outcome.ALLOW, d.outcome());
        assertEquals(Optional.of("ForAll"), d.statement());
    }

    @Test
    void forAnyValueWithANegatedOperatorIsFalseForAMissingKey() {
        // The Deny does not fire without attestation, so the root statement's delegation to IAM decides (AWS allows).
        KeyPolicy p = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("DenyAny", "Deny", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ForAnyValue:StringNotEqualsIgnoreCase\":{\"" + IMAGE_KEY + "\":\"" + IMAGE.hex() + "\"}}"));
        Decision d = decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()));
        assertEquals(Outcome.ALLOW_VIA_IAM, d.outcome(), d.trace().toString());
        assertEquals(Outcome.EXPLICIT_DENY, decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", pcrs(0, content("other image")))).outcome());
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", pcrs(0, IMAGE))).outcome());
    }

    @Test
    void forAnyValueWithANegatedOperatorIsTrueWhenOneRequestValueIsOutsideTheSet() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("DenyOther", "Deny", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ForAnyValue:StringNotEquals\":{\"kms:EncryptionContextKeys\":[\"tenant\",\"purpose\"]}}"));
        assertEquals(Outcome.EXPLICIT_DENY, decide(p, withContext(ROLE, "kms:EncryptionContextKeys", "tenant", "other")).outcome());
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(p, withContext(ROLE, "kms:EncryptionContextKeys", "tenant", "purpose")).outcome());
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void forAllValuesWithANegatedOperatorIsTrueWhenNoRequestValueIsInTheSet() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("A", "Allow", "{\"AWS\":\"" + ROLE + "\"}", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ForAllValues:StringNotEquals\":{\"kms:EncryptionContextKeys\":[\"secret\"]}}"));
        assertEquals(Outcome.ALLOW, decide(p, withContext(ROLE, "kms:EncryptionContextKeys", "tenant", "purpose")).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, decide(p, withContext(ROLE, "kms:EncryptionContextKeys", "tenant", "secret")).outcome());
        assertEquals(Outcome.ALLOW, decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void forAnyValueWithIfExistsIsStillFalseForAMissingKey() {
        // AWS applies IfExists per value inside the ForAnyValue loop: an Allow with this condition does not apply to a
        // request without the key (observed on AWS, repost.aws QU9HFmDzP0QGuU-fd7rS6B7w; iam-simulate agrees).
        KeyPolicy p = allowWith("ForAnyValue:StringEqualsIfExists", "kms:EncryptionContextKeys", "\"tenant\"");
        assertEquals(Outcome.IMPLICIT_DENY, outcome(p, new Attestation.None()));
        assertEquals(Outcome.ALLOW, KeyPolicyEvaluator.of(p).evaluate(withContext(ROLE, "kms:EncryptionContextKeys", "tenant", "other")).outcome());
        assertEquals(Outcome.ALLOW, outcome(allowWith("ForAllValues:StringEqualsIfExists", "kms:EncryptionContextKeys", "\"tenant\""),
                new Attestation.None()));
    }

    @Test
    void ifExistsOnAPresentKeyIsTheBaseOperator() {
        KeyPolicy p = allowWith("StringEqualsIgnoreCaseIfExists", IMAGE_KEY, "\"" + IMAGE.hex() + "\"");
        assertEquals(Outcome.ALLOW, outcome(p, pcrs(0, IMAGE)));
        assertEquals(Outcome.IMPLICIT_DENY, outcome(p, pcrs(0, content("other image"))));
    }

    @Test
    void operatorWithoutSetQualifierOnAMultiValuedKeyIsRefused() {
        KeyPolicy p = allowWith("StringNotEquals", "kms:EncryptionContextKeys", "\"secret\"");
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> KeyPolicyEvaluator.of(p).evaluate(withContext(ROLE, "kms:EncryptionContextKeys", "tenant")));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, e.code());
        assertTrue(e.getMessage().contains("ForAnyValue"), e.getMessage());
        assertThrows(KeyPolicyException.class, () -> KeyPolicyEvaluator.of(allowWith("StringEquals", "aws:SourceVpce", "\"vpce-1\""))
                .evaluate(withContext(ROLE, "aws:SourceVpce", "vpce-1", "vpce-2")));
    }

    @Test
    void negatedStringLikeAndNegatedValuesAreNor() {
        KeyPolicy p = allowWith("StringNotLike", "aws:SourceVpce", "[\"vpce-1*\",\"vpce-2\"]");
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p);
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(withContext(ROLE, "aws:SourceVpce", "vpce-123")).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(withContext(ROLE, "aws:SourceVpce", "vpce-2")).outcome());
        assertEquals(Outcome.ALLOW, e.evaluate(withContext(ROLE, "aws:SourceVpce", "vpce-3")).outcome());
        assertEquals(Outcome.ALLOW, e.evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
    }

    // ---- aws:PrincipalArn and principals -----------------------------------------------------------------

    static final String ALLOW_ENCLAVE_ROLES = statement("EnclaveRoles", "Allow", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
            "{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::111122223333:role/enclaves/*\"}}");

    @Test
    void principalArnOfAnAssumedRoleSessionIsItsRoleArnWithThePath() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ALLOW_ENCLAVE_ROLES);
        EvaluationRequest session = EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None()).withRoleArn(KmsTestData.ROLE_WITH_PATH);
        Decision d = onKey(p, session);
        assertEquals(Outcome.ALLOW, d.outcome(), d.trace().toString());
        EvaluationRequest noPath = EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None()).withRoleArn(ROLE);
        assertEquals(Outcome.IMPLICIT_DENY, onKey(p, noPath).outcome());
    }

    @Test
    void guardRailOnPrincipalArnDoesNotDenyTheSessionsOfTheNamedRole() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("OnlyTheRole", "Deny", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ArnNotEquals\":{\"aws:PrincipalArn\":\"" + KmsTestData.ROLE_WITH_PATH + "\"}}"));
        EvaluationRequest session = EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None()).withRoleArn(KmsTestData.ROLE_WITH_PATH);
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(p, session).outcome());
        assertEquals(Outcome.EXPLICIT_DENY, decide(p, EvaluationRequest.of("arn:aws:sts::111122223333:assumed-role/other/s", "kms:Decrypt",
                new Attestation.None()).withRoleArn("arn:aws:iam::111122223333:role/other")).outcome());
    }

    @Test
    void principalArnOfASessionWithoutItsRoleIsNotGuessed() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> decide(KeyPolicyLinterTest.policy(ALLOW_ENCLAVE_ROLES),
                EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())));
        assertEquals(KeyPolicyException.Code.REQUEST_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("role="), e.getMessage());
    }

    @Test
    void callerAccountKeysAreSetFromThePrincipal() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("Acct", "Allow", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\",\"aws:PrincipalAccount\":\"111122223333\",\"aws:PrincipalType\":\"AssumedRole\"}}"));
        assertEquals(Outcome.ALLOW, onKey(p, EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, onKey(p, EvaluationRequest.of("arn:aws:iam::111122223333:user/alice", "kms:Decrypt",
                new Attestation.None())).outcome());
    }

    @Test
    void roleWithAPathMatchesItsSessionsAndNoOtherRole() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("Role", "Allow", "{\"AWS\":\"" + KmsTestData.ROLE_WITH_PATH + "\"}", "kms:Decrypt",
                "\"Resource\":\"*\"", null));
        assertEquals(Outcome.ALLOW, decide(p, EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.ALLOW, decide(p, EvaluationRequest.of(KmsTestData.ROLE_WITH_PATH, "kms:Decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, decide(p, EvaluationRequest.of("arn:aws:sts::111122223333:assumed-role/other/i-1", "kms:Decrypt",
                new Attestation.None())).outcome());
    }

    @Test
    void accountRootAndAccountIdDelegateToIamAndAnyoneAllowsDirectly() {
        KeyPolicy byId = KeyPolicyLinterTest.policy(statement("Id", "Allow", "{\"AWS\":\"111122223333\"}", "kms:*", "\"Resource\":\"*\"", null));
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(byId, EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.ALLOW, decide(byId, EvaluationRequest.of("arn:aws:iam::111122223333:root", "kms:Decrypt", new Attestation.None())).outcome());
        KeyPolicy anyone = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("Anyone", "Allow", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"", null));
        assertEquals(Outcome.ALLOW, decide(anyone, EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void crossAccountCallersNeedTheirOwnIamPolicyEvenWhenNamed() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("Partner", "Allow", "{\"AWS\":\"" + OTHER_ACCOUNT_ROLE + "\"}",
                "kms:Decrypt", "\"Resource\":\"*\"", null), statement("PartnerAccount", "Allow", "{\"AWS\":\"arn:aws:iam::777788889999:root\"}",
                "kms:Decrypt", "\"Resource\":\"*\"", null));
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p).forKey(KEY);
        Decision named = e.evaluate(EvaluationRequest.of(OTHER_ACCOUNT_ROLE, "kms:Decrypt", new Attestation.None()));
        assertEquals(Outcome.ALLOW_VIA_IAM, named.outcome());
        assertTrue(named.explanation().contains("cross-account"), named.explanation());
        assertEquals(Outcome.ALLOW_VIA_IAM, e.evaluate(EvaluationRequest.of("arn:aws:iam::777788889999:role/x", "kms:Decrypt",
                new Attestation.None())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(EvaluationRequest.of("arn:aws:iam::444455556666:role/other", "kms:Decrypt",
                new Attestation.None())).outcome());
        // Principal "*" lets another account in only as far as its own IAM policies allow.
        KeyPolicy anyone = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("Anyone", "Allow", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"", null));
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(anyone, EvaluationRequest.of(OTHER_ACCOUNT_ROLE, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void sameRoleNameInAnotherAccountIsNotTheRole() {
        Decision d = evaluate(GENERATED, "arn:aws:sts::444455556666:assumed-role/data-processing/i-1", "kms:Decrypt", document(PKI.documentBuilder().sign()));
        assertEquals(Outcome.IMPLICIT_DENY, d.outcome(), d.trace().toString());
    }

    @Test
    void policyNamingSeveralAccountsNeedsTheKeyToTellSameFromCrossAccount() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ROOT_STATEMENT, statement("Partner", "Allow", "{\"AWS\":\"arn:aws:iam::444455556666:root\"}",
                "kms:Decrypt", "\"Resource\":\"*\"", null));
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> decide(p, EvaluationRequest.of(OTHER_ACCOUNT_ROLE, "kms:Decrypt",
                new Attestation.None())));
        assertEquals(KeyPolicyException.Code.REQUEST_INCOMPLETE, e.code());
        assertEquals(Outcome.ALLOW_VIA_IAM, decide(p, EvaluationRequest.of(OTHER_ACCOUNT_ROLE, "kms:Decrypt", new Attestation.None())
                .withResource("arn:aws:kms:eu-west-1:444455556666:key/abcd")).outcome());
    }

    @Test
    void wildcardInsideAPrincipalArnAndNotPrincipalAreRefused() {
        KeyPolicy wildcard = KeyPolicyLinterTest.policy(statement("W", "Allow", "{\"AWS\":\"arn:aws:iam::111122223333:role/*\"}", "kms:Decrypt",
                "\"Resource\":\"*\"", null));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, assertThrows(KeyPolicyException.class,
                () -> outcome(wildcard, new Attestation.None())).code());
        KeyPolicy notPrincipal = KeyPolicyLinterTest.policy(ALLOW_ROLE, "{\"Sid\":\"N\",\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"" + ROLE
                + "\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\"}");
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, assertThrows(KeyPolicyException.class,
                () -> outcome(notPrincipal, new Attestation.None())).code());
    }

    // ---- Resource ----------------------------------------------------------------------------------------

    @Test
    void denyWithNotResourceStarNeverApplies() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ALLOW_ROLE, statement("D", "Deny", "\"*\"", "kms:Decrypt", "\"NotResource\":\"*\"", null));
        Decision d = decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()));
        assertEquals(Outcome.ALLOW, d.outcome(), d.trace().toString());
    }

    @Test
    void resourceIsMatchedAgainstTheKeyArn() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("ThisKey", "Allow", "{\"AWS\":\"" + ROLE + "\"}", "kms:Decrypt", "\"Resource\":\"" + KEY + "\"", null),
                statement("OtherKeys", "Deny", "\"*\"", "kms:Decrypt", "\"NotResource\":\"arn:aws:kms:*:111122223333:key/1234abcd-*\"", null));
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p);
        assertEquals(Outcome.ALLOW, e.evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()).withResource(KEY)).outcome());
        assertEquals(Outcome.EXPLICIT_DENY, e.evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()).withResource(OTHER_KEY)).outcome());
        assertEquals(Outcome.ALLOW, e.forKey(KEY).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void aTrailingWildcardOfAShortResourceArnSpansTheRemainingParts() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("All", "Allow", "{\"AWS\":\"" + ROLE + "\"}", "kms:Decrypt", "\"Resource\":\"arn:aws:kms:*\"", null));
        assertEquals(Outcome.ALLOW, KeyPolicyEvaluator.of(p).forKey(KEY).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
        KeyPolicy noWildcard = KeyPolicyLinterTest.policy(statement("Short", "Allow", "{\"AWS\":\"" + ROLE + "\"}", "kms:Decrypt", "\"Resource\":\"arn:aws:kms\"", null));
        assertEquals(Outcome.IMPLICIT_DENY, KeyPolicyEvaluator.of(noWildcard).forKey(KEY).evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt",
                new Attestation.None())).outcome());
    }

    @Test
    void aResourceOtherThanStarNeedsTheKey() {
        KeyPolicy p = KeyPolicyLinterTest.policy(ALLOW_ROLE, statement("D", "Deny", "\"*\"", "kms:Decrypt", "\"Resource\":\"" + OTHER_KEY + "\"", null));
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> outcome(p, new Attestation.None()));
        assertEquals(KeyPolicyException.Code.REQUEST_INCOMPLETE, e.code());
        assertTrue(e.getMessage().contains("resource="), e.getMessage());
    }

    @Test
    void aStatementWithoutResourceHasNoEffect() {
        // KMS accepts such a statement but documents that it has no effect: neither its Allow nor its Deny counts.
        KeyPolicy p = KeyPolicyLinterTest.policy(ALLOW_ROLE, "{\"Sid\":\"NoResource\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Decrypt\"}");
        Decision d = decide(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()));
        assertEquals(Outcome.ALLOW, d.outcome());
        assertTrue(d.trace().stream().anyMatch(t -> t.startsWith("NoResource: no Resource element")), d.trace().toString());
    }

    // ---- Arn operators and Null ----------------------------------------------------------------------------

    @Test
    void arnEqualsMatchesWildcardsPartByPart() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("A", "Allow", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ArnEquals\":{\"aws:PrincipalArn\":\"arn:aws:iam::*:role/data-?rocessing\"}}"));
        assertEquals(Outcome.ALLOW, onKey(p, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
        // "*" in the account part does not run into the resource part.
        KeyPolicy across = KeyPolicyLinterTest.policy(statement("A", "Allow", "\"*\"", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"ArnLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::*\"}}"));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, assertThrows(KeyPolicyException.class,
                () -> onKey(across, EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()))).code());
    }

    @Test
    void nullOnAKeyEveryRequestCarriesIsFalseWithoutItsValue() {
        KeyPolicy p = allowWith("Null", "aws:PrincipalArn", "\"false\"");
        assertEquals(Outcome.ALLOW, decide(p, EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void anOperatorWithoutKeysIsRefusedRatherThanTakenAsTrue() {
        KeyPolicy p = KeyPolicyLinterTest.policy(statement("Empty", "Allow", "{\"AWS\":\"" + ROLE + "\"}", "kms:Decrypt", "\"Resource\":\"*\"",
                "{\"StringEqualsIgnoreCase\":{}}"));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, assertThrows(KeyPolicyException.class,
                () -> outcome(p, new Attestation.None())).code());
    }

    @Test
    void policyVariablesAreRefused() {
        KeyPolicy p = allowWith("StringEquals", "aws:SourceVpce", "\"${aws:username}\"");
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, assertThrows(KeyPolicyException.class,
                () -> KeyPolicyEvaluator.of(p).evaluate(withContext(ROLE, "aws:SourceVpce", "x"))).code());
    }

    @Test
    void derivedKeysCannotBeGivenAsContext() {
        assertThrows(IllegalArgumentException.class, () -> withContext(ROLE, "aws:principalarn", ROLE));
        assertThrows(IllegalArgumentException.class, () -> withContext(ROLE, "kms:RecipientAttestation:PCR0", IMAGE.hex()));
        assertThrows(IllegalArgumentException.class, () -> EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None()).withRoleArn(ROLE));
        assertThrows(IllegalArgumentException.class, () -> EvaluationRequest.of(SESSION, "kms:Decrypt", new Attestation.None())
                .withRoleArn("arn:aws:iam::111122223333:role/other"));
        assertThrows(IllegalArgumentException.class, () -> EvaluationRequest.of("data-processing", "kms:Decrypt", new Attestation.None()));
        assertThrows(IllegalArgumentException.class, () -> EvaluationRequest.of(ROLE, "kms:*", new Attestation.None()));
    }
}

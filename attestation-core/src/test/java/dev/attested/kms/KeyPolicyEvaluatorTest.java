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
import dev.attested.pki.SimulatedNitroPki;
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
                + "\"Condition\":{\"StringEqualsIgnoreCase\":{\"" + IMAGE_KEY + "\":\"" + IMAGE.hex() + "\",\"kms:RecipientAttestation:PCR3\":\""
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
    void boolComparesContextValues() {
        KeyPolicy p = allowWith("Bool", "aws:SecureTransport", "\"true\"");
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p);
        assertEquals(Outcome.ALLOW, e.evaluate(new EvaluationRequest(ROLE, "kms:Decrypt", new Attestation.None(),
                Map.of("aws:SecureTransport", List.of("true")))).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(EvaluationRequest.of(ROLE, "kms:Decrypt", new Attestation.None())).outcome());
    }

    @Test
    void notActionCoversEverythingElseAndActionWildcardsMatch() {
        KeyPolicy p = KeyPolicyLinterTest.policy("{\"Sid\":\"N\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"NotAction\":\"kms:Re*\"}",
                "{\"Sid\":\"D\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"kms:Gen?rateRandom\"}");
        KeyPolicyEvaluator e = KeyPolicyEvaluator.of(p);
        assertEquals(Outcome.ALLOW, e.evaluate(EvaluationRequest.of(ROLE, "kms:decrypt", new Attestation.None())).outcome());
        assertEquals(Outcome.IMPLICIT_DENY, e.evaluate(EvaluationRequest.of(ROLE, "kms:ReEncryptFrom", new Attestation.None())).outcome());
        assertEquals(Outcome.EXPLICIT_DENY, e.evaluate(EvaluationRequest.of(ROLE, "kms:GenerateRandom", new Attestation.None())).outcome());
    }

    @Test
    void attestationKeysAreAbsentForOperationsWithoutRecipient() {
        KeyPolicy p = KeyPolicyLinterTest.policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + ROLE + "\"},\"Action\":\"kms:Encrypt\","
                + "\"Condition\":{\"StringEqualsIgnoreCase\":{\"" + IMAGE_KEY + "\":\"" + IMAGE.hex() + "\"}}}");
        Decision d = KeyPolicyEvaluator.of(p).evaluate(EvaluationRequest.of(ROLE, "kms:Encrypt", pcrs(0, IMAGE)));
        assertEquals(Outcome.IMPLICIT_DENY, d.outcome());
    }

    @Test
    void unsupportedOperatorIsReportedNotGuessed() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> outcome(allowWith("NumericLessThan", "kms:GrantConstraintType", "\"1\""), new Attestation.None()));
        assertEquals(KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT, e.code());
    }
}

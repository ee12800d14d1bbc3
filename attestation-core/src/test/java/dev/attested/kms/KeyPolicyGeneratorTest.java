package dev.attested.kms;

import static dev.attested.kms.KmsTestData.ADMIN;
import static dev.attested.kms.KmsTestData.PCR3_OF_ROLE;
import static dev.attested.kms.KmsTestData.PRODUCER;
import static dev.attested.kms.KmsTestData.ROLE;
import static dev.attested.kms.KmsTestData.content;
import static dev.attested.kms.KmsTestData.otherRelease;
import static dev.attested.kms.KmsTestData.release;
import static dev.attested.kms.KmsTestData.simulatedRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyPolicyGeneratorTest {
    private static KeyPolicyGenerator.Builder base() {
        return KeyPolicyGenerator.builder().release(simulatedRelease()).roleArn(ROLE).admins(List.of(ADMIN));
    }

    private static Statement sid(KeyPolicy p, String sid) {
        return p.statements().stream().filter(s -> sid.equals(s.sid())).findFirst().orElseThrow(() -> new AssertionError("no " + sid));
    }

    @Test
    void defaultPolicyHasTheRecommendedStatementsInOrder() {
        KeyPolicy p = base().build().generate().policy();
        assertEquals(List.of("AccountRootNoPlaintext", "KeyAdministration", "EnclaveAttestedUse", "DenyUnattestedImageSha384",
                "DenyUnattestedPCR1", "DenyUnattestedPCR2"), p.statements().stream().map(Statement::sid).toList());
    }

    @Test
    void accountRootCannotObtainPlaintextOrGrants() {
        Statement root = sid(base().actions(List.of("kms:Decrypt", "kms:GenerateDataKey")).build().generate().policy(), "AccountRootNoPlaintext");
        assertEquals(List.of("arn:aws:iam::111122223333:root"), ((Principal.Named) root.principal()).aws());
        assertEquals(List.of("kms:Decrypt", "kms:ReEncrypt*", "kms:DeriveSharedSecret", "kms:CreateGrant", "kms:GenerateDataKey",
                "kms:GenerateDataKeyPair", "kms:ReplicateKey"), root.notAction().list());
    }

    @Test
    void attestedStatementPinsLowerCaseImageValuesWithStringEqualsIgnoreCase() {
        Statement s = sid(base().build().generate().policy(), "EnclaveAttestedUse");
        assertEquals(List.of(ROLE), ((Principal.Named) s.principal()).aws());
        assertEquals(List.of("kms:Decrypt"), s.action().list());
        Map<String, Values> cond = s.condition().get("StringEqualsIgnoreCase");
        assertEquals(content("simulated enclave image").hex(), cond.get("kms:RecipientAttestation:ImageSha384").list().get(0));
        assertEquals(content("simulated kernel and bootstrap").hex(), cond.get("kms:RecipientAttestation:PCR1").list().get(0));
        assertEquals(content("simulated application").hex(), cond.get("kms:RecipientAttestation:PCR2").list().get(0));
        assertEquals(1, s.condition().size());
    }

    @Test
    void rolePinIsPcr3OfTheRoleArnFromTheSpecVector() {
        Statement s = sid(base().pins(EnumSet.of(MeasurementPin.ROLE, MeasurementPin.IMAGE)).build().generate().policy(), "EnclaveAttestedUse");
        assertEquals(PCR3_OF_ROLE, s.condition().get("StringEqualsIgnoreCase").get("kms:RecipientAttestation:PCR3").list().get(0));
    }

    @Test
    void instancePinIsPcr4OfTheInstanceId() {
        Statement s = sid(base().pins(EnumSet.of(MeasurementPin.IMAGE, MeasurementPin.INSTANCE)).instanceId("i-084e1dd2f1b2c529b")
                .build().generate().policy(), "EnclaveAttestedUse");
        assertEquals("4b41d8e9ba3411505c1604762a2e91ba72c2c11d954f4a640bf4402bd195dd432804ffa0ceed1b6c39233d13b1e2e595",
                s.condition().get("StringEqualsIgnoreCase").get("kms:RecipientAttestation:PCR4").list().get(0));
    }

    @Test
    void signerPinUsesPcr8OfASignedRelease() {
        Pcr pcr8 = content("signing certificate");
        KeyPolicy p = KeyPolicyGenerator.builder().roleArn(ROLE)
                .release(release("1", content("a"), content("b"), content("c"), pcr8))
                .pins(EnumSet.of(MeasurementPin.SIGNER)).build().generate().policy();
        assertEquals(Set.of("kms:RecipientAttestation:PCR8"), sid(p, "EnclaveAttestedUse").condition().get("StringEqualsIgnoreCase").keySet());
    }

    @Test
    void signerPinOfAnUnsignedReleaseIsRefused() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> base().pins(EnumSet.of(MeasurementPin.SIGNER)).build().generate());
        assertEquals(KeyPolicyException.Code.PIN_UNAVAILABLE, e.code());
    }

    @Test
    void allZeroImagePcrsAreRefusedWithoutAllowDebugMode() {
        KeyPolicyGenerator g = KeyPolicyGenerator.builder().roleArn(ROLE)
                .release(release("dbg", Pcr.zero(), Pcr.zero(), Pcr.zero(), null)).build();
        assertEquals(KeyPolicyException.Code.DEBUG_PCR_REFUSED, assertThrows(KeyPolicyException.class, g::generate).code());
    }

    @Test
    void allowDebugModeAcceptsZerosAndWarnsLoudly() {
        GeneratedKeyPolicy g = KeyPolicyGenerator.builder().roleArn(ROLE).allowDebugMode(true)
                .release(release("dbg", Pcr.zero(), Pcr.zero(), Pcr.zero(), null)).build().generate();
        assertTrue(g.warnings().get(0).startsWith("DEBUG MODE"), g.warnings().toString());
    }

    @Test
    void eachReleaseOfARolloutGetsItsOwnStatement() {
        KeyPolicy p = KeyPolicyGenerator.builder().roleArn(ROLE).release(simulatedRelease()).release(otherRelease())
                .build().generate().policy();
        Statement first = sid(p, "EnclaveAttestedUse1");
        Statement second = sid(p, "EnclaveAttestedUse2");
        assertEquals(List.of(simulatedRelease().pcrs().get(0)),
                first.condition().get("StringEqualsIgnoreCase").get("kms:RecipientAttestation:ImageSha384").list());
        assertEquals(List.of(otherRelease().pcrs().get(0)),
                second.condition().get("StringEqualsIgnoreCase").get("kms:RecipientAttestation:ImageSha384").list());
        // The guard rail lists both accepted values for its one key.
        assertEquals(2, sid(p, "DenyUnattestedImageSha384").condition().get("StringNotEqualsIgnoreCase")
                .get("kms:RecipientAttestation:ImageSha384").list().size());
    }

    @Test
    void theAcceptedReleasesOfAnEnvironmentEachGetAStatementAndRetiredOnesNone() {
        dev.attested.pcr.PcrHistory history = dev.attested.pcr.PcrHistory.empty()
                .append("prod", dev.attested.pcr.PcrHistory.Release.of("1.0", simulatedRelease()))
                .append("prod", dev.attested.pcr.PcrHistory.Release.of("1.1", otherRelease()))
                .retire("prod", "1.0", "2026-02-01T00:00:00Z")
                .append("staging", dev.attested.pcr.PcrHistory.Release.of("1.0", simulatedRelease()));
        KeyPolicy prod = KeyPolicyGenerator.builder().roleArn(ROLE).acceptedReleases(history, "prod")
                .build().generate().policy();
        assertEquals(List.of(otherRelease().pcrs().get(0)),
                sid(prod, "EnclaveAttestedUse").condition().get("StringEqualsIgnoreCase")
                        .get("kms:RecipientAttestation:ImageSha384").list());
        KeyPolicyException none = assertThrows(KeyPolicyException.class,
                () -> KeyPolicyGenerator.builder().roleArn(ROLE).acceptedReleases(history, "dev"));
        assertEquals(KeyPolicyException.Code.INVALID_INPUT, none.code());
    }

    @Test
    void producersGetEncryptOnlyAndGuardRailCanBeOmitted() {
        KeyPolicy p = base().producers(List.of(PRODUCER)).denyGuardRail(false).build().generate().policy();
        assertEquals(List.of("kms:Encrypt", "kms:GenerateDataKeyWithoutPlaintext"), sid(p, "HostSideEncrypt").action().list());
        assertFalse(p.statements().stream().anyMatch(s -> s.effect() == Statement.Effect.DENY));
    }

    @Test
    void actionsThatCannotCarryARecipientAreRefused() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> base().actions(List.of("kms:Encrypt")));
        assertEquals(KeyPolicyException.Code.INVALID_INPUT, e.code());
    }

    @Test
    void roleArnMustBeAnIamRoleNotAnAssumedRoleSession() {
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> KeyPolicyGenerator.builder().release(simulatedRelease())
                .roleArn("arn:aws:sts::111122223333:assumed-role/data-processing/i-0123").build().generate());
        assertEquals(KeyPolicyException.Code.INVALID_INPUT, e.code());
    }

    @Test
    void generatedPolicyHasNoLintErrors() {
        GeneratedKeyPolicy g = base().producers(List.of(PRODUCER)).pins(EnumSet.of(MeasurementPin.IMAGE, MeasurementPin.ROLE, MeasurementPin.INSTANCE))
                .instanceId("i-084e1dd2f1b2c529b").release(otherRelease()).build().generate();
        List<LintFinding> findings = new KeyPolicyLinter().lint(g.policy());
        assertFalse(KeyPolicyLinter.hasErrors(findings), findings.toString());
    }

    @Test
    void outputIsByteIdenticalAcrossRuns() {
        assertEquals(base().build().generate().policy().toJson(), base().build().generate().policy().toJson());
    }

    @Test
    void editedTemplateDirectoryTakesEffect(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("kms"));
        Files.writeString(dir.resolve("kms/host-side-encrypt.json"), """
                { "Sid": "Ingest", "Effect": "Allow", "Principal": { "AWS": "${producerArns}" },
                  "Action": "kms:Encrypt", "Resource": "*",
                  "Condition": { "StringEquals": { "kms:EncryptionContext:tenant": "acme" } } }
                """, StandardCharsets.UTF_8);
        GeneratedKeyPolicy g = base().producers(List.of(PRODUCER)).templates(PolicyTemplates.directory(dir)).build().generate();
        Statement ingest = sid(g.policy(), "Ingest");
        assertEquals("acme", ingest.condition().get("StringEquals").get("kms:EncryptionContext:tenant").list().get(0));
        assertTrue(g.summary().contains(dir.resolve("kms/host-side-encrypt.json").toString()), g.summary());
        // Files not in the directory still come from the bundle.
        assertTrue(g.summary().contains("bundled:enclave-attested-use.json"), g.summary());
    }

    @Test
    void unknownPlaceholderInATemplateIsReported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("key-administration.json"),
                "{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"${admins}\"},\"Action\":\"kms:Describe*\",\"Resource\":\"*\"}");
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> base().templates(PolicyTemplates.directory(dir)).build().generate());
        assertEquals(KeyPolicyException.Code.TEMPLATE_INVALID, e.code());
        assertTrue(e.getMessage().contains("${admins}"), e.getMessage());
    }

    @Test
    void signingCertificateSuppliesPcr8ForTheSignerPin() {
        java.security.cert.X509Certificate cert = dev.attested.attestation.NitroRoots.awsG1();
        GeneratedKeyPolicy g = base().pins(EnumSet.of(MeasurementPin.SIGNER)).signingCertificate(cert).build().generate();
        // docs/spec/kms-attestation.md §6.2 vector: PCR8 with the AWS Root-G1 certificate as input.
        String pcr8 = "df3a0511a411c6a5628d91a189a052d281dec8153ffecde6bdc1a059825c32e4bfb7fc95b367564a64812a8795af8f8a";
        assertEquals(pcr8, sid(g.policy(), "EnclaveAttestedUse").condition().get("StringEqualsIgnoreCase")
                .get("kms:RecipientAttestation:PCR8").list().get(0));
        assertTrue(g.summary().contains("PCR8 of the given signing certificate: " + pcr8), g.summary());
    }

    @Test
    void releaseSignedWithAnotherCertificateIsRefused() {
        KeyPolicyGenerator g = KeyPolicyGenerator.builder().roleArn(ROLE)
                .release(release("1", content("a"), content("b"), content("c"), content("other certificate")))
                .pins(EnumSet.of(MeasurementPin.SIGNER)).signingCertificate(dev.attested.attestation.NitroRoots.awsG1()).build();
        assertEquals(KeyPolicyException.Code.INVALID_INPUT, assertThrows(KeyPolicyException.class, g::generate).code());
    }

    @Test
    void bundledTemplatesAreTheFilesOfReleaseTemplates() throws IOException {
        for (String name : List.of("account-root.json", "key-administration.json", "enclave-attested-use.json",
                "host-side-encrypt.json", "deny-unattested.json")) {
            try (java.io.InputStream in = getClass().getClassLoader().getResourceAsStream(PolicyTemplates.RESOURCE_DIR + name)) {
                assertTrue(in != null, name);
                assertEquals(Files.readString(Path.of("../release-templates/kms", name)), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void pinSetsThatMeasureNoCodeAreRefused() {
        for (String pins : List.of("role", "instance", "role,instance")) {
            KeyPolicyException e = assertThrows(KeyPolicyException.class,
                    () -> base().instanceId("i-084e1dd2f1b2c529b").pins(MeasurementPin.parse(pins)), pins);
            assertEquals(KeyPolicyException.Code.NO_CODE_PIN, e.code(), pins);
            assertTrue(e.getMessage().contains("PCR3 (role) and PCR4 (instance) identify the parent"), e.getMessage());
        }
    }

    @Test
    void everyPinSetWithACodeMeasurementGeneratesAPolicyWithoutLintErrors() {
        Pcr pcr8 = content("signing certificate");
        for (int bits = 1; bits < 16; bits++) {
            Set<MeasurementPin> pins = EnumSet.noneOf(MeasurementPin.class);
            for (MeasurementPin p : MeasurementPin.values()) {
                if ((bits & (1 << p.ordinal())) != 0) {
                    pins.add(p);
                }
            }
            KeyPolicyGenerator.Builder b = KeyPolicyGenerator.builder().roleArn(ROLE).admins(List.of(ADMIN)).instanceId("i-084e1dd2f1b2c529b")
                    .release(release("1", content("a"), content("b"), content("c"), pcr8));
            if (pins.stream().noneMatch(MeasurementPin::measuresCode)) {
                assertThrows(KeyPolicyException.class, () -> b.pins(pins), pins.toString());
                continue;
            }
            GeneratedKeyPolicy g = b.pins(pins).build().generate();
            assertFalse(KeyPolicyLinter.hasErrors(new KeyPolicyLinter().lint(g.policy())), pins.toString());
            assertEquals(new KeyPolicyLinter().lint(g.policy()), g.findings(), pins.toString());
        }
    }

    @Test
    void anEditedTemplateThatReopensABypassIsRefusedByTheGenerator(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("enclave-attested-use.json"), """
                { "Sid": "${sid}", "Effect": "Allow", "Principal": { "AWS": "${roleArn}" },
                  "Action": "${attestedActions}", "Resource": "*",
                  "Condition": { "ForAllValues:StringEqualsIgnoreCase": "${attestationConditions}" } }
                """, StandardCharsets.UTF_8);
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> base().templates(PolicyTemplates.directory(dir)).build().generate());
        assertEquals(KeyPolicyException.Code.LINT_FAILED, e.code());
        assertTrue(e.findings().stream().anyMatch(f -> f.rule() == LintRule.FOR_ALL_VALUES_IN_ALLOW && f.isError()), e.findings().toString());
        assertTrue(e.findings().stream().anyMatch(f -> f.rule() == LintRule.UNATTESTED_ALLOW), e.findings().toString());
    }

    @Test
    void anEditedRootTemplateThatKeepsKmsStarIsRefused(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("account-root.json"), """
                { "Sid": "AccountRoot", "Effect": "Allow", "Principal": { "AWS": "${rootArn}" }, "Action": "kms:*", "Resource": "*" }
                """, StandardCharsets.UTF_8);
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> base().templates(PolicyTemplates.directory(dir)).build().generate());
        assertEquals(KeyPolicyException.Code.LINT_FAILED, e.code());
        assertTrue(e.getMessage().contains("KMS-ROOT-PLAINTEXT [AccountRoot]"), e.getMessage());
    }

    @Test
    void debugModeFindingsAreWarningsInTheSummary() {
        GeneratedKeyPolicy g = KeyPolicyGenerator.builder().roleArn(ROLE).allowDebugMode(true)
                .release(release("dbg", Pcr.zero(), Pcr.zero(), Pcr.zero(), null)).build().generate();
        assertTrue(g.findings().stream().allMatch(f -> f.rule() == LintRule.DEBUG_PCR && f.severity() == LintRule.Severity.WARNING),
                g.findings().toString());
        assertEquals(3, g.findings().size());
        assertTrue(g.summary().contains("Lint (no errors):\n  WARNING KMS-DEBUG-PCR [EnclaveAttestedUse]"), g.summary());
    }
}

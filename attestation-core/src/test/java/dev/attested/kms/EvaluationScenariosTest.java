package dev.attested.kms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.kms.EvaluationRequest.Attestation;
import dev.attested.kms.EvaluationScenarios.Expectation;
import dev.attested.kms.EvaluationScenarios.Scenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationScenariosTest {
    static final String PCR0 = KmsTestData.content("simulated enclave image").hex();

    @Test
    void eachLineIsOneScenarioWithItsAttestationAndExpectation(@TempDir Path dir) throws IOException {
        byte[] doc = KeyPolicyEvaluatorTest.PKI.documentBuilder().sign();
        Files.writeString(dir.resolve("doc.b64"), Base64.getEncoder().encodeToString(doc) + "\n");
        Path file = dir.resolve("scenarios.txt");
        Files.writeString(file, """
                # parent and enclave
                parent: principal=arn:aws:iam::111122223333:role/data-processing action=kms:Decrypt attestation=none expect=deny

                enclave: principal=arn:aws:iam::111122223333:role/data-processing action=kms:Decrypt document=doc.b64 expect=allow
                pcrs: principal=arn:aws:iam::111122223333:role/data-processing action=kms:Decrypt pcr0=%s context.aws:SecureTransport=true
                """.formatted(PCR0));
        List<Scenario> s = EvaluationScenarios.read(file);
        assertEquals(List.of("parent", "enclave", "pcrs"), s.stream().map(Scenario::name).toList());
        assertInstanceOf(Attestation.None.class, s.get(0).request().attestation());
        assertEquals(Optional.of(Expectation.DENY), s.get(0).expected());
        assertArrayEquals(doc, ((Attestation.Document) s.get(1).request().attestation()).bytes());
        assertEquals(4, s.get(1).line());
        assertEquals(PCR0, ((Attestation.Pcrs) s.get(2).request().attestation()).pcrs().get(0).hex());
        assertEquals(List.of("true"), s.get(2).request().context().get("aws:SecureTransport"));
        assertEquals(Optional.empty(), s.get(2).expected());
    }

    @Test
    void denyExpectationAcceptsEveryKindOfDenial() {
        for (Decision.Outcome o : Decision.Outcome.values()) {
            assertEquals(!o.isAllowed(), Expectation.DENY.accepts(o), o.name());
        }
        assertTrue(Expectation.ALLOW_VIA_IAM.accepts(Decision.Outcome.ALLOW_VIA_IAM));
    }

    @Test
    void malformedLineNamesFileAndLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, "ok: principal=arn:aws:iam::111122223333:role/a action=kms:Decrypt\nbad: principal=x action=kms:Decrypt expect=maybe\n");
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file));
        assertEquals(KeyPolicyException.Code.SCENARIO_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("s.txt:2"), e.getMessage());
    }

    @Test
    void documentAndPcrsTogetherAreRejected(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("d.cbor"), new byte[] {(byte) 0x84});
        Path file = dir.resolve("s.txt");
        Files.writeString(file, "x: principal=p action=kms:Decrypt document=d.cbor pcr0=" + PCR0 + "\n");
        assertEquals(KeyPolicyException.Code.SCENARIO_MALFORMED, assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file)).code());
    }

    @Test
    void oversizedDocumentIsRejectedBeforeReading(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("big.b64"), new byte[400_000]);
        Path file = dir.resolve("s.txt");
        Files.writeString(file, "x: principal=arn:aws:iam::111122223333:role/a action=kms:Decrypt document=big.b64\n");
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file));
        assertTrue(e.getMessage().contains("262144"), e.getMessage());
    }

    @Test
    void sessionRoleAndKeyAreReadAndChecked(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, "s: principal=arn:aws:sts::111122223333:assumed-role/data-processing/i-1"
                + " role=arn:aws:iam::111122223333:role/enclaves/data-processing"
                + " resource=arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab action=kms:Decrypt\n");
        Scenario s = EvaluationScenarios.read(file).get(0);
        assertEquals(Optional.of("arn:aws:iam::111122223333:role/enclaves/data-processing"), s.request().roleArn());
        assertEquals(Optional.of("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"), s.request().resource());

        Files.writeString(file, "s: principal=arn:aws:sts::111122223333:assumed-role/data-processing/i-1"
                + " role=arn:aws:iam::111122223333:role/enclaves/other action=kms:Decrypt\n");
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file));
        assertEquals(KeyPolicyException.Code.SCENARIO_MALFORMED, e.code());
        assertTrue(e.getMessage().contains("s.txt:1") && e.getMessage().contains("is not the role of session"), e.getMessage());

        Files.writeString(file, "s: principal=arn:aws:iam::111122223333:role/a resource=alias/my-key action=kms:Decrypt\n");
        assertTrue(assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file)).getMessage().contains("not a key ARN"));
    }

    @Test
    void aKeyGivenTwiceIsRejectedRatherThanOverwritten(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, "s: principal=arn:aws:iam::111122223333:role/a action=kms:Decrypt action=kms:Encrypt\n");
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file));
        assertTrue(e.getMessage().contains("action= is given twice"), e.getMessage());
        Files.writeString(file, "s: principal=arn:aws:iam::111122223333:role/a action=kms:Decrypt context.kms:EncryptionContextKeys=a"
                + " context.kms:EncryptionContextKeys=b\n");
        assertEquals(List.of("a", "b"), EvaluationScenarios.read(file).get(0).request().context().get("kms:EncryptionContextKeys"));
        Files.writeString(file, "s: principal=arn:aws:iam::111122223333:role/a action=kms:Decrypt context.aws:PrincipalArn=x\n");
        assertEquals(KeyPolicyException.Code.SCENARIO_MALFORMED, assertThrows(KeyPolicyException.class, () -> EvaluationScenarios.read(file)).code());
    }

    @Test
    void aRefusalNamesTheScenario(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s.txt");
        Files.writeString(file, "ok: principal=arn:aws:iam::111122223333:role/a action=kms:Decrypt\n"
                + "session: principal=arn:aws:sts::111122223333:assumed-role/a/s action=kms:Decrypt\n");
        KeyPolicy p = KeyPolicyLinterTest.policy(KeyPolicyLinterTest.ROOT_KMS_ALL, KeyPolicyEvaluatorTest.ALLOW_ENCLAVE_ROLES);
        KeyPolicyException e = assertThrows(KeyPolicyException.class,
                () -> EvaluationScenarios.run(KeyPolicyEvaluator.of(p), EvaluationScenarios.read(file)));
        assertEquals(KeyPolicyException.Code.REQUEST_INCOMPLETE, e.code());
        assertTrue(e.getMessage().startsWith("REQUEST_INCOMPLETE: scenario session (line 2): "), e.getMessage());
    }

    @Test
    void theShippedExampleParses(@TempDir Path dir) throws IOException {
        try (var in = EvaluationScenariosTest.class.getResourceAsStream("/dev/attested/release-templates/kms/scenarios.example.txt")) {
            Files.write(dir.resolve("scenarios.txt"), in.readAllBytes());
        }
        Files.writeString(dir.resolve("attestation.b64"), Base64.getEncoder().encodeToString(KeyPolicyEvaluatorTest.PKI.documentBuilder().sign()));
        List<Scenario> s = EvaluationScenarios.read(dir.resolve("scenarios.txt"));
        assertEquals(List.of("parent-unattested", "enclave", "admin-decrypt", "enclave-session"), s.stream().map(Scenario::name).toList());
        assertEquals(Optional.of("arn:aws:iam::111122223333:role/data-processing"), s.get(3).request().roleArn());
    }
}

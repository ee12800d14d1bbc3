package dev.attested.kms;

import static dev.attested.kms.KmsTestData.ADMIN;
import static dev.attested.kms.KmsTestData.ROLE;
import static dev.attested.kms.KmsTestData.simulatedRelease;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules every front end of kms-policy relies on: nothing with lint errors or unmet scenarios is written or put. */
class KeyPolicyCheckTest {
    /** A store that records what it was asked. */
    static final class RecordingStore implements KeyPolicyStore {
        final Map<String, String> policies = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public String currentPolicy(String keyId) {
            calls.add("get " + keyId);
            return policies.get(keyId);
        }

        @Override
        public void putPolicy(String keyId, String policyJson) {
            calls.add("put " + keyId);
            policies.put(keyId, policyJson);
        }
    }

    private static GeneratedKeyPolicy generated() {
        return KeyPolicyGenerator.builder().release(simulatedRelease()).roleArn(ROLE).admins(List.of(ADMIN)).build().generate();
    }

    private static KeyPolicy withLintErrors() {
        return KeyPolicyLinterTest.policy(KeyPolicyLinterTest.ROOT_KMS_ALL, KeyPolicyLinterTest.good());
    }

    @Test
    void aGeneratedPolicyPassesAndIsWrittenWithItsSummary(@TempDir Path dir) throws IOException {
        KeyPolicyCheck check = KeyPolicyCheck.of(generated());
        assertTrue(check.passed());
        Path out = dir.resolve("kms-policy.json");
        check.write(out);
        assertEquals(check.policy(), KeyPolicy.read(out));
        assertTrue(Files.readString(dir.resolve("kms-policy.txt")).startsWith("Key policy: "));
    }

    @Test
    void aPolicyWithLintErrorsIsReportedButNeverWrittenOrPut(@TempDir Path dir) {
        KeyPolicyCheck check = KeyPolicyCheck.of(withLintErrors(), new KeyPolicyLinter());
        assertFalse(check.passed());
        assertTrue(check.findings().stream().anyMatch(f -> f.rule() == LintRule.ROOT_PLAINTEXT), check.findings().toString());
        assertEquals(KeyPolicyException.Code.LINT_FAILED, assertThrows(KeyPolicyException.class, check::requirePassed).code());
        RecordingStore store = new RecordingStore();
        store.policies.put("k", generated().policy().toJson());
        assertEquals(KeyPolicyException.Code.LINT_FAILED,
                assertThrows(KeyPolicyException.class, () -> check.reconcile(store, "k", true)).code());
        assertEquals(List.of(), store.calls, "nothing read or put");
        assertEquals(KeyPolicyException.Code.LINT_FAILED,
                assertThrows(KeyPolicyException.class, () -> check.write(dir.resolve("p.json"))).code());
        assertFalse(Files.exists(dir.resolve("p.json")));
    }

    @Test
    void anUnmetScenarioStopsWritingAndApplying(@TempDir Path dir) {
        GeneratedKeyPolicy g = generated();
        // The parent without a document must be denied; expecting allow is unmet.
        EvaluationScenarios.Scenario s = EvaluationScenarios.parseLine("parent: principal=" + ROLE
                + " action=kms:Decrypt attestation=none expect=allow", 1, dir, "scenarios.txt");
        KeyPolicyCheck check = KeyPolicyCheck.of(g).evaluate(KeyPolicyEvaluator.of(g.policy()), List.of(s));
        assertEquals(1, check.scenarioResults().size());
        assertFalse(check.scenarioResults().get(0).met());
        assertFalse(check.passed());
        KeyPolicyException e = assertThrows(KeyPolicyException.class, () -> check.write(dir.resolve("p.json")));
        assertEquals(KeyPolicyException.Code.SCENARIO_FAILED, e.code());
        assertTrue(e.getMessage().contains("parent"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("p.json")));
        RecordingStore store = new RecordingStore();
        assertThrows(KeyPolicyException.class, () -> check.reconcile(store, "k", true));
        assertEquals(List.of(), store.calls);
    }

    @Test
    void reconcilePutsOnlyWithApplyAndOnlyAChange() {
        KeyPolicyCheck check = KeyPolicyCheck.of(generated());
        RecordingStore store = new RecordingStore();
        String old = KeyPolicyLinterTest.policy(KeyPolicyLinterTest.good()).toJson();
        store.policies.put("k", old);
        KeyPolicyCheck.Reconciliation dry = check.reconcile(store, "k", false);
        assertFalse(dry.unchanged());
        assertFalse(dry.applied());
        assertEquals(old, store.policies.get("k"));
        assertTrue(check.reconcile(store, "k", true).applied());
        assertEquals(check.policy(), KeyPolicy.parse(store.policies.get("k"), "stored"));
        KeyPolicyCheck.Reconciliation again = check.reconcile(store, "k", true);
        assertTrue(again.unchanged());
        assertFalse(again.applied());
        assertEquals(List.of("get k", "get k", "put k", "get k"), store.calls);
    }

    @Test
    void onlyAGeneratedPolicyIsWritten(@TempDir Path dir) {
        KeyPolicyCheck read = KeyPolicyCheck.of(generated().policy(), new KeyPolicyLinter());
        assertTrue(read.passed());
        assertEquals(KeyPolicyException.Code.INVALID_INPUT,
                assertThrows(KeyPolicyException.class, () -> read.write(dir.resolve("p.json"))).code());
    }
}

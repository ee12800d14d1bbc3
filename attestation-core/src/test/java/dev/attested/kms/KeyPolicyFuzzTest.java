package dev.attested.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.kms.EvaluationRequest.Attestation;
import dev.attested.pcr.Pcr;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fuzz target for key-policy JSON (docs/fuzzing.md): {@link KeyPolicy#parse}, then what {@code kms-policy} does
 * with a parsed policy — {@link KeyPolicyLinter#lint} and {@link KeyPolicyEvaluator#evaluate}. Contract for any
 * input: a policy or a {@link KeyPolicyException} with a code, nothing else, within a memory budget; a parsed
 * policy written with {@link KeyPolicy#toJson} parses back to the same policy; linting never fails; and an
 * evaluation gives a decision or {@link KeyPolicyException} ({@code UNSUPPORTED_CONSTRUCT} or
 * {@code REQUEST_INCOMPLETE}).
 */
class KeyPolicyFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(16, 256);
    private static final String ROLE = "arn:aws:iam::111122223333:role/data-processing";
    private static final List<Attestation> ATTESTATIONS = List.of(new Attestation.None(),
            new Attestation.Pcrs(new TreeMap<>(Map.of(0, Pcr.zero(), 1, Pcr.ofContent(new byte[] {1}),
                    2, Pcr.ofContent(new byte[] {2})))));

    @FuzzTest(maxDuration = "5m")
    void parse(byte[] json) throws Exception {
        KeyPolicy policy;
        try {
            policy = BUDGET.measure(json.length, () -> KeyPolicy.parse(json, "fuzz input"));
        } catch (KeyPolicyException e) {
            assertNotNull(e.code());
            return;
        }
        assertEquals(policy, KeyPolicy.parse(policy.toJson(), "written policy"), "the written policy reads back the same");
        assertNotNull(BUDGET.measure(json.length, () -> new KeyPolicyLinter().lint(policy)));
        KeyPolicyEvaluator evaluator = KeyPolicyEvaluator.of(policy);
        for (Attestation a : ATTESTATIONS) {
            for (String action : List.of("kms:Decrypt", "kms:PutKeyPolicy")) {
                try {
                    EvaluationRequest request = EvaluationRequest.of(ROLE, action, a);
                    assertNotNull(BUDGET.measure(json.length, () -> evaluator.evaluate(request)).outcome());
                } catch (KeyPolicyException e) {
                    // The evaluator refuses what it does not model, or a request that lacks a key the policy tests.
                    assertTrue(e.code() == KeyPolicyException.Code.UNSUPPORTED_CONSTRUCT
                            || e.code() == KeyPolicyException.Code.REQUEST_INCOMPLETE, e.getMessage());
                }
            }
        }
    }
}

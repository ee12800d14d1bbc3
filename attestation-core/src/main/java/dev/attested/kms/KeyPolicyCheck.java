package dev.attested.kms;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One key policy on its way to a file or a key: generated (and so lint-clean) or read from a file and linted,
 * optionally evaluated against scenarios. The rules every front end follows live here: a policy with lint errors
 * or an unmet scenario is never written and never put on a key ({@link #requirePassed()} is checked by
 * {@link #write} and {@link #reconcile}); a front end only reports {@link #findings()} and
 * {@link #scenarioResults()}.
 */
public final class KeyPolicyCheck {
    private final KeyPolicy policy;
    private final GeneratedKeyPolicy generated;
    private final List<LintFinding> findings;
    private final List<EvaluationScenarios.Result> scenarioResults;

    private KeyPolicyCheck(KeyPolicy policy, GeneratedKeyPolicy generated, List<LintFinding> findings,
            List<EvaluationScenarios.Result> scenarioResults) {
        this.policy = policy;
        this.generated = generated;
        this.findings = List.copyOf(findings);
        this.scenarioResults = List.copyOf(scenarioResults);
    }

    /** A generated policy: the generator already refused lint errors, so its findings are warnings and notes. */
    public static KeyPolicyCheck of(GeneratedKeyPolicy generated) {
        return new KeyPolicyCheck(generated.policy(), generated, generated.findings(), List.of());
    }

    /** An existing policy, linted with {@code linter}; errors are kept as findings (reported, then refused). */
    public static KeyPolicyCheck of(KeyPolicy policy, KeyPolicyLinter linter) {
        return new KeyPolicyCheck(Objects.requireNonNull(policy), null, linter.lint(policy), List.of());
    }

    /**
     * Evaluates {@code scenarios} against the policy.
     *
     * @throws KeyPolicyException what the evaluator refuses (UNSUPPORTED_CONSTRUCT, REQUEST_INCOMPLETE), naming the scenario
     */
    public KeyPolicyCheck evaluate(KeyPolicyEvaluator evaluator, List<EvaluationScenarios.Scenario> scenarios) {
        if (scenarios.isEmpty()) {
            throw new KeyPolicyException(KeyPolicyException.Code.SCENARIO_MALFORMED, "no scenario to evaluate.");
        }
        return new KeyPolicyCheck(policy, generated, findings, EvaluationScenarios.run(evaluator, scenarios));
    }

    public KeyPolicy policy() {
        return policy;
    }

    /** Present when the policy was generated (it has a summary and can be written). */
    public Optional<GeneratedKeyPolicy> generated() {
        return Optional.ofNullable(generated);
    }

    /** The linter's findings, errors included. */
    public List<LintFinding> findings() {
        return findings;
    }

    /** Each evaluated scenario's decision; empty when none was evaluated. */
    public List<EvaluationScenarios.Result> scenarioResults() {
        return scenarioResults;
    }

    /** No lint error and every evaluated scenario met its expectation. */
    public boolean passed() {
        return !KeyPolicyLinter.hasErrors(findings) && scenarioResults.stream().allMatch(EvaluationScenarios.Result::met);
    }

    /**
     * @throws KeyPolicyException {@code SCENARIO_FAILED} when a scenario got another decision than it expects, else
     *                            {@code LINT_FAILED} (carrying the findings) when a finding is an error
     */
    public void requirePassed() {
        List<String> unmet = scenarioResults.stream().filter(r -> !r.met()).map(r -> r.scenario().name()).toList();
        if (!unmet.isEmpty()) {
            throw new KeyPolicyException(KeyPolicyException.Code.SCENARIO_FAILED, unmet.size() + " of "
                    + scenarioResults.size() + " scenarios did not get the expected decision: " + String.join(", ", unmet) + ".");
        }
        KeyPolicyLinter.requireNoErrors(findings);
    }

    /**
     * Writes the generated policy and its summary ({@link GeneratedKeyPolicy#write}); nothing is written unless
     * the check passed.
     *
     * @throws KeyPolicyException as {@link #requirePassed()}; {@code INVALID_INPUT} for a policy that was read, not
     *                            generated (it is already a file)
     */
    public void write(Path policyFile) {
        requirePassed();
        if (generated == null) {
            throw new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT, "only a generated policy is written; "
                    + "this one was read from a file.");
        }
        generated.write(policyFile);
    }

    /** What {@link #reconcile} did: the diff from the key's current policy ({@code -}/{@code +} lines) and whether it was put. */
    public record Reconciliation(String keyId, List<String> diff, boolean applied) {
        public Reconciliation {
            diff = List.copyOf(diff);
        }

        public boolean unchanged() {
            return diff.isEmpty();
        }
    }

    /**
     * Compares the key's current policy with this one and, when {@code apply} and they differ, puts this one.
     * Nothing is read or put unless the check passed.
     *
     * @throws KeyPolicyException as {@link #requirePassed()}, or the store's {@code AWS_*} code
     */
    public Reconciliation reconcile(KeyPolicyStore store, String keyId, boolean apply) {
        requirePassed();
        if (keyId == null || keyId.isBlank()) {
            throw new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT, "no key id: name the key whose policy to compare.");
        }
        List<String> diff = PolicyDiff.between(KeyPolicy.parse(store.currentPolicy(keyId), "policy of " + keyId), policy);
        boolean put = apply && !diff.isEmpty();
        if (put) {
            store.putPolicy(keyId, policy.toJson());
        }
        return new Reconciliation(keyId, diff, put);
    }
}

package dev.attested.kms;

/** A key policy could not be generated, read, linted or evaluated. {@link #code()} is stable and meant for scripts. */
public final class KeyPolicyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code {
        /** The policy is not JSON or does not follow the IAM policy grammar. */
        POLICY_MALFORMED("Fix the policy JSON: Version, Statement, and per statement Effect, Principal, Action/NotAction, Resource, Condition."),
        /** A file could not be read or written. */
        POLICY_IO("Check the path and permissions."),
        /** A generator input is missing or has the wrong form (account, role ARN, actions, pins). */
        INVALID_INPUT("Pass the value in the documented form (account = 12 digits, role = arn:aws:iam::<account>:role/<path/>name)."),
        /** A PCR to pin is all zeros (debug-mode enclave) and allowDebugMode was not set. */
        DEBUG_PCR_REFUSED("Build the EIF for production, or set allowDebugMode for a development key only: zero PCRs admit any debug-mode enclave."),
        /** A measurement chosen as pin is not in the manifest (e.g. PCR8 of an unsigned EIF). */
        PIN_UNAVAILABLE("Sign the EIF to pin PCR8, pass the role ARN for PCR3 or the instance id for PCR4, or pin other measurements."),
        /** A template is missing, not JSON, or uses an unknown placeholder. */
        TEMPLATE_INVALID("Compare the edited template with the bundled one in dev/attested/release-templates/kms/ and use only the documented placeholders."),
        /** The linter found errors. */
        LINT_FAILED("Fix the reported statements (each finding names its fix), then run the goal again."),
        /** A scenarios file line cannot be parsed. */
        SCENARIO_MALFORMED("Write one scenario per line: name: principal=<arn> action=<kms:Action> [role=<role arn>] [resource=<key arn>]"
                + " [document=<file> | pcr<N>=<hex> | attestation=none] [context.<key>=<value>] [expect=allow|allow-via-iam|deny|explicit-deny]."),
        /** A scenario's decision differs from its expectation. */
        SCENARIO_FAILED("The policy does not behave as the scenario expects: read the deciding statement in the output."),
        /** The policy (or request) uses an IAM construct the evaluator does not model, so it refuses to guess. */
        UNSUPPORTED_CONSTRUCT("The evaluator models String*, Arn*, Bool and Null conditions (with IfExists and ForAnyValue/ForAllValues),"
                + " Principal without wildcards and Resource as \"*\" or key ARNs; rewrite the statement with these (e.g. NotPrincipal as"
                + " Principal \"*\" with an ArnNotEquals aws:PrincipalArn condition) or check it another way."),
        /** The answer depends on something the request does not say (the key, the session's role, a key every request carries). */
        REQUEST_INCOMPLETE("Say what the policy depends on: the key ARN (scenario resource=), the role ARN with its path of an"
                + " assumed-role caller (role=), or the value of the named request key (context.<key>=<value>).");

        private final String hint;

        Code(String hint) {
            this.hint = hint;
        }

        /** What to do about it. */
        public String hint() {
            return hint;
        }
    }

    private final Code code;

    public KeyPolicyException(Code code, String message) {
        super(code + ": " + message + " " + code.hint());
        this.code = code;
    }

    public KeyPolicyException(Code code, String message, Throwable cause) {
        super(code + ": " + message + " " + code.hint(), cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}

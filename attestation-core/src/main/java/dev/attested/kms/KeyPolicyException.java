package dev.attested.kms;

import dev.attested.AttestedException;
import dev.attested.ErrorCode;
import java.util.List;

/** A key policy could not be generated, read, linted or evaluated. {@link #code()} is stable and meant for scripts. */
public final class KeyPolicyException extends AttestedException {
    private static final long serialVersionUID = 1L;

    /** Stable error codes, each with what to do about it. */
    public enum Code implements ErrorCode {
        /** The policy is not JSON or does not follow the IAM policy grammar. */
        POLICY_MALFORMED("Fix the policy JSON: Version, Statement, and per statement Effect, Principal, Action/NotAction, Resource, Condition."),
        /** A file could not be read or written. */
        POLICY_IO("Check the path and permissions."),
        /** A generator input is missing or has the wrong form (account, role ARN, actions, pins). */
        INVALID_INPUT("Pass the value in the documented form (account = 12 digits, role = arn:aws:iam::<account>:role/<path/>name)."),
        /** A PCR to pin is all zeros (debug-mode enclave) and allowDebugMode was not set. */
        DEBUG_PCR_REFUSED("Build the EIF for production, or set {allowDebugMode} for a development key only: zero PCRs admit any debug-mode enclave."),
        /** The pins measure no code (only role/instance): the parent could start an enclave of its own that passes. */
        NO_CODE_PIN("Add image (ImageSha384 = PCR0, PCR1, PCR2) or signer (PCR8 of a signed EIF) to the pins ({pins}); role (PCR3) and instance (PCR4) identify the parent, not the enclave's code."),
        /** A measurement chosen as pin is not in the manifest (e.g. PCR8 of an unsigned EIF). */
        PIN_UNAVAILABLE("Sign the EIF to pin PCR8, pass the role ARN for PCR3 or the instance id for PCR4, or pin other measurements."),
        /** A template is missing, not JSON, or uses an unknown placeholder. */
        TEMPLATE_INVALID("Compare the edited template with the bundled one in dev/attested/release-templates/kms/ and use only the documented placeholders."),
        /** The linter found errors. */
        LINT_FAILED("Fix the reported statements (each finding names its fix), then run the goal again."),
        /** No AWS region configured for the KMS client. */
        AWS_REGION_MISSING("Pass {region}=<region> (e.g. eu-west-1), or set AWS_REGION, or a region in the profile of {profile} / AWS_PROFILE."),
        /** No AWS credentials found, or AWS rejected them (unknown, invalid or expired). */
        AWS_CREDENTIALS("Provide valid credentials: {profile}=<profile> (aws sso login / aws configure), AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN)."),
        /** The caller lacks an IAM/KMS permission; the message names it. */
        AWS_ACCESS_DENIED("Grant the named permission to the identity running the goal (its IAM policy, and for kms:* actions also the key policy), or run with a profile that has it."),
        /** The KMS key does not exist in the region (or is not visible to the caller). */
        AWS_KEY_NOT_FOUND("Check {keyId} (a key id or key ARN, not an alias) and {region}: the key must exist in that region."),
        /** The IAM role does not exist. */
        AWS_ROLE_NOT_FOUND("Create the role or fix {roleArn} (arn:aws:iam::<account>:role/<path/>name): KMS rejects policies naming unknown principals."),
        /** AWS throttled the requests and the SDK's retries were exhausted. */
        AWS_THROTTLED("Run the goal again in a moment; if it persists, check the account's KMS/IAM request quotas."),
        /** KMS refused the policy document (PutKeyPolicy). */
        AWS_POLICY_REJECTED("KMS refused the policy: every principal must exist, and the caller must keep kms:PutKeyPolicy (the lockout safety check); fix the policy or run as a key administrator it names."),
        /** Any other AWS failure: endpoint unreachable, service error. */
        AWS_REQUEST_FAILED("Check {region}, {endpoint} / {iamEndpoint} and the network path to AWS, then run the goal again."),
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
        @Override
        public String hint() {
            return hint;
        }
    }

    private final transient List<LintFinding> findings;

    public KeyPolicyException(Code code, String message) {
        this(code, message, null, List.of());
    }

    public KeyPolicyException(Code code, String message, Throwable cause) {
        this(code, message, cause, List.of());
    }

    private KeyPolicyException(Code code, String message, Throwable cause, List<LintFinding> findings) {
        super(code, message, cause);
        this.findings = List.copyOf(findings);
    }

    /** {@link Code#LINT_FAILED} for {@code findings} (at least one an error), which the exception carries. */
    static KeyPolicyException lintFailed(List<LintFinding> findings) {
        List<String> errors = findings.stream().filter(LintFinding::isError)
                .map(f -> f.rule().id() + " [" + f.statement() + "]").toList();
        return new KeyPolicyException(Code.LINT_FAILED, "the key policy has " + errors.size() + " lint error"
                + (errors.size() == 1 ? "" : "s") + " " + errors + "; it is neither written nor applied.", null, findings);
    }

    @Override
    public Code code() {
        return (Code) super.code();
    }

    /** For {@link Code#LINT_FAILED}: every finding of the refused policy (errors, warnings, notes); otherwise empty. */
    public List<LintFinding> findings() {
        return findings == null ? List.of() : findings;
    }
}

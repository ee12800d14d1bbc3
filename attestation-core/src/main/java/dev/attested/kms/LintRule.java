package dev.attested.kms;

/**
 * The linter's rules, one per known key-policy mistake (docs/spec/kms-attestation.md §7–§8) and per construct that lets
 * a principal obtain plaintext without a valid attestation of the intended code. Ids are stable.
 */
public enum LintRule {
    ROOT_PLAINTEXT("KMS-ROOT-PLAINTEXT", Severity.ERROR,
            "Replace the account root's kms:* by NotAction [kms:Decrypt, kms:ReEncrypt*, kms:DeriveSharedSecret, kms:CreateGrant, kms:GenerateDataKey, kms:GenerateDataKeyPair, kms:ReplicateKey and every attested action] (statement AccountRootNoPlaintext)."),
    UNATTESTED_ALLOW("KMS-UNATTESTED-ALLOW", Severity.ERROR,
            "Remove the unconditioned Allow of this action, or add the kms:RecipientAttestation conditions (StringEqualsIgnoreCase) to it."),
    GRANT_OR_REENCRYPT("KMS-GRANT-OR-REENCRYPT", Severity.ERROR,
            "Do not give kms:CreateGrant, kms:ReEncrypt* or kms:ReplicateKey to principals of an attested key: grants skip key-policy conditions, ReEncrypt decrypts under this key and a replica gets a policy of its own."),
    IF_EXISTS_IN_ALLOW("KMS-IFEXISTS-ALLOW", Severity.ERROR,
            "Use StringEqualsIgnoreCase without IfExists: ...IfExists is true when no attestation document is sent."),
    NEGATED_IN_ALLOW("KMS-NEGATED-ALLOW", Severity.ERROR,
            "An Allow needs a positive operator (StringEqualsIgnoreCase); negated operators are true when the key is missing."),
    FOR_ALL_VALUES_IN_ALLOW("KMS-FORALLVALUES-ALLOW", Severity.ERROR,
            "Drop the ForAllValues: prefix: it is true when the key is absent, so a request without an attestation document matches. Use StringEqualsIgnoreCase."),
    SET_OPERATOR("KMS-SET-OPERATOR", Severity.WARNING,
            "The attestation keys are single-valued: use the operator without ForAnyValue:/ForAllValues: (in a Deny, StringNotEqualsIgnoreCase)."),
    NULL_ON_ATTESTATION_KEY("KMS-NULL-ATTESTATION", Severity.ERROR,
            "In an Allow compare the values (StringEqualsIgnoreCase); Null true holds without a document. In a Deny use Null \"true\" (deny requests without a document), never \"false\"."),
    ATTESTATION_OPERATOR("KMS-ATTESTATION-OPERATOR", Severity.ERROR,
            "Compare attestation keys with StringEqualsIgnoreCase (StringNotEqualsIgnoreCase in a Deny); Numeric, Date, Bool, Binary, Ip and Arn operators do not pin a measurement."),
    NO_CODE_PIN("KMS-NO-CODE-PIN", Severity.ERROR,
            "Pin the enclave's code in every attested Allow: kms:RecipientAttestation:ImageSha384 (or PCR0), PCR8 for a signed image, or PCR1 and PCR2 together; add PCR3/PCR4 only on top (kms-policy pins=image or pins=signer,role)."),
    CASE_SENSITIVE_OPERATOR("KMS-CASE-SENSITIVE", Severity.WARNING,
            "Use StringEqualsIgnoreCase for PCR values so the case of the hex digits never matters."),
    WILDCARD_OPERATOR("KMS-STRINGLIKE", Severity.WARNING,
            "Compare PCR values exactly with StringEqualsIgnoreCase; StringLike patterns can admit other images."),
    UPPERCASE_HEX("KMS-UPPERCASE-HEX", Severity.ERROR,
            "Write PCR values as lower-case hex (as KMS reports them), with StringEqualsIgnoreCase."),
    HEX_PREFIX("KMS-HEX-PREFIX", Severity.ERROR,
            "Remove the 0x prefix: KMS compares the bare 96 hex digits."),
    HEX_LENGTH("KMS-HEX-LENGTH", Severity.ERROR,
            "Use the full SHA-384 value: exactly 96 hex digits, copied from the PCR manifest."),
    DEBUG_PCR("KMS-DEBUG-PCR", Severity.ERROR,
            "Pin the production image's PCRs; all-zero PCR0/1/2 are what every debug-mode enclave reports."),
    ZERO_PCR("KMS-ZERO-PCR", Severity.WARNING,
            "Drop the condition or pin the real value: an all-zero PCR3/4/8 or an always-zero PCR (5-7, 9-15) binds nothing."),
    CONDITION_KEY_TYPO("KMS-CONDITION-KEY", Severity.ERROR,
            "Use kms:RecipientAttestation:ImageSha384 or kms:RecipientAttestation:PCR<0..31>; any other key is never in the request, so the condition never matches."),
    NITROTPM_KEY("KMS-NITROTPM-KEY", Severity.ERROR,
            "Use kms:RecipientAttestation:PCR<n> for enclaves; kms:RecipientAttestation:NitroTPMPCR<n> is for NitroTPM attestable AMIs."),
    NULL_ON_MISSING_KEY("KMS-NULL-DENY", Severity.ERROR,
            "Condition on a real key (kms:RecipientAttestation:ImageSha384 with StringNotEqualsIgnoreCase); kms:RecipientAttestation never exists, so Null is always true."),
    NON_ATTESTED_ACTION("KMS-NON-ATTESTED-ACTION", Severity.ERROR,
            "Keep only actions that accept a Recipient (kms:Decrypt, kms:GenerateDataKey, kms:GenerateDataKeyPair, kms:GenerateRandom, kms:DeriveSharedSecret) in a statement with attestation conditions; give the others their own statement."),
    MIXED_RELEASES("KMS-MIXED-RELEASES", Severity.ERROR,
            "Write one attested statement per release: several values on several keys combine crosswise (PCR0 of one release with PCR1 of another)."),
    DENY_KEYS_ANDED("KMS-DENY-ANDED", Severity.WARNING,
            "Write one Deny per attestation key: keys in one negated block are ANDed, so the Deny fires only when all of them differ."),
    ATTESTED_PRINCIPAL_ANYONE("KMS-ANYONE-ATTESTED", Severity.ERROR,
            "Name the parent instance role as Principal: with \"*\" any AWS account running the same image can use the key."),
    NOT_PRINCIPAL_ALLOW("KMS-NOTPRINCIPAL-ALLOW", Severity.ERROR,
            "Never use NotPrincipal in an Allow: name the principals with Principal (the parent instance role for the attested statement)."),
    NOT_RESOURCE_ALLOW("KMS-NOTRESOURCE-ALLOW", Severity.ERROR,
            "Write \"Resource\": \"*\" (in a key policy it means this key); NotResource in an Allow only obscures whether the statement applies."),
    ANYONE_REWRITES_POLICY("KMS-ANYONE-PUTKEYPOLICY", Severity.ERROR,
            "Give kms:PutKeyPolicy only to named key administrators; whoever may replace the policy may grant themselves Decrypt."),
    UNSUPPORTED_CONSTRUCT("KMS-UNSUPPORTED-CONSTRUCT", Severity.ERROR,
            "Rewrite the statement with constructs the linter can judge: a Principal of type AWS/Service/Federated/CanonicalUser and IAM condition operators (String*, Arn*, Numeric*, Date*, Bool, BinaryEquals, IpAddress, Null, with IfExists and ForAnyValue:/ForAllValues:)."),
    PRINCIPAL_NOT_ROLE("KMS-PRINCIPAL-NOT-ROLE", Severity.ERROR,
            "Use the IAM role ARN with its path (iam:GetRole), not an sts assumed-role or instance-profile ARN."),
    PCR3_NOT_PRINCIPAL("KMS-PCR3-ROLE", Severity.ERROR,
            "Compute PCR3 from the principal's IAM role ARN including its path (iam:GetRole), e.g. with kms-policy and the role pin (pins=role)."),
    NO_ATTESTED_STATEMENT("KMS-NO-ATTESTATION", Severity.ERROR,
            "Add an Allow for the parent instance role with kms:RecipientAttestation conditions (run kms-policy to generate one)."),
    INSTANCE_PINNED("KMS-PCR4-PINNED", Severity.INFO,
            "PCR4 pins one instance: regenerate the policy when the instance is replaced, or pin PCR3 (role) instead."),
    VERSION("KMS-VERSION", Severity.WARNING,
            "Set \"Version\": \"2012-10-17\".");

    /** How bad a finding is: errors fail the goal. */
    public enum Severity { ERROR, WARNING, INFO }

    private final String id;
    private final Severity severity;
    private final String fix;

    LintRule(String id, Severity severity, String fix) {
        this.id = id;
        this.severity = severity;
        this.fix = fix;
    }

    public String id() {
        return id;
    }

    public Severity severity() {
        return severity;
    }

    public String fix() {
        return fix;
    }
}

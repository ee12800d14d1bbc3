package dev.attested.kms;

/**
 * Where key policies live: KMS itself (the Maven plugin and the CLI implement this with the AWS SDK), or a test
 * double. {@link KeyPolicyCheck#reconcile} is the only caller that puts, and only a policy that passed its checks.
 */
public interface KeyPolicyStore {
    /**
     * The key's current policy JSON.
     *
     * @throws KeyPolicyException an {@code AWS_*} code when the policy cannot be read
     */
    String currentPolicy(String keyId);

    /**
     * Replaces the key's policy (never bypassing KMS's lockout safety check).
     *
     * @throws KeyPolicyException an {@code AWS_*} code when the policy cannot be put
     */
    void putPolicy(String keyId, String policyJson);
}

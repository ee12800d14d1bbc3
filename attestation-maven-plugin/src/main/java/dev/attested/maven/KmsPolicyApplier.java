package dev.attested.maven;

import dev.attested.kms.KeyPolicy;
import dev.attested.kms.PolicyDiff;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.IamClientBuilder;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;
import software.amazon.awssdk.services.kms.model.NotFoundException;

/**
 * The AWS side of {@code kms-policy}: {@code iam:GetRole} (the role exists; its ARN with path), {@code kms:GetKeyPolicy}
 * (the current policy, for the diff) and {@code kms:PutKeyPolicy} (never bypassing the lockout safety check).
 * Region, profile and credentials come from the standard SDK configuration; endpoints can be overridden.
 */
final class KmsPolicyApplier implements AutoCloseable {
    /** KMS key policies have exactly one name. */
    static final String POLICY_NAME = "default";

    private final KmsClient kms;
    private final IamClient iam;

    /**
     * @param region      e.g. {@code eu-west-1}; null: the SDK's region chain (AWS_REGION, profile, IMDS)
     * @param profile     a named profile; null: the default profile chain
     * @param kmsEndpoint null: the regional endpoint
     * @param iamEndpoint null: the global IAM endpoint of the region's partition
     * @param credentials null: the default credentials chain
     */
    KmsPolicyApplier(String region, String profile, URI kmsEndpoint, URI iamEndpoint, AwsCredentialsProvider credentials) {
        AwsCredentialsProvider creds = credentials != null ? credentials
                : profile != null ? DefaultCredentialsProvider.builder().profileName(profile).build() : DefaultCredentialsProvider.builder().build();
        KmsClientBuilder k = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(creds);
        IamClientBuilder i = IamClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(creds);
        if (profile != null) {
            k.overrideConfiguration(o -> o.defaultProfileName(profile));
            i.overrideConfiguration(o -> o.defaultProfileName(profile));
        }
        if (region != null) {
            k.region(Region.of(region));
        }
        // IAM is global; its requests are signed for the partition's home region (also with an endpoint override).
        i.region(region == null ? Region.US_EAST_1 : region.startsWith("cn-") ? Region.CN_NORTH_1
                : region.startsWith("us-gov-") ? Region.US_GOV_WEST_1 : Region.US_EAST_1);
        if (kmsEndpoint != null) {
            k.endpointOverride(kmsEndpoint);
        }
        if (iamEndpoint != null) {
            i.endpointOverride(iamEndpoint);
        }
        this.kms = k.build();
        this.iam = i.build();
    }

    /** The role's full ARN (with path) from {@code iam:GetRole}; fails if the role does not exist. */
    String resolveRoleArn(String roleArn) {
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        try {
            return iam.getRole(r -> r.roleName(name)).role().arn();
        } catch (NoSuchEntityException e) {
            throw new IllegalStateException("IAM role " + name + " does not exist (iam:GetRole); KMS rejects policies naming unknown principals. "
                    + "Create the role or fix attestation.roleArn.", e);
        } catch (SdkException e) {
            throw new IllegalStateException("iam:GetRole " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** The key's current policy JSON, or empty if the key does not exist. */
    Optional<String> currentPolicy(String keyId) {
        try {
            return Optional.of(kms.getKeyPolicy(r -> r.keyId(keyId).policyName(POLICY_NAME)).policy());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new IllegalStateException("kms:GetKeyPolicy " + keyId + " failed: " + e.getMessage(), e);
        }
    }

    /** Replaces the key policy; KMS's lockout safety check stays on. */
    void putPolicy(String keyId, String policyJson) {
        try {
            kms.putKeyPolicy(r -> r.keyId(keyId).policyName(POLICY_NAME).policy(policyJson));
        } catch (SdkException e) {
            throw new IllegalStateException("kms:PutKeyPolicy " + keyId + " failed: " + e.getMessage(), e);
        }
    }

    /** Prints the diff from the key's current policy to {@code proposed}; puts it only when {@code apply}. */
    List<String> reconcile(String keyId, KeyPolicy proposed, boolean apply) {
        Optional<String> current = currentPolicy(keyId);
        if (current.isEmpty()) {
            throw new IllegalStateException("KMS key " + keyId + " not found (kms:GetKeyPolicy); create the key first or fix attestation.keyId.");
        }
        List<String> diff = PolicyDiff.between(KeyPolicy.parse(current.get(), "policy of " + keyId), proposed);
        List<String> out = new ArrayList<>();
        if (diff.isEmpty()) {
            out.add("Key " + keyId + ": policy unchanged");
            return out;
        }
        out.add("Key " + keyId + " policy diff (- current, + proposed):\n" + String.join("\n", diff));
        if (apply) {
            putPolicy(keyId, proposed.toJson());
            out.add("kms:PutKeyPolicy applied to " + keyId);
        } else {
            out.add("Dry run: pass -Dattestation.apply=true to apply.");
        }
        return out;
    }

    @Override
    public void close() {
        kms.close();
        iam.close();
    }
}

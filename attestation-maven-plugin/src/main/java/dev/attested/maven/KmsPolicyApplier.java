package dev.attested.maven;

import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.KeyPolicyException.Code;
import dev.attested.kms.KeyPolicyStore;
import java.net.URI;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.IamClientBuilder;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsClientBuilder;

/**
 * The AWS side of {@code kms-policy}, a {@link KeyPolicyStore} for {@code KeyPolicyCheck.reconcile}: {@code iam:GetRole} (the role exists; its ARN with path), {@code kms:GetKeyPolicy}
 * (the current policy, for the diff) and {@code kms:PutKeyPolicy} (never bypassing the lockout safety check).
 * Region, profile and credentials come from the standard SDK configuration; endpoints can be overridden.
 *
 * <p>Every AWS failure ends in a {@link KeyPolicyException} whose code and message name what to fix (the parameter,
 * the permission, the key), never in the SDK's provider-chain text.
 */
final class KmsPolicyApplier implements KeyPolicyStore, AutoCloseable {
    /** KMS key policies have exactly one name. */
    static final String POLICY_NAME = "default";
    private static final Pattern REGION = Pattern.compile("[a-z]{2,}(-[a-z0-9]+)+");
    private static final Set<String> CREDENTIAL_ERRORS = Set.of("UnrecognizedClientException", "InvalidSignatureException",
            "InvalidClientTokenId", "SignatureDoesNotMatch", "IncompleteSignature", "ExpiredTokenException", "ExpiredToken",
            "MissingAuthenticationToken", "InvalidAccessKeyId");
    private static final Set<String> THROTTLING_ERRORS = Set.of("ThrottlingException", "Throttling", "LimitExceededException",
            "TooManyRequestsException", "RequestLimitExceeded");

    private final KmsClient kms;
    private final IamClient iam;
    private final Region region;

    /**
     * @param region      e.g. {@code eu-west-1}; null: the SDK's region chain (AWS_REGION, profile, IMDS)
     * @param profile     a named profile; null: the default profile chain
     * @param kmsEndpoint null: the regional endpoint
     * @param iamEndpoint null: the global IAM endpoint of the region's partition
     * @param credentials null: the default credentials chain
     * @throws KeyPolicyException AWS_REGION_MISSING, AWS_CREDENTIALS or INVALID_INPUT (a malformed region)
     */
    KmsPolicyApplier(String region, String profile, URI kmsEndpoint, URI iamEndpoint, AwsCredentialsProvider credentials) {
        this.region = region(region, profile);
        AwsCredentialsProvider creds = credentials != null ? credentials
                : profile != null ? DefaultCredentialsProvider.builder().profileName(profile).build() : DefaultCredentialsProvider.builder().build();
        requireCredentials(creds, profile);
        KmsClientBuilder k = KmsClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(creds).region(this.region);
        IamClientBuilder i = IamClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(creds);
        if (profile != null) {
            k.overrideConfiguration(o -> o.defaultProfileName(profile));
            i.overrideConfiguration(o -> o.defaultProfileName(profile));
        }
        // IAM is global; its requests are signed for the partition's home region (also with an endpoint override).
        String id = this.region.id();
        i.region(id.startsWith("cn-") ? Region.CN_NORTH_1 : id.startsWith("us-gov-") ? Region.US_GOV_WEST_1 : Region.US_EAST_1);
        if (kmsEndpoint != null) {
            k.endpointOverride(kmsEndpoint);
        }
        if (iamEndpoint != null) {
            i.endpointOverride(iamEndpoint);
        }
        this.kms = k.build();
        this.iam = i.build();
    }

    private static Region region(String configured, String profile) {
        if (configured != null && !configured.isBlank()) {
            if (!REGION.matcher(configured.strip()).matches()) {
                throw new KeyPolicyException(Code.INVALID_INPUT, "-Dattestation.region=" + configured
                        + " is not an AWS region name (such as eu-west-1).");
            }
            return Region.of(configured.strip());
        }
        try {
            DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
            if (profile != null) {
                chain.profileName(profile);
            }
            return chain.build().getRegion();
        } catch (SdkException e) {
            throw new KeyPolicyException(Code.AWS_REGION_MISSING, "no AWS region for KMS: -Dattestation.region is not set and none was found in"
                    + " AWS_REGION, the profile " + (profile != null ? profile : "(default)") + " or the instance metadata.");
        }
    }

    private static void requireCredentials(AwsCredentialsProvider credentials, String profile) {
        try {
            credentials.resolveCredentials();
        } catch (SdkException e) {
            throw new KeyPolicyException(Code.AWS_CREDENTIALS, "no AWS credentials: none found in the profile "
                    + (profile != null ? profile + " (-Dattestation.profile)" : "(default; -Dattestation.profile not set)")
                    + ", the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY environment or the instance metadata.");
        }
    }

    /** The role's full ARN (with path) from {@code iam:GetRole}; fails if the role does not exist. */
    String resolveRoleArn(String roleArn) {
        String name = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        try {
            return iam.getRole(r -> r.roleName(name)).role().arn();
        } catch (SdkException e) {
            if (errorCode(e).equals("NoSuchEntity")) {
                throw new KeyPolicyException(Code.AWS_ROLE_NOT_FOUND, "IAM role " + name + " (from -Dattestation.roleArn=" + roleArn
                        + ") does not exist (iam:GetRole).", e);
            }
            throw failure("iam:GetRole", "role " + name, e);
        }
    }

    /** The key's current policy JSON. */
    @Override
    public String currentPolicy(String keyId) {
        try {
            return kms.getKeyPolicy(r -> r.keyId(keyId).policyName(POLICY_NAME)).policy();
        } catch (SdkException e) {
            throw failure("kms:GetKeyPolicy", "key " + keyId, e);
        }
    }

    /** Replaces the key policy; KMS's lockout safety check stays on. */
    @Override
    public void putPolicy(String keyId, String policyJson) {
        try {
            kms.putKeyPolicy(r -> r.keyId(keyId).policyName(POLICY_NAME).policy(policyJson));
        } catch (SdkException e) {
            throw failure("kms:PutKeyPolicy", "key " + keyId, e);
        }
    }

    /** One SDK failure as a coded error naming the call, the permission or the parameter to fix. */
    private KeyPolicyException failure(String call, String resource, SdkException e) {
        String code = errorCode(e);
        String detail = e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                ? ": " + s.awsErrorDetails().errorMessage() : "";
        if (e instanceof AwsServiceException s && (s.isThrottlingException() || THROTTLING_ERRORS.contains(code))) {
            return new KeyPolicyException(Code.AWS_THROTTLED, call + " on " + resource + " was throttled by AWS (" + code
                    + ") after the SDK's retries.", e);
        }
        if (CREDENTIAL_ERRORS.contains(code) || !(e instanceof AwsServiceException) && String.valueOf(e.getMessage())
                .startsWith("Unable to load credentials")) {
            return new KeyPolicyException(Code.AWS_CREDENTIALS, "AWS rejected the credentials for " + call
                    + (code.isEmpty() ? "" : " (" + code + ")") + ".", e);
        }
        if (code.startsWith("AccessDenied") || e instanceof AwsServiceException s && s.statusCode() == 403) {
            return new KeyPolicyException(Code.AWS_ACCESS_DENIED, "the identity running the goal may not call " + call + " on " + resource
                    + " in " + region.id() + " (" + code + detail + "); it needs the permission " + call + ".", e);
        }
        if (code.equals("NotFoundException") || code.equals("InvalidArnException")) {
            return new KeyPolicyException(Code.AWS_KEY_NOT_FOUND, resource + " (-Dattestation.keyId) does not exist in region " + region.id()
                    + " (" + call + ", " + code + detail + ").", e);
        }
        if (code.equals("MalformedPolicyDocumentException")) {
            return new KeyPolicyException(Code.AWS_POLICY_REJECTED, call + " on " + resource + ": KMS refused the policy (" + code + detail + ").", e);
        }
        if (e instanceof AwsServiceException) {
            return new KeyPolicyException(Code.AWS_REQUEST_FAILED, call + " on " + resource + " in " + region.id() + " failed (" + code + detail + ").", e);
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return new KeyPolicyException(Code.AWS_REQUEST_FAILED, call + " on " + resource + " in " + region.id()
                + " did not reach AWS (" + root.getClass().getSimpleName() + (root.getMessage() != null ? ": " + root.getMessage() : "") + ").", e);
    }

    private static String errorCode(SdkException e) {
        if (e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null) {
            return s.awsErrorDetails().errorCode();
        }
        return "";
    }

    @Override
    public void close() {
        kms.close();
        iam.close();
    }
}

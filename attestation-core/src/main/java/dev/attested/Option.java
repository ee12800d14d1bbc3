package dev.attested;

import java.util.Optional;

/**
 * A user option that error hints and details may name. The text of a hint names it as <code>{key}</code>, e.g.
 * <code>{signingKey}</code>; a front end's {@link OptionRenderer} turns that into its own syntax (a Maven user
 * property, a command-line flag). Add a constant here before naming a new option in a hint.
 */
public enum Option {
    /** The AWS region of the KMS/IAM clients. */
    REGION("region"),
    /** The AWS profile for credentials and region. */
    PROFILE("profile"),
    /** The KMS key id or key ARN. */
    KEY_ID("keyId"),
    /** The IAM role ARN of the enclave's parent instance. */
    ROLE_ARN("roleArn"),
    /** The KMS endpoint override. */
    ENDPOINT("endpoint"),
    /** The IAM endpoint override. */
    IAM_ENDPOINT("iamEndpoint"),
    /** Which measurements a key policy pins (image, signer, role, instance). */
    PINS("pins"),
    /** Accept (or pin) the all-zero PCRs of a debug-mode enclave. */
    ALLOW_DEBUG_MODE("allowDebugMode"),
    /** Release although the working tree differs from the commit. */
    ALLOW_DIRTY("allowDirty"),
    /** The KMS policy file a release ships. */
    KMS_POLICY("kmsPolicy"),
    /** The boot blobs: a directory or a groupId:artifactId:version artifact. */
    BLOBS("blobs"),
    /** Extra arguments for the reproducing build. */
    REPRODUCE_ARGS("reproduceArgs"),
    /** The fixed output timestamp that makes the build reproducible. */
    OUTPUT_TIMESTAMP("outputTimestamp"),
    /** The deployment environment of a PCR history. */
    ENVIRONMENT("environment"),
    /** The PCR history file. */
    HISTORY("history"),
    /** The PCR manifest file. */
    MANIFEST("manifest"),
    /** The EIF signing key. */
    SIGNING_KEY("signingKey"),
    /** The EIF signing certificate. */
    SIGNING_CERTIFICATE("signingCertificate"),
    /** The enclave architecture (x86_64, aarch64). */
    ARCH("arch"),
    /** The nitro-cli executable. */
    NITRO_CLI("nitroCli"),
    /** The limit on the bytes of a flattened image. */
    MAX_IMAGE_BYTES("maxImageBytes"),
    /** The limit on the entries of a flattened image. */
    MAX_IMAGE_ENTRIES("maxImageEntries"),
    /** The instant a document is verified at (now, document, or an instant). */
    AT("at"),
    /** The maximum age of a document. */
    MAX_AGE("maxAge"),
    /** The trusted root certificate(s). */
    TRUST_ANCHOR("trustAnchor"),
    /** The EIF file to read. */
    EIF("eif"),
    /** The published build manifest a reproduction compares with. */
    BUILD_MANIFEST("buildManifest");

    private final String key;

    Option(String key) {
        this.key = key;
    }

    /** The neutral name, as written between braces in a hint. */
    public String key() {
        return key;
    }

    /** The option with this key, if any. */
    public static Optional<Option> ofKey(String key) {
        for (Option o : values()) {
            if (o.key.equals(key)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}

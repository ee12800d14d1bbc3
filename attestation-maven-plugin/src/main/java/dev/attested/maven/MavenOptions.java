package dev.attested.maven;

import dev.attested.Option;
import dev.attested.OptionRenderer;

/** Names the library's {@link Option}s the way a Maven user sets them: as the goals' user properties. */
final class MavenOptions {
    /** {@code -D<property>} for every option; {@code MavenOptionsTest} checks each property against plugin.xml. */
    static final OptionRenderer RENDERER = MavenOptions::render;

    private MavenOptions() {}

    static String property(Option option) {
        return switch (option) {
            case REGION -> "attestation.region";
            case PROFILE -> "attestation.profile";
            case KEY_ID -> "attestation.keyId";
            case ROLE_ARN -> "attestation.roleArn";
            case ENDPOINT -> "attestation.endpoint";
            case IAM_ENDPOINT -> "attestation.iamEndpoint";
            case PINS -> "attestation.pins";
            case ALLOW_DEBUG_MODE -> "attestation.allowDebugMode";
            case ALLOW_DIRTY -> "attestation.allowDirty";
            case KMS_POLICY -> "attestation.kmsPolicy";
            case BLOBS -> "attestation.blobs";
            case REPRODUCE_ARGS -> "attestation.reproduce.args";
            case OUTPUT_TIMESTAMP -> "attestation.outputTimestamp";
            case ENVIRONMENT -> "attestation.environment";
            case HISTORY -> "attestation.history";
            case MANIFEST -> "attestation.manifest";
            case SIGNING_KEY -> "attestation.signingKey";
            case SIGNING_CERTIFICATE -> "attestation.signingCertificate";
            case ARCH -> "attestation.arch";
            case NITRO_CLI -> "attestation.nitroCli";
            case MAX_IMAGE_BYTES -> "attestation.maxImageBytes";
            case MAX_IMAGE_ENTRIES -> "attestation.maxImageEntries";
            case AT -> "attestation.at";
            case MAX_AGE -> "attestation.maxAge";
            case TRUST_ANCHOR -> "attestation.trustAnchor";
            case EIF -> "attestation.eif";
            case BUILD_MANIFEST -> "attestation.buildManifest";
        };
    }

    private static String render(Option option) {
        if (option == Option.OUTPUT_TIMESTAMP) {
            // The project property is what makes every build of the project reproducible; the user property only
            // overrides it for one goal.
            return "<project.build.outputTimestamp> in the POM's <properties>";
        }
        return "-D" + property(option);
    }
}

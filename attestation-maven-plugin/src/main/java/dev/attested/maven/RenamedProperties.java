package dev.attested.maven;

import java.util.Map;
import java.util.Properties;
import org.apache.maven.plugin.logging.Log;

/**
 * The short user properties of earlier versions are not read any more (they clashed with other plugins' and with
 * each other). A command line that still sets one would silently verify or generate without that value, so each
 * goal says out loud which of them it ignores and what to write instead. Warnings, not errors: another plugin in
 * the same build may own a property of that name.
 */
final class RenamedProperties {
    /** verify's old properties and their names now. */
    static final Map<String, String> VERIFY = Map.ofEntries(Map.entry("manifest", "attestation.manifest"),
            Map.entry("pcrs", "attestation.pcrs"), Map.entry("environment", "attestation.environment"),
            Map.entry("nonce", "attestation.nonce"), Map.entry("userData", "attestation.userData"),
            Map.entry("publicKey", "attestation.publicKey"), Map.entry("root", "attestation.trustAnchor"),
            Map.entry("at", "attestation.at"), Map.entry("maxAge", "attestation.maxAge"),
            Map.entry("allowDebugMode", "attestation.allowDebugMode"), Map.entry("report", "attestation.verifyReport"));
    /** kms-policy's old properties and their names now. */
    static final Map<String, String> KMS_POLICY = Map.of("manifest", "attestation.manifests",
            "environment", "attestation.environment", "policy", "attestation.policy", "evaluate", "attestation.evaluate");

    private RenamedProperties() {}

    /** Warns once per old property that is set; {@code userProperties} null (no session) warns about nothing. */
    static void warn(Properties userProperties, Log log, String goal, Map<String, String> renamed) {
        if (userProperties == null) {
            return;
        }
        renamed.keySet().stream().sorted().filter(userProperties::containsKey).forEach(old -> log.warn("-D" + old + " is set, but "
                + goal + " reads -D" + renamed.get(old) + " (renamed): this value is NOT used. Write -D" + renamed.get(old)
                + "=" + userProperties.getProperty(old) + " instead."));
    }
}

package dev.attested.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A key-policy template for a release, used when the project did not run {@code kms-policy}: the recommended
 * shape of docs/spec/kms-attestation.md §7 with this release's PCR values filled in and the account-specific parts
 * left as placeholders ({@code ${ACCOUNT_ID}}, {@code ${PARENT_ROLE_ARN}}, {@code ${KEY_ADMIN_ROLE_ARN}}).
 * Run {@code mvn attestation:kms-policy} for a policy for your account that is also linted.
 */
public final class KmsPolicyTemplate {
    public static final String FILE_NAME = "kms-policy-template.json";
    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private static final List<String> ATTESTED_ACTIONS = List.of("kms:Decrypt");

    private KmsPolicyTemplate() {}

    /** The template JSON for the image measurements (ImageSha384, PCR1, PCR2) of {@code manifest}. */
    public static byte[] forRelease(PcrManifest manifest) {
        ObjectNode policy = JSON.createObjectNode();
        policy.put("Version", "2012-10-17");
        ArrayNode statements = policy.putArray("Statement");

        ObjectNode root = statements.addObject();
        root.put("Sid", "AccountRootNoPlaintext");
        root.put("Effect", "Allow");
        root.putObject("Principal").put("AWS", "arn:aws:iam::${ACCOUNT_ID}:root");
        ArrayNode notAction = root.putArray("NotAction");
        List.of("kms:Decrypt", "kms:ReEncrypt*", "kms:DeriveSharedSecret", "kms:CreateGrant").forEach(notAction::add);
        root.put("Resource", "*");

        ObjectNode admin = statements.addObject();
        admin.put("Sid", "KeyAdministration");
        admin.put("Effect", "Allow");
        admin.putObject("Principal").put("AWS", "${KEY_ADMIN_ROLE_ARN}");
        ArrayNode adminActions = admin.putArray("Action");
        List.of("kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy", "kms:List*", "kms:GetKeyRotationStatus",
                "kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:EnableKey", "kms:DisableKey",
                "kms:UpdateAlias", "kms:UpdateKeyDescription", "kms:CreateAlias", "kms:DeleteAlias",
                "kms:TagResource", "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
                "kms:RevokeGrant").forEach(adminActions::add);
        admin.put("Resource", "*");

        ObjectNode enclave = statements.addObject();
        enclave.put("Sid", "EnclaveAttestedUse");
        enclave.put("Effect", "Allow");
        enclave.putObject("Principal").put("AWS", "${PARENT_ROLE_ARN}");
        ArrayNode actions = enclave.putArray("Action");
        ATTESTED_ACTIONS.forEach(actions::add);
        enclave.put("Resource", "*");
        ObjectNode equals = enclave.putObject("Condition").putObject("StringEqualsIgnoreCase");
        String pcr0 = manifest.pcrs().get(0);
        if (pcr0 != null) {
            equals.put(PcrManifest.KMS_PREFIX + "ImageSha384", pcr0);
        }
        for (int i : new int[] {1, 2}) {
            if (manifest.pcrs().containsKey(i)) {
                equals.put(PcrManifest.KMS_PREFIX + "PCR" + i, manifest.pcrs().get(i));
            }
        }

        if (pcr0 != null) {
            ObjectNode deny = statements.addObject();
            deny.put("Sid", "DenyUnattestedImage");
            deny.put("Effect", "Deny");
            deny.put("Principal", "*");
            ArrayNode denyActions = deny.putArray("Action");
            ATTESTED_ACTIONS.forEach(denyActions::add);
            deny.put("Resource", "*");
            deny.putObject("Condition").putObject("StringNotEqualsIgnoreCase")
                    .put(PcrManifest.KMS_PREFIX + "ImageSha384", pcr0);
        }
        try {
            return (JSON.writeValueAsString(policy).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("policy serialisation failed", e);
        }
    }
}

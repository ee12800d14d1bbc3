package dev.attested.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns PCR manifests into the key policy shape docs/spec/kms-attestation.md §7 recommends: the account root narrowed
 * so it cannot obtain plaintext around the attestation condition, key administrators without
 * Decrypt/ReEncrypt/CreateGrant, one attested Allow per accepted release (values of different releases never share a
 * statement), optional producers, and optionally one Deny guard rail per pinned condition key. Values are lower-case
 * 96-hex under {@code StringEqualsIgnoreCase}. Statements come from {@link PolicyTemplates}; the output is
 * deterministic.
 */
public final class KeyPolicyGenerator {
    private static final Pattern ROLE_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}");
    private static final Pattern PRINCIPAL_ARN = Pattern.compile("arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:(root|role/.+|user/.+)|\\d{12}");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private final List<PcrManifest> releases;
    private final String account;
    private final String roleArn;
    private final List<String> admins;
    private final List<String> producers;
    private final List<String> actions;
    private final Set<MeasurementPin> pins;
    private final String instanceId;
    private final boolean denyGuardRail;
    private final boolean allowDebugMode;
    private final PolicyTemplates templates;
    private final Pcr signerPcr8;

    private KeyPolicyGenerator(Builder b) {
        this.releases = List.copyOf(b.releases);
        this.account = b.account;
        this.roleArn = b.roleArn;
        this.admins = List.copyOf(b.admins);
        this.producers = List.copyOf(b.producers);
        this.actions = List.copyOf(b.actions);
        this.pins = EnumSet.copyOf(b.pins);
        this.instanceId = b.instanceId;
        this.denyGuardRail = b.denyGuardRail;
        this.allowDebugMode = b.allowDebugMode;
        this.templates = b.templates;
        this.signerPcr8 = b.signerPcr8;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Generates the policy and lints it: a policy with lint errors (e.g. from an edited template that re-opens a
     * bypass) is refused, never returned.
     *
     * @throws KeyPolicyException INVALID_INPUT, DEBUG_PCR_REFUSED, PIN_UNAVAILABLE, TEMPLATE_INVALID, or LINT_FAILED
     *         carrying the findings
     */
    public GeneratedKeyPolicy generate() {
        if (releases.isEmpty()) {
            throw input("no PCR manifest given; pass the pcr-manifest.json of each accepted release.");
        }
        Matcher role = roleArn == null ? null : ROLE_ARN.matcher(roleArn);
        if (role == null || !role.matches()) {
            throw input("the parent instance role must be an IAM role ARN with its path (arn:aws:iam::<account>:role/<path/>name), got "
                    + roleArn + ". Not an instance-profile ARN, not an sts assumed-role ARN; iam:GetRole shows the full ARN.");
        }
        String partition = role.group(1);
        String keyAccount = account != null ? account : role.group(2);
        if (!ACCOUNT.matcher(keyAccount).matches()) {
            throw input("the account must be 12 digits, got " + keyAccount + ".");
        }
        for (String p : concat(admins, producers)) {
            if (!PRINCIPAL_ARN.matcher(p).matches()) {
                throw input("principal " + p + " is not an IAM role/user ARN, account root ARN or account id.");
            }
        }
        List<String> warnings = new ArrayList<>();
        List<Map<String, String>> conditionsPerRelease = new ArrayList<>();
        for (PcrManifest m : releases) {
            conditionsPerRelease.add(conditionsFor(m, warnings));
        }

        ArrayNode attested = JsonNodeFactory.instance.arrayNode();
        actions.forEach(attested::add);
        Map<String, JsonNode> common = new LinkedHashMap<>();
        common.put("account", TextNode.valueOf(keyAccount));
        common.put("partition", TextNode.valueOf(partition));
        common.put("rootArn", TextNode.valueOf("arn:" + partition + ":iam::" + keyAccount + ":root"));
        common.put("roleArn", TextNode.valueOf(roleArn));
        common.put("attestedActions", attested);

        List<Statement> statements = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        add(statements, reasons, "account-root.json", common,
                "the account root keeps key management through IAM but not Decrypt, ReEncrypt*, DeriveSharedSecret, "
                        + "CreateGrant, GenerateDataKey(Pair), ReplicateKey or the attested actions, so no IAM policy can obtain "
                        + "plaintext around the attestation condition");
        if (!admins.isEmpty()) {
            Map<String, JsonNode> v = new LinkedHashMap<>(common);
            v.put("adminArns", array(admins));
            add(statements, reasons, "key-administration.json", v,
                    "key administrators " + admins + " manage the key; no Decrypt, ReEncrypt* or CreateGrant");
        }
        for (int i = 0; i < releases.size(); i++) {
            Map<String, JsonNode> v = new LinkedHashMap<>(common);
            v.put("sid", TextNode.valueOf(releases.size() == 1 ? "EnclaveAttestedUse" : "EnclaveAttestedUse" + (i + 1)));
            ObjectNode cond = JsonNodeFactory.instance.objectNode();
            conditionsPerRelease.get(i).forEach(cond::put);
            v.put("attestationConditions", cond);
            add(statements, reasons, "enclave-attested-use.json", v,
                    "the enclave of release " + describe(releases.get(i)) + " on role " + roleArn + " may call " + actions
                            + " only with an attestation document whose " + String.join(", ", shortKeys(conditionsPerRelease.get(i).keySet()))
                            + " match");
        }
        if (!producers.isEmpty()) {
            Map<String, JsonNode> v = new LinkedHashMap<>(common);
            v.put("producerArns", array(producers));
            add(statements, reasons, "host-side-encrypt.json", v,
                    "producers " + producers + " may encrypt (these actions cannot carry an attestation document)");
        }
        if (denyGuardRail) {
            Map<String, Set<String>> perKey = new LinkedHashMap<>();
            conditionsPerRelease.forEach(c -> c.forEach((k, val) -> perKey.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(val)));
            for (Map.Entry<String, Set<String>> e : perKey.entrySet()) {
                String shortKey = e.getKey().substring(RecipientAttestation.PREFIX.length());
                Map<String, JsonNode> v = new LinkedHashMap<>(common);
                v.put("sid", TextNode.valueOf("DenyUnattested" + shortKey));
                v.put("conditionKey", TextNode.valueOf(e.getKey()));
                v.put("conditionValues", e.getValue().size() == 1 ? TextNode.valueOf(e.getValue().iterator().next()) : array(List.copyOf(e.getValue())));
                add(statements, reasons, "deny-unattested.json", v,
                        "guard rail: anyone calling " + actions + " without a document whose " + shortKey
                                + " is an accepted value is denied, whatever else allows it (one Deny per key: keys in one block would be ANDed)");
            }
        }
        List<String> helpers = new ArrayList<>();
        helpers.add("PCR3 of role " + roleArn + ": " + Pcr.ofParentRoleArn(roleArn).hex());
        if (instanceId != null && instanceId.matches("i-[0-9a-f]{8,17}")) {
            helpers.add("PCR4 of instance " + instanceId + ": " + Pcr.ofParentInstanceId(instanceId).hex());
        }
        releases.stream().filter(r -> r.pcrs().containsKey(8))
                .forEach(r -> helpers.add("PCR8 (signing certificate) of " + describe(r) + ": " + r.pcrs().get(8)));
        if (signerPcr8 != null) {
            helpers.add("PCR8 of the given signing certificate: " + signerPcr8.hex());
        }
        warnings.add("Residual risk: whoever may call kms:PutKeyPolicy (the key administrators, and through the account root any IAM "
                + "principal allowed it) can remove the attestation requirement. Restrict it and alert on PutKeyPolicy in CloudTrail.");
        return new GeneratedKeyPolicy(KeyPolicy.of(statements), reasons, helpers, warnings,
                allowDebugMode ? KeyPolicyLinter.allowingDebugMode() : new KeyPolicyLinter());
    }

    private Map<String, String> conditionsFor(PcrManifest m, List<String> warnings) {
        Map<String, String> c = new LinkedHashMap<>();
        Map<Integer, String> pcrs = m.pcrs();
        if (pins.contains(MeasurementPin.IMAGE)) {
            for (int i = 0; i <= 2; i++) {
                if (!pcrs.containsKey(i)) {
                    throw new KeyPolicyException(KeyPolicyException.Code.PIN_UNAVAILABLE, "release " + describe(m) + " has no PCR" + i + " to pin.");
                }
            }
            boolean zero = Pcr.ofHex(pcrs.get(0)).isZero() || Pcr.ofHex(pcrs.get(1)).isZero() || Pcr.ofHex(pcrs.get(2)).isZero();
            if (zero) {
                if (!allowDebugMode) {
                    throw new KeyPolicyException(KeyPolicyException.Code.DEBUG_PCR_REFUSED,
                            "release " + describe(m) + " has all-zero image PCRs (a debug-mode enclave's values); refusing to pin them.");
                }
                warnings.add("DEBUG MODE: release " + describe(m) + " pins all-zero PCRs; ANY debug-mode enclave, whose memory the parent "
                        + "can read, satisfies this policy. Never use it for production data.");
            }
            c.put(RecipientAttestation.IMAGE_SHA384, pcrs.get(0).toLowerCase(java.util.Locale.ROOT));
            c.put(RecipientAttestation.pcrKey(1), pcrs.get(1).toLowerCase(java.util.Locale.ROOT));
            c.put(RecipientAttestation.pcrKey(2), pcrs.get(2).toLowerCase(java.util.Locale.ROOT));
        }
        if (pins.contains(MeasurementPin.ROLE)) {
            c.put(RecipientAttestation.pcrKey(3), Pcr.ofParentRoleArn(roleArn).hex());
        }
        if (pins.contains(MeasurementPin.INSTANCE)) {
            if (instanceId == null) {
                throw new KeyPolicyException(KeyPolicyException.Code.PIN_UNAVAILABLE, "pinning the instance (PCR4) needs the parent instance id.");
            }
            try {
                c.put(RecipientAttestation.pcrKey(4), Pcr.ofParentInstanceId(instanceId).hex());
            } catch (IllegalArgumentException e) {
                throw input(e.getMessage());
            }
            warnings.add("PCR4 pins instance " + instanceId + ": a replaced instance has another PCR4 and is denied until the policy is regenerated.");
        }
        if (pins.contains(MeasurementPin.SIGNER)) {
            String pcr8 = pcrs.get(8);
            if (signerPcr8 != null) {
                if (pcr8 != null && !Pcr.ofHex(pcr8).equals(signerPcr8)) {
                    throw input("release " + describe(m) + " was signed with another certificate: its PCR8 is " + pcr8
                            + ", the given certificate gives " + signerPcr8.hex() + ".");
                }
                pcr8 = signerPcr8.hex();
            }
            if (pcr8 == null || Pcr.ofHex(pcr8).isZero()) {
                throw new KeyPolicyException(KeyPolicyException.Code.PIN_UNAVAILABLE,
                        "release " + describe(m) + " has no PCR8: the EIF is not signed, so the signer cannot be pinned.");
            }
            c.put(RecipientAttestation.pcrKey(8), pcr8.toLowerCase(java.util.Locale.ROOT));
        }
        return c;
    }

    private void add(List<Statement> statements, List<String> reasons, String template, Map<String, JsonNode> values, String reason) {
        JsonNode filled = templates.fill(template, values);
        ObjectNode policy = JsonNodeFactory.instance.objectNode();
        policy.put("Version", KeyPolicy.VERSION);
        policy.set("Statement", filled);
        Statement s;
        try {
            s = KeyPolicy.fromTree(policy, "template " + templates.origin(template)).statements().get(0);
        } catch (KeyPolicyException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.TEMPLATE_INVALID, e.getMessage(), e);
        }
        statements.add(s);
        reasons.add(s.label(statements.size() - 1) + ": " + reason + " [" + templates.origin(template) + "]");
    }

    private static String describe(PcrManifest m) {
        if (m.image() != null && m.image().name() != null) {
            return m.image().name() + (m.image().version() != null ? ":" + m.image().version() : "");
        }
        if (m.eif() != null && m.eif().file() != null) {
            return m.eif().file();
        }
        return "PCR0 " + m.pcrs().get(0);
    }

    private static List<String> shortKeys(Set<String> keys) {
        List<String> out = new ArrayList<>();
        keys.forEach(k -> out.add(k.substring(RecipientAttestation.PREFIX.length())));
        return out;
    }

    private static ArrayNode array(List<String> values) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        values.forEach(a::add);
        return a;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static KeyPolicyException input(String message) {
        return new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT, message);
    }

    /** Generator inputs. Required: at least one release and the role ARN. */
    public static final class Builder {
        private final List<PcrManifest> releases = new ArrayList<>();
        private String account;
        private String roleArn;
        private final List<String> admins = new ArrayList<>();
        private final List<String> producers = new ArrayList<>();
        private final List<String> actions = new ArrayList<>(List.of("kms:Decrypt"));
        private Set<MeasurementPin> pins = EnumSet.of(MeasurementPin.IMAGE);
        private String instanceId;
        private boolean denyGuardRail = true;
        private boolean allowDebugMode;
        private PolicyTemplates templates = PolicyTemplates.bundled();
        private Pcr signerPcr8;

        /** Adds an accepted release (several for a rollout: each gets its own statement). */
        public Builder release(PcrManifest manifest) {
            releases.add(Objects.requireNonNull(manifest));
            return this;
        }

        /**
         * Adds every release the PCR history accepts for {@code environment}, each as its own statement, so a
         * rollout or rollback is an edit of the history, not of the policy.
         */
        public Builder acceptedReleases(PcrHistory history, String environment) {
            List<PcrHistory.Release> accepted = history.accepted(environment);
            if (accepted.isEmpty()) {
                throw input("no release is accepted for environment " + environment
                        + " in the PCR history; release with {environment}=" + environment + " first.");
            }
            for (PcrHistory.Release r : accepted) {
                releases.add(new PcrManifest(PcrManifest.SCHEMA_VERSION, new PcrManifest.Eif(r.eif(), r.eifSha256(), 0),
                        PcrManifest.HASH_ALGORITHM, r.pcrs(), PcrManifest.kmsConditionsFor(r.pcrs()), null, null, null,
                        null, null, null, r.addedAt()));
            }
            return this;
        }

        /** The key's account (12 digits); defaults to the role's account. */
        public Builder account(String account) {
            this.account = account;
            return this;
        }

        /** The parent instance's IAM role ARN, path included. */
        public Builder roleArn(String roleArn) {
            this.roleArn = roleArn;
            return this;
        }

        public Builder admins(List<String> admins) {
            this.admins.clear();
            this.admins.addAll(admins);
            return this;
        }

        /** Principals that may Encrypt/GenerateDataKeyWithoutPlaintext (no attestation possible). */
        public Builder producers(List<String> producers) {
            this.producers.clear();
            this.producers.addAll(producers);
            return this;
        }

        /** Attested actions; each must accept a Recipient (kms-attestation.md §3.1). Default {@code kms:Decrypt}. */
        public Builder actions(List<String> actions) {
            if (actions.isEmpty()) {
                throw input("no attested action; use one or more of " + RecipientAttestation.ACTIONS + ".");
            }
            Set<String> canonical = new LinkedHashSet<>();
            for (String a : actions) {
                String c = RecipientAttestation.canonicalAction(a.trim());
                if (c == null) {
                    throw input(a + " cannot be attested: only " + RecipientAttestation.ACTIONS
                            + " accept a Recipient. Grant Encrypt/GenerateDataKeyWithoutPlaintext to producers instead.");
                }
                canonical.add(c);
            }
            this.actions.clear();
            this.actions.addAll(canonical);
            return this;
        }

        /**
         * The measurements every attested statement pins. At least one must measure the enclave's code
         * ({@link MeasurementPin#IMAGE} or {@link MeasurementPin#SIGNER}); ROLE and INSTANCE only add the parent.
         *
         * @throws KeyPolicyException {@code NO_CODE_PIN} for a set without a code measurement
         */
        public Builder pins(Set<MeasurementPin> pins) {
            if (pins.isEmpty()) {
                throw input("no measurement to pin.");
            }
            if (pins.stream().noneMatch(MeasurementPin::measuresCode)) {
                throw new KeyPolicyException(KeyPolicyException.Code.NO_CODE_PIN, "pins " + pins.stream().map(p -> p.name().toLowerCase(
                        java.util.Locale.ROOT)).toList() + " measure no code: PCR3 (role) and PCR4 (instance) identify the parent, so the parent "
                        + "could build an enclave image of its own, or start any image in debug mode, and receive the plaintext.");
            }
            this.pins = EnumSet.copyOf(pins);
            return this;
        }

        /** The parent instance id for PCR4 (with {@link MeasurementPin#INSTANCE}). */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        /** Whether to add one Deny per pinned key (default true). */
        public Builder denyGuardRail(boolean deny) {
            this.denyGuardRail = deny;
            return this;
        }

        /** Accepts all-zero image PCRs (debug-mode enclaves). Development keys only. */
        public Builder allowDebugMode(boolean allow) {
            this.allowDebugMode = allow;
            return this;
        }

        /**
         * The EIF signing certificate: its PCR8 ({@code SHA384(0^48 || SHA384(DER))}) is printed and used for the
         * signer pin when a manifest has no PCR8; a manifest whose PCR8 differs is refused.
         */
        public Builder signingCertificate(java.security.cert.X509Certificate certificate) {
            this.signerPcr8 = certificate == null ? null : Pcr.ofSigningCertificate(certificate);
            return this;
        }

        public Builder templates(PolicyTemplates templates) {
            this.templates = Objects.requireNonNull(templates);
            return this;
        }

        public KeyPolicyGenerator build() {
            return new KeyPolicyGenerator(this);
        }
    }
}

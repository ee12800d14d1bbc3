package dev.attested.maven;

import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.NitroRoots;
import dev.attested.kms.EvaluationScenarios;
import dev.attested.kms.GeneratedKeyPolicy;
import dev.attested.kms.KeyPolicy;
import dev.attested.kms.KeyPolicyCheck;
import dev.attested.kms.KeyPolicyEvaluator;
import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.KeyPolicyGenerator;
import dev.attested.kms.KeyPolicyLinter;
import dev.attested.kms.LintFinding;
import dev.attested.kms.MeasurementPin;
import dev.attested.kms.PolicyTemplates;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generates a KMS key policy that really enforces attestation from the PCR manifest(s), lints it (or an existing
 * policy given with {@code -Dattestation.policy=file}), evaluates scenarios ({@code -Dattestation.evaluate=file}),
 * shows the diff against a key's current policy and, only with {@code -Dattestation.apply=true}, replaces it. A
 * policy with lint errors or an unmet scenario is neither written nor applied.
 */
@Mojo(name = "kms-policy", requiresProject = false, threadSafe = true)
public class KmsPolicyMojo extends AbstractMojo {
    /** Use every release the PCR history accepts for this environment instead of the manifests. */
    @Parameter(property = "attestation.environment")
    String environment;

    /** The PCR history ({@code pcr-history.json}, written by {@code attestation:release}). */
    @Parameter(property = "attestation.history", defaultValue = "${project.basedir}/pcr-history.json")
    File history;

    /** PCR manifest(s), comma-separated: one attested statement per release (several for a rollout). */
    @Parameter(property = "attestation.manifests", defaultValue = "${project.build.directory}/attestation/pcr-manifest.json")
    List<File> manifests;
    /** The key's account (12 digits); default: the role's account. */
    @Parameter(property = "attestation.account")
    String account;
    /** The parent instance's IAM role ARN, with its path. */
    @Parameter(property = "attestation.roleArn")
    String roleArn;
    /** Key administrator ARNs, comma-separated. */
    @Parameter(property = "attestation.admins")
    List<String> admins = new ArrayList<>();
    /** Producer ARNs allowed kms:Encrypt and kms:GenerateDataKeyWithoutPlaintext, comma-separated. */
    @Parameter(property = "attestation.producers")
    List<String> producers = new ArrayList<>();
    /** Attested actions, comma-separated (Decrypt, GenerateDataKey, GenerateDataKeyPair, GenerateRandom, DeriveSharedSecret). */
    @Parameter(property = "attestation.actions", defaultValue = "kms:Decrypt")
    List<String> actions;
    /**
     * Measurements to pin, comma-separated: image (PCR0/ImageSha384, PCR1, PCR2), signer (PCR8), role (PCR3), instance (PCR4).
     * At least image or signer: role and instance identify the parent, not the enclave's code.
     */
    @Parameter(property = "attestation.pins", defaultValue = "image")
    String pins;
    /** Parent instance id for the instance pin (PCR4). */
    @Parameter(property = "attestation.instanceId")
    String instanceId;
    /** PEM of the EIF signing certificate: prints its PCR8 and supplies PCR8 for the signer pin. */
    @Parameter(property = "attestation.signingCertificate")
    File signingCertificate;
    /** Add one Deny guard rail per pinned key. */
    @Parameter(property = "attestation.denyGuardRail", defaultValue = "true")
    boolean denyGuardRail;
    /** Accept all-zero (debug-mode) PCRs. Development keys only. */
    @Parameter(property = "attestation.allowDebugMode", defaultValue = "false")
    boolean allowDebugMode;
    /** A directory with edited templates (release-templates or its kms folder); default: the bundled ones. */
    @Parameter(property = "attestation.templates")
    File templates;
    /** An existing policy to lint (and evaluate) instead of generating one. */
    @Parameter(property = "attestation.policy")
    File policy;
    /** A scenarios file (see docs/kms-policy.md) to evaluate against the policy. */
    @Parameter(property = "attestation.evaluate")
    File evaluate;
    /** PEM root certificate for attestation documents in scenarios; default: the AWS Nitro Enclaves Root-G1. */
    @Parameter(property = "attestation.trustAnchor")
    File trustAnchor;
    /**
     * Where the generated policy is written; the summary goes next to it (kms-policy.txt). The release goal ships
     * the same file.
     */
    @Parameter(property = "attestation.kmsPolicy", defaultValue = "${project.build.directory}/attestation/kms-policy.json")
    File kmsPolicy;
    /** Key id or key ARN (not an alias): fetch its policy and print the diff (dry run unless apply). */
    @Parameter(property = "attestation.keyId")
    String keyId;
    /** Replace the key's policy with kms:PutKeyPolicy (needs keyId). */
    @Parameter(property = "attestation.apply", defaultValue = "false")
    boolean apply;
    /** AWS region; default: the SDK's region chain. */
    @Parameter(property = "attestation.region")
    String region;
    /** AWS profile; default: the SDK's default profile chain. */
    @Parameter(property = "attestation.profile")
    String profile;
    /** KMS endpoint override (e.g. a VPC endpoint). */
    @Parameter(property = "attestation.endpoint")
    String endpoint;
    /** IAM endpoint override. */
    @Parameter(property = "attestation.iamEndpoint")
    String iamEndpoint;
    /** Base for the default paths when Maven runs without a project. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    File basedir;
    /** Skip this goal. */
    @Parameter(property = "attestation.kmsPolicy.skip", defaultValue = "false")
    boolean skip;
    /** The Maven session, for the user properties of earlier versions (read-only). */
    @Parameter(defaultValue = "${session}", readonly = true)
    MavenSession session;

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::kmsPolicy);
    }

    private void kmsPolicy() throws Exception {
        if (skip) {
            getLog().info("kms-policy skipped");
            return;
        }
        if (apply && keyId == null) {
            throw failure(KeyPolicyException.Code.INVALID_INPUT, "attestation.apply=true needs attestation.keyId (the key whose policy to replace).");
        }
        RenamedProperties.warn(session == null ? null : session.getUserProperties(), getLog(), "kms-policy", RenamedProperties.KMS_POLICY);
        // Without a project, ${project.build.directory} stays unresolved: fall back to ./target.
        File output = orDefault(kmsPolicy, "target/attestation/kms-policy.json");
        List<File> manifestFiles = manifests.stream().map(m -> orDefault(m, "target/attestation/pcr-manifest.json")).toList();
        try (KmsPolicyApplier aws = keyId == null ? null : new KmsPolicyApplier(region, profile, uri(endpoint, "attestation.endpoint"),
                uri(iamEndpoint, "attestation.iamEndpoint"), null)) {
            // The core decides: the generator refuses lint errors, and KeyPolicyCheck writes or applies nothing that
            // has lint errors or an unmet scenario. This goal only reports.
            KeyPolicyCheck check;
            try {
                check = policy == null ? KeyPolicyCheck.of(generate(aws, manifestFiles))
                        : KeyPolicyCheck.of(KeyPolicy.read(policy.toPath()), linter());
            } catch (KeyPolicyException e) {
                if (e.code() == KeyPolicyException.Code.LINT_FAILED) {
                    report(e.findings());
                }
                throw e;
            }
            report(check.findings());
            if (evaluate != null) {
                check = check.evaluate(evaluator(check.policy()), EvaluationScenarios.read(evaluate.toPath()));
                check.scenarioResults().forEach(r -> log(r.met(), r.line()));
            }
            check.requirePassed();
            if (check.generated().isPresent()) {
                check.write(output.toPath());
                getLog().info("Wrote " + output + "\n" + check.generated().get().summary());
            }
            if (aws != null) {
                KeyPolicyCheck.Reconciliation r = check.reconcile(aws, keyId, apply);
                if (r.unchanged()) {
                    getLog().info("Key " + keyId + ": policy unchanged");
                } else {
                    getLog().info("Key " + keyId + " policy diff (- current, + proposed):\n" + String.join("\n", r.diff()));
                    getLog().info(r.applied() ? "kms:PutKeyPolicy applied to " + keyId : "Dry run: pass -Dattestation.apply=true to apply.");
                }
            }
        }
    }

    /** Each finding at its own level: errors and warnings show up in quiet builds and CI annotations. */
    private void report(List<LintFinding> findings) {
        for (LintFinding f : findings) {
            switch (f.severity()) {
                case ERROR -> getLog().error(f.text());
                case WARNING -> getLog().warn(f.text());
                case INFO -> getLog().info(f.text());
            }
        }
        long errors = findings.stream().filter(LintFinding::isError).count();
        String line = "Lint: " + errors + " errors, " + findings.size() + " findings";
        if (errors > 0) {
            getLog().error(line);
        } else {
            getLog().info(line);
        }
    }

    private GeneratedKeyPolicy generate(KmsPolicyApplier aws, List<File> manifestFiles) {
        if (roleArn == null) {
            throw new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT, "attestation.roleArn is required to generate a policy.");
        }
        KeyPolicyGenerator.Builder b = KeyPolicyGenerator.builder().pins(MeasurementPin.parse(pins)).account(account)
                .roleArn(aws != null ? aws.resolveRoleArn(roleArn) : roleArn).admins(admins).producers(producers).actions(actions)
                .instanceId(instanceId).denyGuardRail(denyGuardRail).allowDebugMode(allowDebugMode)
                .signingCertificate(signingCertificate != null ? NitroRoots.read(signingCertificate.toPath()).get(0) : null)
                .templates(templates != null ? PolicyTemplates.directory(templates.toPath()) : PolicyTemplates.bundled());
        if (environment != null && !environment.isBlank()) {
            File h = orDefault(history, "pcr-history.json");
            getLog().info("Statements for the releases accepted for " + environment + " in " + h);
            b.acceptedReleases(PcrHistory.read(h.toPath()), environment.strip());
        } else {
            manifestFiles.forEach(m -> b.release(PcrManifest.read(m.toPath())));
        }
        return b.build().generate();
    }

    private File orDefault(File configured, String relative) {
        if (configured != null && !configured.getPath().contains("${")) {
            return configured;
        }
        File base = basedir != null && !basedir.getPath().contains("${") ? basedir : new File(System.getProperty("user.dir"));
        return new File(base, relative);
    }

    private void log(boolean ok, String line) {
        if (ok) {
            getLog().info(line);
        } else {
            getLog().error(line);
        }
    }

    private static KeyPolicyException failure(KeyPolicyException.Code code, String message) {
        return new KeyPolicyException(code, message);
    }

    private KeyPolicyLinter linter() {
        return allowDebugMode ? KeyPolicyLinter.allowingDebugMode() : new KeyPolicyLinter();
    }

    private KeyPolicyEvaluator evaluator(KeyPolicy p) {
        AttestationVerifier.Builder v = AttestationVerifier.builder().atDocumentTime();
        if (trustAnchor != null) {
            v.trustAnchors(NitroRoots.read(trustAnchor.toPath()));
        }
        getLog().info("Scenario documents are verified at their own timestamp (KMS itself also requires them to be fresh).");
        KeyPolicyEvaluator e = KeyPolicyEvaluator.withVerifier(p, v.build());
        return allowDebugMode ? e.allowingDebugMode() : e;
    }

    private static URI uri(String s, String property) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(s.strip());
            if (u.getScheme() == null || u.getHost() == null) {
                throw new URISyntaxException(s, "needs a scheme and a host, e.g. https://kms.eu-west-1.amazonaws.com");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.INVALID_INPUT, "-D" + property + "=" + s + " is not an endpoint URL: "
                    + e.getReason() + ".");
        }
    }
}

package dev.attested.cli;

import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.NitroRoots;
import dev.attested.kms.EvaluationScenarios;
import dev.attested.kms.GeneratedKeyPolicy;
import dev.attested.kms.KeyPolicy;
import dev.attested.kms.KeyPolicyEvaluator;
import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.KeyPolicyGenerator;
import dev.attested.kms.KeyPolicyLinter;
import dev.attested.kms.LintFinding;
import dev.attested.kms.LintRule;
import dev.attested.kms.MeasurementPin;
import dev.attested.kms.PolicyTemplates;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attested kms-policy}: the kms-policy goal's three jobs (generate, lint, evaluate), without AWS calls. */
@Command(name = "kms-policy", mixinStandardHelpOptions = true,
        description = "Generates a KMS key policy that enforces attestation, lints a policy, evaluates scenarios.",
        subcommands = {KmsPolicyCommand.Generate.class, KmsPolicyCommand.Lint.class, KmsPolicyCommand.Evaluate.class})
final class KmsPolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "name a subcommand: generate, lint or evaluate");
    }

    /** Prints the findings (errors and warnings to standard error) and the count line; true when no errors. */
    static boolean report(List<LintFinding> findings, PrintWriter out, PrintWriter err) {
        for (LintFinding f : findings) {
            (f.severity() == LintRule.Severity.INFO ? out : err).println(f);
        }
        long errors = findings.stream().filter(LintFinding::isError).count();
        (errors > 0 ? err : out).println("Lint: " + errors + " errors, " + findings.size() + " findings");
        out.flush();
        err.flush();
        return errors == 0;
    }

    static KeyPolicyLinter linter(boolean allowDebugMode) {
        return allowDebugMode ? KeyPolicyLinter.allowingDebugMode() : new KeyPolicyLinter();
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generates the policy from PCR "
            + "manifest(s) or the releases a PCR history accepts for an environment; writes it and kms-policy.txt "
            + "beside it. Refused (exit 1, LINT_FAILED) when the policy would not enforce attestation.")
    static final class Generate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--manifest", split = ",", paramLabel = "FILE",
                description = "PCR manifest(s): one attested statement per release (several for a rollout).")
        List<Path> manifests = new ArrayList<>();
        @Option(names = "--environment", paramLabel = "NAME",
                description = "Use every release the PCR history accepts for this environment instead.")
        String environment;
        @Option(names = "--history", defaultValue = "pcr-history.json", paramLabel = "FILE",
                description = "The PCR history for --environment (default: pcr-history.json).")
        Path history;
        @Option(names = "--account", paramLabel = "ID", description = "The key's account; default: the role's.")
        String account;
        @Option(names = "--role-arn", required = true, paramLabel = "ARN",
                description = "The parent instance's IAM role ARN, with its path.")
        String roleArn;
        @Option(names = "--admins", split = ",", paramLabel = "ARN", description = "Key administrator ARNs.")
        List<String> admins = new ArrayList<>();
        @Option(names = "--producers", split = ",", paramLabel = "ARN",
                description = "ARNs allowed kms:Encrypt and kms:GenerateDataKeyWithoutPlaintext.")
        List<String> producers = new ArrayList<>();
        @Option(names = "--actions", split = ",", defaultValue = "kms:Decrypt", paramLabel = "ACTION",
                description = "Attested actions (default kms:Decrypt).")
        List<String> actions;
        @Option(names = "--pins", defaultValue = "image", paramLabel = "PINS",
                description = "Measurements to pin: image, signer, role, instance (default image).")
        String pins;
        @Option(names = "--instance-id", paramLabel = "ID", description = "Parent instance id for the instance pin.")
        String instanceId;
        @Option(names = "--signing-certificate", paramLabel = "PEM",
                description = "The EIF signing certificate, for the signer pin (PCR8).")
        Path signingCertificate;
        @Option(names = "--deny-guard-rail", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "One Deny guard rail per pinned key (default true).")
        boolean denyGuardRail;
        @Option(names = "--allow-debug-mode", description = "Accept all-zero (debug-mode) PCRs. Development keys only.")
        boolean allowDebugMode;
        @Option(names = "--templates", paramLabel = "DIR", description = "Edited templates; default: the bundled ones.")
        Path templates;
        @Option(names = "--output", defaultValue = "kms-policy.json", paramLabel = "FILE",
                description = "Where the policy is written (default kms-policy.json); kms-policy.txt goes beside it.")
        Path output;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            boolean hasEnvironment = environment != null && !environment.isBlank();
            if (hasEnvironment == !manifests.isEmpty()) {
                throw new Errors.Usage("name the releases to attest: --manifest FILE[,FILE...] or --environment NAME"
                        + " (one of the two)");
            }
            if (!hasEnvironment && spec.commandLine().getParseResult().hasMatchedOption("--history")) {
                throw new Errors.Usage("--history " + history + " is used only with --environment: name the environment "
                        + "whose releases the key may be released to, or leave --history out");
            }
            KeyPolicyGenerator.Builder b = KeyPolicyGenerator.builder().pins(MeasurementPin.parse(pins))
                    .account(account).roleArn(roleArn).admins(admins).producers(producers).actions(actions)
                    .instanceId(instanceId).denyGuardRail(denyGuardRail).allowDebugMode(allowDebugMode)
                    .signingCertificate(signingCertificate == null ? null
                            : NitroRoots.read(Files2.existingFile(signingCertificate, "--signing-certificate")).get(0))
                    .templates(templates == null ? PolicyTemplates.bundled()
                            : PolicyTemplates.directory(Files2.existing(templates, "--templates")));
            if (hasEnvironment) {
                b.acceptedReleases(PcrHistory.read(Files2.existingFile(history, "--history")), environment.strip());
            } else {
                manifests.forEach(m -> b.release(PcrManifest.read(Files2.existingFile(m, "--manifest"))));
            }
            GeneratedKeyPolicy generated;
            try {
                generated = b.build().generate();
            } catch (KeyPolicyException e) {
                if (e.code() == KeyPolicyException.Code.LINT_FAILED) {
                    report(e.findings(), out, err);
                }
                throw e;
            }
            report(generated.findings(), out, err);
            KeyPolicyLinter.requireNoErrors(generated.findings());
            generated.write(output);
            out.println("Wrote " + output);
            out.print(generated.summary());
            out.flush();
            return Attested.OK;
        }
    }

    @Command(name = "lint", mixinStandardHelpOptions = true,
            description = "Lints an existing key policy; exit 1 when it has errors (it would not enforce attestation).")
    static final class Lint implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "POLICY", description = "The key policy (JSON).")
        Path policy;
        @Option(names = "--allow-debug-mode", description = "Accept all-zero (debug-mode) PCRs.")
        boolean allowDebugMode;

        @Override
        public Integer call() {
            KeyPolicy p = KeyPolicy.read(Files2.existingFile(policy, "POLICY"));
            boolean ok = report(linter(allowDebugMode).lint(p), spec.commandLine().getOut(), spec.commandLine().getErr());
            return ok ? Attested.OK : Attested.REJECTED;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluates scenarios (docs/kms-policy.md) "
            + "against a key policy; exit 1 when a scenario does not get the expected decision.")
    static final class Evaluate implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(index = "0", paramLabel = "POLICY", description = "The key policy (JSON).")
        Path policy;
        @Parameters(index = "1", paramLabel = "SCENARIOS", description = "The scenarios file.")
        Path scenarios;
        @Option(names = "--trust-anchor", paramLabel = "PEM",
                description = "Root certificate for the scenarios' attestation documents; default: AWS Root-G1.")
        Path trustAnchor;
        @Option(names = "--allow-debug-mode", description = "Accept all-zero (debug-mode) PCRs.")
        boolean allowDebugMode;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            KeyPolicy p = KeyPolicy.read(Files2.existingFile(policy, "POLICY"));
            AttestationVerifier.Builder v = AttestationVerifier.builder().atDocumentTime();
            if (trustAnchor != null) {
                v.trustAnchors(NitroRoots.read(Files2.existingFile(trustAnchor, "--trust-anchor")));
            }
            err.println("note: scenario documents are verified at their own timestamp (KMS itself also requires "
                    + "them to be fresh).");
            KeyPolicyEvaluator e = KeyPolicyEvaluator.withVerifier(p, v.build());
            List<EvaluationScenarios.Result> results = EvaluationScenarios.run(allowDebugMode ? e.allowingDebugMode() : e,
                    EvaluationScenarios.read(Files2.existingFile(scenarios, "SCENARIOS")));
            results.forEach(r -> (r.met() ? out : err).println(r.line()));
            boolean all = results.stream().allMatch(EvaluationScenarios.Result::met);
            (all ? out : err).println(results.stream().filter(EvaluationScenarios.Result::met).count() + " of "
                    + results.size() + " scenarios got the expected decision");
            out.flush();
            err.flush();
            return all ? Attested.OK : Attested.REJECTED;
        }
    }
}

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
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code attested kms-policy}: the kms-policy goal's three jobs (generate, lint, evaluate), without AWS calls. */
final class KmsPolicyCommand implements Runnable {
    private CommandSpec spec;

    static CommandSpec spec() {
        KmsPolicyCommand command = new KmsPolicyCommand();
        command.spec = Cli.withStandardHelp(Cli.command(command,
                "Generates a KMS key policy that enforces attestation, lints a policy, evaluates scenarios."));
        command.spec.addSubcommand("generate", Generate.spec());
        command.spec.addSubcommand("lint", Lint.spec());
        command.spec.addSubcommand("evaluate", Evaluate.spec());
        return command.spec;
    }

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

    /** The values of a repeatable option; empty when it was not given and has no default. */
    static <T> List<T> values(CommandSpec spec, String option) {
        List<T> values = Cli.value(spec, option);
        return values == null ? List.of() : values;
    }

    static KeyPolicyLinter linter(boolean allowDebugMode) {
        return allowDebugMode ? KeyPolicyLinter.allowingDebugMode() : new KeyPolicyLinter();
    }

    static final class Generate implements Callable<Integer> {
        private CommandSpec spec;

        static CommandSpec spec() {
            Generate command = new Generate();
            command.spec = Cli.command(command, "Generates the policy from PCR manifest(s) or the releases a PCR "
                    + "history accepts for an environment; writes it and kms-policy.txt beside it. Refused (exit 1, "
                    + "LINT_FAILED) when the policy would not enforce attestation.");
            return Cli.withStandardHelp(command.spec,
                    list(Cli.option("--manifest", "FILE", "PCR manifest(s): one attested statement per release "
                            + "(several for a rollout)."), Path.class),
                    Cli.option("--environment", "NAME",
                            "Use every release the PCR history accepts for this environment instead."),
                    Cli.option("--history", "FILE", "The PCR history for --environment (default: pcr-history.json).")
                            .type(Path.class).defaultValue("pcr-history.json"),
                    Cli.option("--account", "ID", "The key's account; default: the role's."),
                    Cli.option("--role-arn", "ARN", "The parent instance's IAM role ARN, with its path.")
                            .required(true),
                    list(Cli.option("--admins", "ARN", "Key administrator ARNs."), String.class),
                    list(Cli.option("--producers", "ARN",
                            "ARNs allowed kms:Encrypt and kms:GenerateDataKeyWithoutPlaintext."), String.class),
                    list(Cli.option("--actions", "ACTION", "Attested actions (default kms:Decrypt)."), String.class)
                            .defaultValue("kms:Decrypt"),
                    Cli.option("--pins", "PINS", "Measurements to pin: image, signer, role, instance (default image).")
                            .defaultValue("image"),
                    Cli.option("--instance-id", "ID", "Parent instance id for the instance pin."),
                    Cli.option("--signing-certificate", "PEM",
                            "The EIF signing certificate, for the signer pin (PCR8).").type(Path.class),
                    Cli.flag("--deny-guard-rail", "One Deny guard rail per pinned key (default true).").negatable(true)
                            .defaultValue("true").fallbackValue("true"),
                    Cli.flag("--allow-debug-mode", "Accept all-zero (debug-mode) PCRs. Development keys only."),
                    Cli.option("--templates", "DIR", "Edited templates; default: the bundled ones.").type(Path.class),
                    Cli.option("--output", "FILE", "Where the policy is written (default kms-policy.json); "
                            + "kms-policy.txt goes beside it.").type(Path.class).defaultValue("kms-policy.json"));
        }

        /** A repeatable option whose values may also be given comma-separated. */
        private static OptionSpec.Builder list(OptionSpec.Builder option, Class<?> element) {
            return option.type(List.class).auxiliaryTypes(element).splitRegex(",");
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            String environment = Cli.value(spec, "--environment");
            List<Path> manifests = values(spec, "--manifest");
            Path history = Cli.value(spec, "--history");
            Path signingCertificate = Cli.value(spec, "--signing-certificate");
            Path templates = Cli.value(spec, "--templates");
            Path output = Cli.value(spec, "--output");
            boolean hasEnvironment = environment != null && !environment.isBlank();
            if (hasEnvironment == !manifests.isEmpty()) {
                throw new Errors.Usage("name the releases to attest: --manifest FILE[,FILE...] or --environment NAME"
                        + " (one of the two)");
            }
            if (!hasEnvironment && spec.commandLine().getParseResult().hasMatchedOption("--history")) {
                throw new Errors.Usage("--history " + history + " is used only with --environment: name the environment "
                        + "whose releases the key may be released to, or leave --history out");
            }
            KeyPolicyGenerator.Builder b = KeyPolicyGenerator.builder()
                    .pins(MeasurementPin.parse(Cli.value(spec, "--pins"))).account(Cli.value(spec, "--account"))
                    .roleArn(Cli.value(spec, "--role-arn"))
                    .admins(values(spec, "--admins")).producers(values(spec, "--producers"))
                    .actions(values(spec, "--actions")).instanceId(Cli.value(spec, "--instance-id"))
                    .denyGuardRail(Cli.isSet(spec, "--deny-guard-rail"))
                    .allowDebugMode(Cli.isSet(spec, "--allow-debug-mode"))
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

    static final class Lint implements Callable<Integer> {
        private CommandSpec spec;

        static CommandSpec spec() {
            Lint command = new Lint();
            command.spec = Cli.command(command,
                    "Lints an existing key policy; exit 1 when it has errors (it would not enforce attestation).");
            command.spec.addPositional(Cli.parameter("1", "POLICY", "The key policy (JSON).").type(Path.class).build());
            return Cli.withStandardHelp(command.spec,
                    Cli.flag("--allow-debug-mode", "Accept all-zero (debug-mode) PCRs."));
        }

        @Override
        public Integer call() {
            KeyPolicy p = KeyPolicy.read(Files2.existingFile(Cli.parameter(spec, 0), "POLICY"));
            boolean ok = report(linter(Cli.isSet(spec, "--allow-debug-mode")).lint(p), spec.commandLine().getOut(),
                    spec.commandLine().getErr());
            return ok ? Attested.OK : Attested.REJECTED;
        }
    }

    static final class Evaluate implements Callable<Integer> {
        private CommandSpec spec;

        static CommandSpec spec() {
            Evaluate command = new Evaluate();
            command.spec = Cli.command(command, "Evaluates scenarios (docs/kms-policy.md) against a key policy; exit "
                    + "1 when a scenario does not get the expected decision.");
            command.spec.addPositional(Cli.parameter("1", "POLICY", "The key policy (JSON).").index("0")
                    .type(Path.class).build());
            command.spec.addPositional(Cli.parameter("1", "SCENARIOS", "The scenarios file.").index("1")
                    .type(Path.class).build());
            return Cli.withStandardHelp(command.spec,
                    Cli.option("--trust-anchor", "PEM", "Root certificate for the scenarios' attestation documents; "
                            + "default: AWS Root-G1.").type(Path.class),
                    Cli.flag("--allow-debug-mode", "Accept all-zero (debug-mode) PCRs."));
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            KeyPolicy p = KeyPolicy.read(Files2.existingFile(Cli.parameter(spec, 0), "POLICY"));
            Path trustAnchor = Cli.value(spec, "--trust-anchor");
            AttestationVerifier.Builder v = AttestationVerifier.builder().atDocumentTime();
            if (trustAnchor != null) {
                v.trustAnchors(NitroRoots.read(Files2.existingFile(trustAnchor, "--trust-anchor")));
            }
            err.println("note: scenario documents are verified at their own timestamp (KMS itself also requires "
                    + "them to be fresh).");
            KeyPolicyEvaluator e = KeyPolicyEvaluator.withVerifier(p, v.build());
            List<EvaluationScenarios.Result> results = EvaluationScenarios.run(
                    Cli.isSet(spec, "--allow-debug-mode") ? e.allowingDebugMode() : e,
                    EvaluationScenarios.read(Files2.existingFile(Cli.parameter(spec, 1), "SCENARIOS")));
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

package dev.attested.cli;

import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.VerificationReport;
import dev.attested.attestation.VerificationOptions;
import dev.attested.attestation.VerificationRequest;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code attested verify}: the verify goal's checks and report, from a file, a directory or standard input. */
final class VerifyCommand implements Callable<Integer> {
    private CommandSpec spec;

    static CommandSpec spec() {
        VerifyCommand command = new VerifyCommand();
        command.spec = Cli.command(command, "Verifies Nitro Enclaves attestation documents (base64, hex or raw "
                + "CBOR): COSE signature, certificate chain to the AWS root, time, debug mode and the expected image, "
                + "nonce, user_data, public_key. The last line says 'verified: true' or 'verified: false (<CODE>)'.",
                "An expected image is required: --manifest, --pcrs or --environment, or --any-image to say out "
                + "loud that the image is not checked.");
        command.spec.addPositional(Cli.parameter("0..1", "FILE|DIR|-",
                "A document, a directory of documents, or - for standard input (the default).").build());
        return Cli.withStandardHelp(command.spec,
                Cli.option("--at", "now|document|INSTANT", "Verification time: now (default), document (each "
                        + "document's own timestamp: no replay protection) or an ISO-8601 instant.")
                        .defaultValue("now"),
                Cli.option("--max-age", "DURATION",
                        "Maximum document age with --at now: 5m, 30s, 2h, 1d or ISO-8601 (PT5M); default 5 minutes."),
                Cli.option("--root", "PEM", "Trusted root certificate(s); default: the bundled AWS Nitro Enclaves "
                        + "Root-G1.").type(Path.class),
                Cli.option("--pcrs", "0:HEX,...", "Expected PCRs; overrides the manifest."),
                Cli.option("--manifest", "FILE", "pcr-manifest.json whose PCRs are expected.").type(Path.class),
                Cli.option("--environment", "NAME", "Accept any release the PCR history accepts for this environment."),
                Cli.option("--history", "FILE", "The PCR history for --environment (default: pcr-history.json).")
                        .type(Path.class).defaultValue("pcr-history.json"),
                Cli.option("--nonce", "HEX|BASE64", "Expected nonce."),
                Cli.option("--user-data", "HEX|BASE64", "Expected user_data."),
                Cli.option("--public-key", "HEX|BASE64", "Expected public_key."),
                Cli.flag("--allow-debug-mode", "Accept documents of debug-mode enclaves (PCR0/1/2 zero)."),
                Cli.flag("--any-image", "Accept documents of ANY enclave image: the PCRs are not checked. "
                        + "Never for key release."),
                Cli.flag("--json", "Print the JSON report (the verify goal's) instead of the summary."));
    }

    /** The clock behind --at now. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String input = Cli.parameter(spec, 0);
        String at = Cli.value(spec, "--at");
        Path history = Cli.value(spec, "--history");
        Path manifest = Cli.value(spec, "--manifest");
        Path root = Cli.value(spec, "--root");
        boolean anyImage = Cli.isSet(spec, "--any-image");
        boolean allowDebugMode = Cli.isSet(spec, "--allow-debug-mode");
        VerificationRequest request;
        List<Path> files;
        try {
            if (spec.commandLine().getParseResult().hasMatchedOption("--history")) {
                Files2.existing(history, "--history"); // a history named on the command line is never ignored
            }
            request = VerificationRequest.builder()
                    .manifest(manifest == null ? null : Files2.existing(manifest, "--manifest"))
                    .history(history).environment(Cli.value(spec, "--environment"))
                    .pcrs(VerificationOptions.pcrs(Cli.value(spec, "--pcrs"))).anyImage(anyImage)
                    .nonce(VerificationOptions.bytes("--nonce", Cli.value(spec, "--nonce")))
                    .userData(VerificationOptions.bytes("--user-data", Cli.value(spec, "--user-data")))
                    .publicKey(VerificationOptions.bytes("--public-key", Cli.value(spec, "--public-key")))
                    .trustAnchors(root == null ? null : Files2.existing(root, "--root"))
                    .time(VerificationOptions.time(at))
                    .maxAge(VerificationOptions.duration("--max-age", Cli.value(spec, "--max-age")))
                    .allowDebugMode(allowDebugMode).clock(clock).build();
            files = input == null || input.equals("-") ? List.of(Path.of("/dev/stdin"))
                    : AttestationDocuments.list(Path.of(input));
        } catch (RuntimeException e) {
            // Nothing was verified: the command line or a named input is wrong.
            err.println("attested: " + Errors.message(e));
            return Attested.USAGE;
        }
        if (request.expectations().anyImage()) {
            err.println("warning: --any-image: documents of ANY enclave image are accepted; the PCRs are not "
                    + "checked. Never release a key on the strength of this verification.");
        }
        if (allowDebugMode) {
            err.println("warning: --allow-debug-mode: documents of debug-mode enclaves (readable by the parent) "
                    + "are accepted.");
        }
        if ("document".equalsIgnoreCase(at.strip())) {
            err.println("warning: verifying at each document's own timestamp: this proves the document was genuine "
                    + "when made, not that it is fresh (no replay protection).");
        }
        VerificationReport report = VerificationReport.verify(request, files, clock);
        if (Cli.isSet(spec, "--json")) {
            out.print(new String(report.toJson(), StandardCharsets.UTF_8));
            out.println();
        } else {
            report.summary().forEach(out::println);
            out.println(report.allOk() ? "verified: true" : "verified: false (" + firstCode(report) + ")");
        }
        out.flush();
        return report.allOk() ? Attested.OK : Attested.REJECTED;
    }

    private static String firstCode(VerificationReport report) {
        return report.results().stream().filter(r -> r.verdict() == VerificationReport.Verdict.REJECTED)
                .map(r -> String.valueOf(r.code())).findFirst().orElse("UNKNOWN");
    }
}

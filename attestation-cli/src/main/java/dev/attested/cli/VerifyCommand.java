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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code attested verify}: the verify goal's checks and report, from a file, a directory or standard input. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verifies Nitro Enclaves attestation documents (base64, hex or raw CBOR): COSE signature, "
                + "certificate chain to the AWS root, time, debug mode and the expected image, nonce, user_data, "
                + "public_key. The last line says 'verified: true' or 'verified: false (<CODE>)'.",
                "An expected image is required: --manifest, --pcrs or --environment, or --any-image to say out "
                + "loud that the image is not checked."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE|DIR|-",
            description = "A document, a directory of documents, or - for standard input (the default).")
    String input;

    @Option(names = "--at", defaultValue = "now", paramLabel = "now|document|INSTANT",
            description = "Verification time: now (default), document (each document's own timestamp: no replay "
                    + "protection) or an ISO-8601 instant.")
    String at;

    @Option(names = "--max-age", paramLabel = "DURATION",
            description = "Maximum document age with --at now: 5m, 30s, 2h, 1d or ISO-8601 (PT5M); default 5 minutes.")
    String maxAge;

    @Option(names = "--root", paramLabel = "PEM", description = "Trusted root certificate(s); default: the bundled "
            + "AWS Nitro Enclaves Root-G1.")
    Path root;

    @Option(names = "--pcrs", paramLabel = "0:HEX,...", description = "Expected PCRs; overrides the manifest.")
    String pcrs;

    @Option(names = "--manifest", paramLabel = "FILE", description = "pcr-manifest.json whose PCRs are expected.")
    Path manifest;

    @Option(names = "--environment", paramLabel = "NAME",
            description = "Accept any release the PCR history accepts for this environment.")
    String environment;

    @Option(names = "--history", defaultValue = "pcr-history.json", paramLabel = "FILE",
            description = "The PCR history for --environment (default: pcr-history.json).")
    Path history;

    @Option(names = "--nonce", paramLabel = "HEX|BASE64", description = "Expected nonce.")
    String nonce;

    @Option(names = "--user-data", paramLabel = "HEX|BASE64", description = "Expected user_data.")
    String userData;

    @Option(names = "--public-key", paramLabel = "HEX|BASE64", description = "Expected public_key.")
    String publicKey;

    @Option(names = "--allow-debug-mode", description = "Accept documents of debug-mode enclaves (PCR0/1/2 zero).")
    boolean allowDebugMode;

    @Option(names = "--any-image", description = "Accept documents of ANY enclave image: the PCRs are not checked. "
            + "Never for key release.")
    boolean anyImage;

    @Option(names = "--json", description = "Print the JSON report (the verify goal's) instead of the summary.")
    boolean json;

    /** The clock behind --at now. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VerificationRequest request;
        List<Path> files;
        try {
            if (spec.commandLine().getParseResult().hasMatchedOption("--history")) {
                Files2.existing(history, "--history"); // a history named on the command line is never ignored
            }
            request = VerificationRequest.builder()
                    .manifest(manifest == null ? null : Files2.existing(manifest, "--manifest"))
                    .history(history).environment(environment).pcrs(VerificationOptions.pcrs(pcrs)).anyImage(anyImage)
                    .nonce(VerificationOptions.bytes("--nonce", nonce))
                    .userData(VerificationOptions.bytes("--user-data", userData))
                    .publicKey(VerificationOptions.bytes("--public-key", publicKey))
                    .trustAnchors(root == null ? null : Files2.existing(root, "--root"))
                    .time(VerificationOptions.time(at)).maxAge(VerificationOptions.duration("--max-age", maxAge))
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
        if (json) {
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

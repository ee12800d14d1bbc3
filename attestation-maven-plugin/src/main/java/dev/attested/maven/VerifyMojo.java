package dev.attested.maven;

import dev.attested.GeneralError;
import dev.attested.GeneralException;
import dev.attested.OutputFiles;
import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.VerificationReport;
import dev.attested.attestation.VerificationRequest;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Verifies Nitro Enclaves attestation documents: signature, certificate chain to the AWS root (or {@code root}),
 * time, debug mode and the expected image (PCRs of the project's manifest, a named manifest, {@code pcrs} or the
 * releases of an environment), nonce, user_data and public_key. Prints a summary, writes a JSON report and fails
 * the build with the error code of any rejected document. Without an expected image it refuses to run unless
 * {@code attestation.anyImage} waives the image check.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class VerifyMojo extends AbstractMojo {

    /** A document file (base64, hex or raw CBOR, detected automatically) or a directory of such files. */
    @Parameter(property = "doc", required = true)
    File doc;

    /**
     * PCR manifest whose PCRs are expected; it must exist ({@code MANIFEST_NOT_FOUND} otherwise). When not set,
     * ${project.build.directory}/attestation/pcr-manifest.json is expected, and the goal refuses to run
     * without it unless {@code pcrs}, {@code environment} or {@code attestation.anyImage} says what to expect.
     */
    @Parameter(property = "manifest")
    File manifest;

    /** The project's build directory, where the default manifest lives ({@code target} under the base directory without a project). */
    @Parameter(defaultValue = "${project.build.directory}", readonly = true)
    File buildDirectory;

    /**
     * Accept documents of any enclave image: the PCRs are NOT checked, and every verdict line says so. Unsafe for
     * key release; for inspecting documents. Refused together with {@code pcrs}, {@code environment} or
     * {@code manifest}.
     */
    @Parameter(property = "attestation.anyImage", defaultValue = "false")
    boolean anyImage;

    /** Expected PCRs as {@code 0:hex,1:hex,...}; overrides the manifest. */
    @Parameter(property = "pcrs")
    String pcrs;

    /**
     * Accept a document that matches any release the PCR history accepts for this environment (e.g. prod);
     * overrides the manifest, overridden by {@code pcrs}.
     */
    @Parameter(property = "environment")
    String environment;

    /** The PCR history ({@code pcr-history.json}, written by {@code attestation:release}). */
    @Parameter(property = "attestation.history", defaultValue = "${project.basedir}/pcr-history.json")
    File history;

    /** Expected nonce (hex or base64). */
    @Parameter(property = "nonce")
    String nonce;

    /** Expected user_data (hex or base64). */
    @Parameter(property = "userData")
    String userData;

    /** Expected public_key (hex or base64). */
    @Parameter(property = "publicKey")
    String publicKey;

    /** PEM file with the trusted root certificate(s); default: the bundled AWS Nitro Enclaves Root-G1. */
    @Parameter(property = "root")
    File root;

    /** {@code now}, {@code document} (each document's own timestamp: no replay protection) or an ISO-8601 instant. */
    @Parameter(property = "at", defaultValue = "now")
    String at;

    /** Maximum document age with {@code at=now}, as an ISO-8601 duration. */
    @Parameter(property = "maxAge", defaultValue = "PT5M")
    String maxAge;

    /** Accept documents of enclaves started with --debug-mode (PCR0/1/2 zero). For development only. */
    @Parameter(property = "allowDebugMode", defaultValue = "false")
    boolean allowDebugMode;

    /** Where the JSON report is written. */
    @Parameter(property = "report", defaultValue = "${project.build.directory}/attestation/verify-report.json")
    File report;

    /** Skip this goal. */
    @Parameter(property = "attestation.verify.skip", defaultValue = "false")
    boolean skip;

    /** Base for the default report and manifest paths when Maven runs without a project. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    File basedir;

    /** The clock behind {@code at=now}; replaced in tests. */
    Clock clock = Clock.systemUTC();

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::verify);
    }

    private void verify() throws Exception {
        if (skip) {
            getLog().info("attestation:verify skipped");
            return;
        }
        if (doc == null) {
            throw new GeneralException(GeneralError.INVALID_ARGUMENT,
                    "Set -Ddoc=<file or directory> with the attestation document(s) to verify.");
        }
        // Without a project, ${project.build.directory} stays unresolved: fall back to ./target.
        File defaultManifest = new File(orDefault(buildDirectory, "target"), "attestation/pcr-manifest.json");
        report = orDefault(report, "target/attestation/verify-report.json");
        history = orDefault(history, "pcr-history.json");
        VerificationRequest request = VerificationRequest.builder()
                .manifest(manifest == null ? null : orDefault(manifest, "target/attestation/pcr-manifest.json").toPath())
                .defaultManifest(defaultManifest.toPath())
                .history(history.toPath()).environment(environment).pcrs(pcrs).anyImage(anyImage)
                .nonce(nonce).userData(userData).publicKey(publicKey)
                .root(root == null ? null : root.toPath()).at(at).maxAge(maxAge).allowDebugMode(allowDebugMode)
                .clock(clock).build();
        List<Path> files = AttestationDocuments.list(doc.toPath());
        if (request.expectations().anyImage()) {
            getLog().warn("attestation.anyImage is set: documents of ANY enclave image are accepted; the PCRs are not "
                    + "checked. Never release a key on the strength of this verification.");
            request.ignoredDefaultManifest().ifPresent(p -> getLog().warn("The project's manifest " + p
                    + " is present but not used because attestation.anyImage is set."));
        } else {
            getLog().info("Expecting the PCRs of " + request.imageDescription());
        }
        if (allowDebugMode) {
            getLog().warn("allowDebugMode is set: documents of debug-mode enclaves (readable by the parent) are accepted.");
        }
        if ("document".equalsIgnoreCase(at == null ? "" : at.strip())) {
            getLog().warn("Verifying at each document's own timestamp: this proves the document was genuine when made, "
                    + "not that it is fresh (no replay protection).");
        }
        VerificationReport result = VerificationReport.verify(request, files, clock);
        for (String line : result.summary()) {
            getLog().info(line);
        }
        Path reportPath = report.toPath();
        OutputFiles.write(reportPath, result.toJson());
        getLog().info("Report: " + reportPath);
        if (!result.allOk()) {
            StringBuilder sb = new StringBuilder();
            result.results().stream().filter(r -> r.verdict() == VerificationReport.Verdict.REJECTED && r.code() != null)
                    .findFirst().ifPresent(r -> sb.append(r.code()).append(": "));
            sb.append(result.rejectedCount()).append(" of ").append(result.results().size())
                    .append(" attestation document(s) rejected");
            for (VerificationReport.Result r : result.results()) {
                if (r.verdict() == VerificationReport.Verdict.REJECTED) {
                    sb.append(System.lineSeparator()).append("  ").append(r.file()).append(": ").append(r.message());
                }
            }
            throw new MojoFailureException(sb.toString());
        }
    }

    private File orDefault(File configured, String relative) {
        if (configured != null && !configured.getPath().contains("${")) {
            return configured;
        }
        File base = basedir != null && !basedir.getPath().contains("${") ? basedir : new File(System.getProperty("user.dir"));
        return new File(base, relative);
    }
}

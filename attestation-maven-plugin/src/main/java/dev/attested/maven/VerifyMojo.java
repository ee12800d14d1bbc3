package dev.attested.maven;

import dev.attested.GeneralError;
import dev.attested.GeneralException;
import dev.attested.OutputFiles;
import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.VerificationReport;
import dev.attested.attestation.VerificationOptions;
import dev.attested.attestation.VerificationRequest;
import dev.attested.pcr.PcrHistoryException;
import dev.attested.pcr.PcrManifestException;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.maven.execution.MavenSession;
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

    /**
     * A document file (base64, hex or raw CBOR, detected automatically), a directory of such files, or
     * /dev/stdin. The user property is the short doc (-Ddoc=...).
     */
    @Parameter(property = "doc", required = true)
    File doc;

    /**
     * PCR manifest whose PCRs are expected; it must exist (MANIFEST_NOT_FOUND otherwise). When not set,
     * ${project.build.directory}/attestation/pcr-manifest.json is expected, and the goal refuses to run
     * without it unless pcrs, environment or anyImage says what to expect.
     */
    @Parameter(property = "attestation.manifest")
    File manifest;

    /** The project's build directory, where the default manifest lives ({@code target} under the base directory without a project). */
    @Parameter(defaultValue = "${project.build.directory}", readonly = true)
    File buildDirectory;

    /**
     * Accept documents of any enclave image: the PCRs are NOT checked, and every verdict line says so. Unsafe for
     * key release; for inspecting documents. Refused together with pcrs, environment or manifest.
     */
    @Parameter(property = "attestation.anyImage", defaultValue = "false")
    boolean anyImage;

    /** Expected PCRs as 0:hex,1:hex,... (96 hex digits each); overrides environment and the manifest. */
    @Parameter(property = "attestation.pcrs")
    String pcrs;

    /**
     * Accept a document that matches any release the PCR history accepts for this environment (e.g. prod);
     * overrides the manifest, overridden by pcrs.
     */
    @Parameter(property = "attestation.environment")
    String environment;

    /** The PCR history (pcr-history.json, written by the release goal). */
    @Parameter(property = "attestation.history", defaultValue = "${project.basedir}/pcr-history.json")
    File history;

    /** Expected nonce: hex or base64 (prefix hex: or base64: to choose). */
    @Parameter(property = "attestation.nonce")
    String nonce;

    /** Expected user_data: hex or base64 (prefix hex: or base64: to choose). */
    @Parameter(property = "attestation.userData")
    String userData;

    /** Expected public_key: hex or base64 (prefix hex: or base64: to choose). */
    @Parameter(property = "attestation.publicKey")
    String publicKey;

    /** PEM file with the trusted root certificate(s); default: the bundled AWS Nitro Enclaves Root-G1. */
    @Parameter(property = "attestation.trustAnchor")
    File trustAnchor;

    /** now, document (each document's own timestamp: no replay protection) or an ISO-8601 instant. */
    @Parameter(property = "attestation.at", defaultValue = "now")
    String at;

    /** Maximum document age with at=now, such as 5m, 30s or PT5M; default 5 minutes. */
    @Parameter(property = "attestation.maxAge")
    String maxAge;

    /** Accept documents of enclaves started with --debug-mode (PCR0/1/2 zero). For development only. */
    @Parameter(property = "attestation.allowDebugMode", defaultValue = "false")
    boolean allowDebugMode;

    /** Where the JSON report is written. */
    @Parameter(property = "attestation.verifyReport", defaultValue = "${project.build.directory}/attestation/verify-report.json")
    File verifyReport;

    /** Skip this goal. */
    @Parameter(property = "attestation.verify.skip", defaultValue = "false")
    boolean skip;

    /** Base for the default report and manifest paths when Maven runs without a project. */
    @Parameter(defaultValue = "${basedir}", readonly = true)
    File basedir;

    /** The Maven session, for the user properties of earlier versions (read-only). */
    @Parameter(defaultValue = "${session}", readonly = true)
    MavenSession session;

    /** The image options as this goal spells them, after the core's option names. */
    static final String MAVEN_IMAGE_OPTIONS = " In Maven: -Dattestation.manifest=<file>, -Dattestation.pcrs=0:<hex>,..., "
            + "-Dattestation.environment=<name>, or -Dattestation.anyImage=true.";

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
        RenamedProperties.warn(session == null ? null : session.getUserProperties(), getLog(), "verify", RenamedProperties.VERIFY);
        // Without a project, ${project.build.directory} stays unresolved: fall back to ./target.
        File defaultManifest = new File(orDefault(buildDirectory, "target"), "attestation/pcr-manifest.json");
        File report = orDefault(verifyReport, "target/attestation/verify-report.json");
        File historyFile = orDefault(history, "pcr-history.json");
        File defaultHistory = orDefault(null, "pcr-history.json");
        if (!historyFile.getAbsoluteFile().toPath().normalize().equals(defaultHistory.getAbsoluteFile().toPath().normalize())
                && !historyFile.exists()) {
            // A history named by the user must exist, used (environment) or not: a mistyped path is never ignored.
            throw new PcrHistoryException(PcrHistoryException.Code.HISTORY_NOT_FOUND, "no PCR history at " + historyFile
                    + ", which {history} names. Name an existing pcr-history.json, or leave {history} unset.");
        }
        VerificationRequest request;
        List<Path> files;
        try {
            request = VerificationRequest.builder()
                    .manifest(manifest == null ? null : orDefault(manifest, "target/attestation/pcr-manifest.json").toPath())
                    .defaultManifest(defaultManifest.toPath())
                    .history(historyFile.toPath()).environment(environment)
                    .pcrs(VerificationOptions.pcrs(pcrs)).anyImage(anyImage)
                    .nonce(VerificationOptions.bytes("nonce", nonce))
                    .userData(VerificationOptions.bytes("userData", userData))
                    .publicKey(VerificationOptions.bytes("publicKey", publicKey))
                    .trustAnchors(trustAnchor == null ? null : trustAnchor.toPath())
                    .time(VerificationOptions.time(at)).maxAge(VerificationOptions.duration("maxAge", maxAge))
                    .allowDebugMode(allowDebugMode).clock(clock).build();
            files = AttestationDocuments.list(doc.toPath());
        } catch (PcrManifestException e) {
            if (e.code() == PcrManifestException.Code.MANIFEST_NOT_FOUND && manifest == null) {
                throw new PcrManifestException(e.code(), e.detail() + "." + MAVEN_IMAGE_OPTIONS, e);
            }
            throw e;
        }
        request.warnings().forEach(getLog()::warn);
        if (!request.expectations().anyImage()) {
            getLog().info("Expecting the PCRs of " + request.imageDescription());
        }
        VerificationReport result = VerificationReport.verify(request, files, clock);
        for (String line : result.summary()) {
            getLog().info(line);
        }
        Path reportPath = report.toPath();
        result.write(reportPath);
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

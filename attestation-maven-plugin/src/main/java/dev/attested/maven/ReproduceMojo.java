package dev.attested.maven;

import dev.attested.OutputFiles;
import dev.attested.enclave.BuildException;
import dev.attested.eif.EifException;
import dev.attested.pcr.PcrManifestException;
import dev.attested.pcr.PcrManifest;
import dev.attested.release.BuildManifest;
import dev.attested.release.ReleaseException;
import dev.attested.release.ReproduceComparison;
import dev.attested.release.Reproduction;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.rtinfo.RuntimeInformation;

/**
 * Rebuilds the checked-out source with the inputs a published release recorded and compares the result with its
 * PCR manifest: PCR by PCR, EIF SHA-256 and every recorded input. Fails when any PCR differs.
 */
@Mojo(name = "reproduce", threadSafe = true, aggregator = false)
public class ReproduceMojo extends AbstractMojo {

    /** The published {@code pcr-manifest.json} to reproduce. */
    @Parameter(property = "attestation.manifest", required = true)
    private File manifest;

    /** The published build manifest; default: {@code build-manifest.json} next to {@code manifest}, if there. */
    @Parameter(property = "attestation.buildManifest")
    private File buildManifest;

    /** Boot blobs for the rebuild (passed on as {@code -Dattestation.blobs}); default: what the build uses. */
    @Parameter(property = "attestation.blobs")
    private String blobs;

    /**
     * The release's signing key (PEM), with {@code signingCertificate}: the rebuild is signed with them, so its EIF
     * can be compared byte for byte with the released one (signatures are deterministic, RFC 6979).
     */
    @Parameter(property = "attestation.signingKey")
    private File signingKey;

    /** The release's signing certificate (PEM), with {@code signingKey}. */
    @Parameter(property = "attestation.signingCertificate")
    private File signingCertificate;

    /** Goals the rebuild runs. */
    @Parameter(property = "attestation.reproduce.goals", defaultValue = "package")
    private List<String> goals;

    /** More arguments for the rebuild (comma-separated), e.g. {@code -Dattestation.maxImageBytes=17179869184}. */
    @Parameter(property = "attestation.reproduce.args")
    private List<String> arguments;

    /** Maven launcher for the rebuild; default: the checkout's {@code mvnw}, else the running Maven. */
    @Parameter(property = "attestation.reproduce.maven")
    private String mavenExecutable;

    /** Where the checkout is copied and rebuilt. */
    @Parameter(property = "attestation.reproduce.directory", defaultValue = "${project.build.directory}/attestation/reproduce")
    private File workDirectory;

    /** Manifest the rebuild writes, relative to the rebuilt module. */
    @Parameter(property = "attestation.reproduce.rebuiltManifest", defaultValue = "target/attestation/pcr-manifest.json")
    private String rebuiltManifest;

    /** The JSON report. */
    @Parameter(property = "attestation.reproduce.report", defaultValue = "${project.build.directory}/attestation/reproduce-report.json")
    private File report;

    /** Minutes the rebuild may take. */
    @Parameter(property = "attestation.reproduce.timeout", defaultValue = "60")
    private long timeoutMinutes;

    /** Skip this goal (the rebuild itself always runs with it set). */
    @Parameter(property = "attestation.reproduce.skip", defaultValue = "false")
    private boolean skip;

    /** The project whose release is reproduced (read-only). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** The Maven session, whose settings the rebuild reuses (read-only). */
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    /** This plugin's descriptor, for its version (read-only). */
    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    private final RuntimeInformation runtime;

    @Inject
    public ReproduceMojo(RuntimeInformation runtime) {
        this.runtime = runtime;
    }

    /**
     * The comparison table, causes and notes, with the options they name as a Maven user sets them
     * ({@code -Dattestation.signingKey=…}, not the library's neutral {@code signingKey=…}).
     */
    static void logComparison(Log log, ReproduceComparison result) {
        for (String line : result.render(MavenOptions.RENDERER).split("\n")) {
            if (result.pcrsMatch()) {
                log.info(line);
            } else {
                log.error(line);
            }
        }
    }

    /** {@code -Dattestation.signingKey/-Certificate} for the rebuild: both or neither, existing files, absolute. */
    static List<String> signingArguments(File signingKey, File signingCertificate) {
        List<String> args = new ArrayList<>();
        if (signingKey == null && signingCertificate == null) {
            return args;
        }
        if (signingKey == null || signingCertificate == null) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, "signing the rebuild needs both"
                    + " -Dattestation.signingKey and -Dattestation.signingCertificate (or neither)");
        }
        if (!signingKey.isFile()) {
            throw new EifException(EifException.Code.EIF_SIGNING_KEY_INVALID, "the signing key file " + signingKey
                    + " does not exist");
        }
        if (!signingCertificate.isFile()) {
            throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID, "the signing certificate file "
                    + signingCertificate + " does not exist");
        }
        args.add("-Dattestation.signingKey=" + signingKey.getAbsolutePath());
        args.add("-Dattestation.signingCertificate=" + signingCertificate.getAbsolutePath());
        return args;
    }

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::reproduce);
    }

    private void reproduce() throws Exception {
        if (skip) {
            getLog().info("reproduce skipped");
            return;
        }
        // The published side is read and checked before the (long) rebuild.
        Reproduction.Published published = Reproduction.Published.read(manifest.toPath(),
                buildManifest == null ? null : buildManifest.toPath());
        List<String> extra = signingArguments(signingKey, signingCertificate);
        if (arguments != null) {
            extra.addAll(arguments);
        }
        ReleaseInputs inputs = new ReleaseInputs(project, session, runtime, plugin.getVersion());
        Path copy = workDirectory.toPath().resolve("src");
        String module = inputs.modulePath();
        List<String> command = ReproduceBuild.run(new ReproduceBuild.Request(inputs.rootDirectory(), copy,
                mavenExecutable, ReproduceBuild.arguments(session, published.manifest().outputTimestamp(), module, goals, blobs, extra), workDirectory.toPath().resolve("build.log"),
                timeoutMinutes));
        getLog().info("Rebuilt with: " + String.join(" ", command));
        Reproduction reproduction = Reproduction.compare(published, copy.resolve(module).resolve(rebuiltManifest),
                inputs.buildInputs(), project.getBasedir().toPath(), report.toPath());
        ReproduceComparison result = reproduction.comparison();
        logComparison(getLog(), result);
        getLog().info("Report: " + report);
        if (signingKey != null && result.pcrsMatch()) {
            if (result.eifIdentical()) {
                getLog().info("Signed with the release's key, the rebuilt EIF is byte-identical to the release.");
            } else {
                getLog().warn("Signed with the given key, the rebuilt EIF still differs from the release in"
                        + " unmeasured bytes (metadata or signature section): see the report.");
            }
        }
        reproduction.requireReproduced();
    }
}

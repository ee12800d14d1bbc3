package dev.attested.maven;

import dev.attested.pcr.PcrHistoryException;
import dev.attested.pcr.PcrManifestException;
import dev.attested.release.Release;
import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import dev.attested.release.BuildManifest;
import dev.attested.release.ReleaseBundle;
import dev.attested.release.ReleaseException;
import dev.attested.release.WorkingTree;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.rtinfo.RuntimeInformation;

/**
 * Writes the release bundle for the EIF that {@code build-eif} produced (target/attestation/release/${project.version}/:
 * EIF, PCR manifest, KMS policy, build manifest, in-toto/SLSA provenance, REPRODUCE.md, SHA256SUMS) and, with
 * {@code -Dattestation.environment} (e.g. {@code -Dattestation.environment=prod}), records the release as accepted for that environment in
 * {@code pcr-history.json}.
 *
 * <p>Refuses, before writing anything: a project without {@code project.build.outputTimestamp}, a working tree with
 * uncommitted changes to tracked files (unless {@code allowDirty}), a different bundle already released under this
 * version, and a KMS policy that pins another image. Rerunning it for an unchanged build changes nothing.
 */
@Mojo(name = "release", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class ReleaseMojo extends AbstractMojo {

    /** The PCR manifest written by build-eif. */
    @Parameter(property = "attestation.manifest", defaultValue = "${project.build.directory}/attestation/pcr-manifest.json")
    File manifest;

    /** The EIF; default: the file the manifest names, next to the manifest. */
    @Parameter(property = "attestation.eif")
    File eif;

    /** Where bundles are written (one sub-directory per version). */
    @Parameter(property = "attestation.releaseDirectory", defaultValue = "${project.build.directory}/attestation/release")
    File releaseDirectory;

    /**
     * A key policy to ship (from the kms-policy goal); it must pin this release's measurements. When not set,
     * ${project.build.directory}/attestation/kms-policy.json is shipped if it exists, else a template with
     * placeholders. A file named here that does not exist is an error.
     */
    @Parameter(property = "attestation.kmsPolicy")
    File kmsPolicy;

    /** Environment to accept this release for in the PCR history (e.g. dev, staging, prod); none by default. */
    @Parameter(property = "attestation.environment")
    String environment;

    /** The PCR history file (commit it with your source). */
    @Parameter(property = "attestation.history", defaultValue = "${project.basedir}/pcr-history.json")
    File history;

    /** Versions to retire from {@code environment} once this release is accepted (comma-separated). */
    @Parameter(property = "attestation.retire")
    List<String> retire;

    /**
     * Release even though tracked files differ from the commit (or no commit can be named). The build manifest
     * ({@code source.dirty}) and REPRODUCE.md then say that the release is not reproducible from the commit.
     */
    @Parameter(property = "attestation.allowDirty", defaultValue = "false")
    boolean allowDirty;

    /** Skip this goal. */
    @Parameter(property = "attestation.release.skip", defaultValue = "false")
    boolean skip;

    /** Maven's reproducible-builds timestamp; a release needs it (maven-jar-plugin uses it for the jar entries). */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    String outputTimestamp;

    /** The project being released (read-only). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;

    /** The Maven session (read-only). */
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    MavenSession session;

    /** This plugin's descriptor, for its version (read-only). */
    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    PluginDescriptor plugin;

    private final RuntimeInformation runtime;

    @Inject
    public ReleaseMojo(RuntimeInformation runtime) {
        this.runtime = runtime;
    }

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::release);
    }

    private void release() throws Exception {
        if (skip) {
            getLog().info("release skipped");
            return;
        }
        Release.PolicyChoice policy = kmsPolicy != null ? new Release.PolicyChoice.Named(kmsPolicy.toPath())
                : new Release.PolicyChoice.DefaultLocation(
                        Path.of(project.getBuild().getDirectory(), "attestation", ReleaseBundle.POLICY_FILE));
        Release.HistoryUpdate historyUpdate = environment == null || environment.isBlank() ? null
                : new Release.HistoryUpdate(environment, history.toPath(), retire);
        ReleaseInputs inputs = new ReleaseInputs(project, session, runtime, plugin.getVersion());
        Release.Result result = Release.run(new Release.Request(manifest.toPath(), eif == null ? null : eif.toPath(),
                outputTimestamp, project.getBasedir().toPath(), allowDirty, inputs.buildInputs(), policy,
                releaseDirectory.toPath(), historyUpdate));
        log(result);
    }

    private void log(Release.Result result) {
        WorkingTree tree = result.source();
        if (tree.dirty()) {
            getLog().warn("Releasing with -Dattestation.allowDirty=true: " + tree.describe()
                    + ". build-manifest.json and REPRODUCE.md say so.");
        } else {
            getLog().info("Source: " + tree.describe());
        }
        result.warnings().stream().filter(w -> w.kind() == Release.Warning.Kind.UNTRACKED_FILES)
                .forEach(w -> getLog().warn(w.message()));
        ReleaseBundle bundle = result.bundle();
        if (bundle.created()) {
            getLog().info("Release bundle " + bundle.directory());
        } else {
            getLog().info("Release bundle " + bundle.directory() + " already holds this release (same PCRs): "
                    + "kept unchanged.");
            if (!bundle.differences().isEmpty()) {
                getLog().info("  This build differs from it only in " + String.join(", ", bundle.differences())
                        + " (e.g. another commit with the same image, or a new EIF signature); the published "
                        + "files stay as they are.");
            }
        }
        bundle.sums().forEach((name, sha) -> getLog().info("  " + sha + "  " + name));
        if (result.shippedTemplate()) {
            getLog().info("No kms-policy.json found: shipped kms-policy-template.json with placeholders"
                    + " (run attestation:kms-policy before release to ship a linted policy).");
        }
        Release.HistoryChange c = result.history();
        if (c != null) {
            String version = project.getVersion();
            if (c.written()) {
                getLog().info("PCR history " + c.file() + ": " + version + " accepted for " + c.environment());
            } else {
                getLog().info("PCR history " + c.file() + " already accepts " + version + " for " + c.environment());
            }
            c.accepted().forEach(r -> getLog().info("  accepted in " + c.environment() + ": " + r.version()
                    + " PCR0 " + r.pcrs().get(0)));
        }
    }
}

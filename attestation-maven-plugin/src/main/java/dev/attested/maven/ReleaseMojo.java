package dev.attested.maven;

import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrHistoryException;
import dev.attested.pcr.PcrManifest;
import dev.attested.pcr.PcrManifestException;
import dev.attested.release.BuildManifest;
import dev.attested.release.ReleaseBundle;
import dev.attested.release.ReleaseException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.rtinfo.RuntimeInformation;

/**
 * Writes the release bundle for the EIF that {@code build-eif} produced ({@code target/attestation/release/<version>/}:
 * EIF, PCR manifest, KMS policy, build manifest, in-toto/SLSA provenance, REPRODUCE.md, SHA256SUMS) and, with
 * {@code -Denvironment=<name>}, records the release as accepted for that environment in {@code pcr-history.json}.
 */
@Mojo(name = "release", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class ReleaseMojo extends AbstractMojo {

    /** The PCR manifest written by build-eif. */
    @Parameter(property = "attestation.manifest", defaultValue = "${project.build.directory}/attestation/pcr-manifest.json")
    private File manifest;

    /** The EIF; default: the file the manifest names, next to the manifest. */
    @Parameter(property = "attestation.eif")
    private File eif;

    /** Where bundles are written (one sub-directory per version). */
    @Parameter(property = "attestation.releaseDirectory", defaultValue = "${project.build.directory}/attestation/release")
    private File outputDirectory;

    /** A key policy to ship (from the kms-policy goal); when absent a template with placeholders is shipped. */
    @Parameter(property = "attestation.releasePolicy", defaultValue = "${project.build.directory}/attestation/kms-policy.json")
    private File kmsPolicy;

    /** Environment to accept this release for in the PCR history (e.g. dev, staging, prod); none by default. */
    @Parameter(property = "environment")
    private String environment;

    /** The PCR history file (commit it with your source). */
    @Parameter(property = "attestation.history", defaultValue = "${project.basedir}/pcr-history.json")
    private File history;

    /** Versions to retire from {@code environment} once this release is accepted (comma-separated). */
    @Parameter(property = "attestation.retire")
    private List<String> retire;

    /** Skip this goal. */
    @Parameter(property = "attestation.release.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${plugin}", readonly = true, required = true)
    private PluginDescriptor plugin;

    private final RuntimeInformation runtime;

    @Inject
    public ReleaseMojo(RuntimeInformation runtime) {
        this.runtime = runtime;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("release skipped");
            return;
        }
        try {
            PcrManifest pcrs = PcrManifest.read(manifest.toPath());
            Path eifFile = eif != null ? eif.toPath() : manifest.toPath().resolveSibling(pcrs.eif().file());
            ReleaseInputs inputs = new ReleaseInputs(project, session, runtime, plugin.getVersion());
            BuildManifest build = inputs.buildManifest(pcrs);
            byte[] policy = kmsPolicy.isFile() ? Files.readAllBytes(kmsPolicy.toPath()) : null;
            // The history change is checked before anything is written: a conflict leaves no new bundle behind.
            Changed historyChange = environment == null || environment.isBlank() ? null : historyWith(pcrs);
            ReleaseBundle bundle = ReleaseBundle.write(outputDirectory.toPath(),
                    new ReleaseBundle.Request(eifFile, pcrs, build, policy, plugin.getVersion()));
            getLog().info("Release bundle " + bundle.directory());
            bundle.sums().forEach((name, sha) -> getLog().info("  " + sha + "  " + name));
            if (policy == null) {
                getLog().info("No " + kmsPolicy.getName() + " found: shipped kms-policy-template.json with placeholders"
                        + " (run attestation:kms-policy before release to ship a linted policy).");
            }
            if (build.source() == null) {
                getLog().warn("Not a Git checkout: the build manifest records no source revision.");
            }
            if (historyChange != null) {
                writeHistory(historyChange);
            }
        } catch (PcrManifestException | ReleaseException | PcrHistoryException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot read " + kmsPolicy + ": " + e.getMessage(), e);
        }
    }

    private record Changed(Path file, PcrHistory before, PcrHistory after) {}

    private Changed historyWith(PcrManifest pcrs) {
        Path file = history.toPath();
        PcrHistory before = PcrHistory.readOrEmpty(file);
        PcrHistory after = before.append(environment, PcrHistory.Release.of(project.getVersion(), pcrs));
        if (retire != null) {
            for (String v : retire) {
                if (!v.isBlank() && !v.trim().equals(project.getVersion())) {
                    after = after.retire(environment, v.trim(), pcrs.outputTimestamp());
                }
            }
        }
        return new Changed(file, before, after);
    }

    private void writeHistory(Changed c) {
        if (c.after().equals(c.before()) && Files.exists(c.file())) {
            getLog().info("PCR history " + c.file() + " already accepts " + project.getVersion() + " for " + environment);
        } else {
            c.after().write(c.file());
            getLog().info("PCR history " + c.file() + ": " + project.getVersion() + " accepted for " + environment);
        }
        c.after().accepted(environment).forEach(r -> getLog().info("  accepted in " + environment + ": " + r.version()
                + " PCR0 " + r.pcrs().get(0)));
    }
}

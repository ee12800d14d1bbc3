package dev.attested.maven;

import dev.attested.pcr.PcrHistory;
import dev.attested.pcr.PcrManifest;
import dev.attested.release.BuildManifest;
import dev.attested.release.ReleaseBundle;
import dev.attested.release.ReleaseException;
import dev.attested.kms.KeyPolicy;
import dev.attested.release.WorkingTree;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
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
 * {@code -Denvironment} (e.g. {@code -Denvironment=prod}), records the release as accepted for that environment in
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
    File outputDirectory;

    /**
     * A key policy to ship (from the kms-policy goal); it must pin this release's measurements. When not set,
     * ${project.build.directory}/attestation/kms-policy.json is shipped if it exists, else a template with
     * placeholders. A file named here that does not exist is an error.
     */
    @Parameter(property = "attestation.releasePolicy")
    File kmsPolicy;

    /** Environment to accept this release for in the PCR history (e.g. dev, staging, prod); none by default. */
    @Parameter(property = "environment")
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
        PcrManifest pcrs = PcrManifest.read(manifest.toPath());
        Path eifFile = eif != null ? eif.toPath() : manifest.toPath().resolveSibling(pcrs.eif().file());
        ReleaseBundle.requireOutputTimestamp(outputTimestamp, pcrs);
        WorkingTree tree = WorkingTree.inspect(project.getBasedir().toPath(), allowDirty);
        logSource(tree);
        ReleaseInputs inputs = new ReleaseInputs(project, session, runtime, plugin.getVersion());
        BuildManifest build = inputs.buildManifest(pcrs, tree);
        Path policyFile = policyFile();
        byte[] policy = policyFile == null ? null : readPolicy(policyFile);

        // Checked before anything is written: a conflict leaves no new bundle behind. A rerun publishes the
        // bundle that is already there, so the history records that one.
        Path root = outputDirectory.toPath();
        PcrManifest released = ReleaseBundle.publishedManifest(root, project.getVersion())
                .filter(p -> p.pcrs().equals(pcrs.pcrs())).orElse(pcrs);
        Changed historyChange = environment == null || environment.isBlank() ? null : historyWith(released);
        List<SortedMap<Integer, String>> alsoAccepted = historyChange == null ? List.of()
                : historyChange.after().accepted(environment).stream().map(PcrHistory.Release::pcrs).toList();

        ReleaseBundle bundle = ReleaseBundle.write(root, new ReleaseBundle.Request(eifFile, pcrs, build, policy,
                policyFile == null ? null : policyFile.toString(), plugin.getVersion(), alsoAccepted));
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
        if (policy == null) {
            getLog().info("No kms-policy.json found: shipped kms-policy-template.json with placeholders"
                    + " (run attestation:kms-policy before release to ship a linted policy).");
        }
        if (historyChange != null) {
            writeHistory(historyChange);
        }
    }

    private void logSource(WorkingTree tree) {
        if (tree.dirty()) {
            getLog().warn("Releasing with -Dattestation.allowDirty=true: " + tree.describe()
                    + ". build-manifest.json and REPRODUCE.md say so.");
        } else {
            getLog().info("Source: " + tree.describe());
        }
        if (tree.untrackedCount() > 0) {
            getLog().warn(tree.untrackedCount() + " untracked file(s) are not part of the recorded commit: "
                    + String.join(", ", tree.untracked()) + (tree.untrackedCount() > tree.untracked().size() ? ", ..." : "")
                    + ". If the build reads any of them, consumers cannot reproduce this release: commit or ignore them.");
        }
    }

    /** The policy to ship: the named file (which must exist), else the default if present, else none. */
    private Path policyFile() {
        if (kmsPolicy != null) {
            if (!kmsPolicy.isFile()) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_NOT_FOUND,
                        "no KMS policy at " + kmsPolicy + " (attestation.releasePolicy).");
            }
            return kmsPolicy.toPath();
        }
        Path dflt = Path.of(project.getBuild().getDirectory(), "attestation", ReleaseBundle.POLICY_FILE);
        return Files.isRegularFile(dflt) ? dflt : null;
    }

    private static byte[] readPolicy(Path file) {
        try {
            if (Files.size(file) > KeyPolicy.MAX_FILE_BYTES) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_POLICY_MALFORMED, file + " is "
                        + Files.size(file) + " bytes; KMS key policies are at most 32 KB.");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot read " + file + ": " + e, e);
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

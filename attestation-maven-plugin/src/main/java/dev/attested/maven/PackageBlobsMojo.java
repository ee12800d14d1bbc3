package dev.attested.maven;

import dev.attested.OutputFiles;
import dev.attested.enclave.BootBlobs;
import dev.attested.eif.EifArchitecture;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import javax.inject.Inject;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Packs a nitro-cli boot blobs directory into a deterministic zip and attaches it to the project, so teams can
 * deploy their blobs to their own repository and build with {@code -Dattestation.blobs=groupId:artifactId:version:classifier}.
 */
@Mojo(name = "package-blobs", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class PackageBlobsMojo extends AbstractMojo {

    /** The blobs directory ({@code bzImage} or {@code Image}, its {@code .config}, cmdline, init, nsm.ko). */
    @Parameter(property = "attestation.blobsDirectory", defaultValue = "/usr/share/nitro_enclaves/blobs")
    private File blobsDirectory;

    /** Architecture, only needed when the directory holds both kernels ({@code x86_64} or {@code aarch64}). */
    @Parameter(property = "attestation.arch")
    private String arch;

    /** Classifier of the attached zip; defaults to the architecture ({@code x86_64}, {@code aarch64}). */
    @Parameter(property = "attestation.blobsClassifier")
    private String classifier;

    /** Where the zip is written. */
    @Parameter(property = "attestation.blobsZip",
            defaultValue = "${project.build.directory}/attestation/${project.artifactId}-${project.version}-blobs.zip")
    private File outputFile;

    /** Skip this goal. */
    @Parameter(property = "attestation.packageBlobs.skip", defaultValue = "false")
    private boolean skip;

    /** The project the zip is attached to (read-only). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    private final MavenProjectHelper projectHelper;

    @Inject
    public PackageBlobsMojo(MavenProjectHelper projectHelper) {
        this.projectHelper = projectHelper;
    }

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::packageBlobs);
    }

    private void packageBlobs() throws Exception {
        if (skip) {
            getLog().info("package-blobs skipped");
            return;
        }
        BootBlobs blobs = BootBlobs.load(blobsDirectory.toPath(),
                arch == null || arch.isBlank() ? Optional.empty() : Optional.of(EifArchitecture.parse(arch)));
        Path zip = outputFile.toPath();
        OutputFiles.write(zip, blobs::writeZip);
        String cls = classifier == null || classifier.isBlank() ? blobs.arch().id() : classifier;
        projectHelper.attachArtifact(project, "zip", cls, zip.toFile());
        getLog().info("Boot blobs (" + blobs.arch().id() + ") packed into " + zip + ", attached as "
                + project.getGroupId() + ":" + project.getArtifactId() + ":" + project.getVersion() + ":" + cls);
        blobs.sha256().forEach((name, sha) -> getLog().info("  " + sha + "  " + name));
    }
}

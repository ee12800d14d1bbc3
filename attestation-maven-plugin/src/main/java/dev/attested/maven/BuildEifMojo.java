package dev.attested.maven;

import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.BuildException;
import dev.attested.enclave.EifBuild;
import dev.attested.enclave.ImageTarballs;
import dev.attested.enclave.NitroCli;
import dev.attested.enclave.OutputTimestamp;
import dev.attested.eif.EifArchitecture;
import dev.attested.pcr.PcrManifest;
import dev.attested.internal.ramdisk.ImageLimits;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.inject.Inject;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;

/**
 * Builds a reproducible EIF (target/attestation/${project.artifactId}-${project.version}.eif) and its
 * {@code pcr-manifest.json}: the project's jar and runtime dependencies become an OCI image (Jib), the image
 * becomes the customer ramdisk, the boot blobs the kernel and bootstrap ramdisk.
 */
@Mojo(name = "build-eif", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME)
public class BuildEifMojo extends AbstractMojo {
    /** {@code native} (Java only) or {@code nitro-cli} (Docker + nitro-cli, PCRs cross-checked). */
    @Parameter(property = "attestation.mode", defaultValue = "native")
    String mode;
    /**
     * Boot blobs: a directory, or the coordinates {@code groupId:artifactId:version[:classifier]} of a blobs zip made
     * by package-blobs; default: the directory in the NITRO_CLI_BLOBS environment variable, else
     * /usr/share/nitro_enclaves/blobs.
     */
    @Parameter(property = "attestation.blobs")
    String blobs;
    /** {@code x86_64} or {@code aarch64}; needed only when the blobs hold both kernels. */
    @Parameter(property = "attestation.arch")
    String arch;
    /** {@code scratch}, {@code tar:///path/docker-save.tar}, or a registry reference pinned by digest. */
    @Parameter(property = "attestation.baseImage", defaultValue = "scratch")
    String baseImage;
    /** Use this OCI/docker-save image tarball instead of building one. */
    @Parameter(property = "attestation.imageTarball")
    File imageTarball;
    /** Container entrypoint; default {@code java -cp ... mainClass} or {@code java -jar}. */
    @Parameter(property = "attestation.entrypoint")
    List<String> entrypoint;
    /** Main class for the default entrypoint. */
    @Parameter(property = "attestation.mainClass")
    String mainClass;
    /** Environment variables of the enclave process. */
    @Parameter
    Map<String, String> environment;
    /** Files copied into the image root. */
    @Parameter(property = "attestation.extraFiles", defaultValue = "${project.basedir}/src/main/enclave")
    File extraFiles;
    /** Explicit kernel (instead of blobs + image): the eif_build use case. */
    @Parameter(property = "attestation.kernel")
    File kernel;
    /** Explicit kernel config, for the metadata OperatingSystem/KernelVersion. */
    @Parameter(property = "attestation.kernelConfig")
    File kernelConfig;
    /** Explicit kernel command line (with {@code kernel}). */
    @Parameter(property = "attestation.cmdline")
    String cmdline;
    /** Explicit ramdisks, in order (with {@code kernel}). */
    @Parameter(property = "attestation.ramdisks")
    List<File> ramdisks;
    /** EC private key (PEM) to sign PCR0 with; adds PCR8. */
    @Parameter(property = "attestation.signingKey")
    File signingKey;
    /** Signing certificate (PEM), with {@code signingKey}. */
    @Parameter(property = "attestation.signingCertificate")
    File signingCertificate;
    /** EIF metadata ImageName. */
    @Parameter(property = "attestation.imageName", defaultValue = "${project.artifactId}")
    String imageName;
    /** EIF metadata ImageVersion. */
    @Parameter(property = "attestation.imageVersion", defaultValue = "${project.version}")
    String imageVersion;
    /** Build time for the EIF metadata and the image; never the wall clock. */
    @Parameter(property = "attestation.outputTimestamp", defaultValue = "${project.build.outputTimestamp}")
    String outputTimestamp;
    /** Where the EIF, manifest and image tarball go. */
    @Parameter(property = "attestation.outputDirectory", defaultValue = "${project.build.directory}/attestation")
    File outputDirectory;
    /** nitro-cli command for mode=nitro-cli. */
    @Parameter(property = "attestation.nitroCli", defaultValue = "nitro-cli")
    String nitroCli;
    /** docker command Jib uses to load the image for mode=nitro-cli (default: docker on PATH). */
    @Parameter(property = "attestation.docker")
    File docker;
    /** Skip this goal. */
    @Parameter(property = "attestation.buildEif.skip", defaultValue = "false")
    boolean skip;
    /** Most uncompressed bytes the image's layers may hold, all together (default 8 GiB); more is IMAGE_LIMIT. */
    @Parameter(property = "attestation.maxImageBytes", defaultValue = "8589934592")
    long maxImageBytes = ImageLimits.DEFAULT_MAX_BYTES;
    /** Most tar entries the image's layers may hold, all together (default 1000000); more is IMAGE_LIMIT. */
    @Parameter(property = "attestation.maxImageEntries", defaultValue = "1000000")
    long maxImageEntries = ImageLimits.DEFAULT_MAX_ENTRIES;

    /** Maven's reproducible-builds property itself: without it maven-jar-plugin stamps the wall clock into the jar. */
    @Parameter(defaultValue = "${project.build.outputTimestamp}", readonly = true)
    String projectOutputTimestamp;

    /** The project being built (read-only). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    MavenProject project;
    /** This plugin's version, recorded as the build tool in the EIF metadata (read-only). */
    @Parameter(defaultValue = "${plugin.version}", readonly = true)
    String pluginVersion;
    /** Maven's repository session, to resolve blobs given as coordinates (read-only). */
    @Parameter(defaultValue = "${repositorySystemSession}", readonly = true)
    RepositorySystemSession repositorySession;
    final RepositorySystem repositorySystem;

    @Inject
    public BuildEifMojo(RepositorySystem repositorySystem) {
        this.repositorySystem = repositorySystem;
    }

    @Override
    public void execute() throws MojoFailureException {
        MojoErrors.run(this::buildEif);
    }

    private void buildEif() throws Exception {
        if (skip) {
            getLog().info("build-eif skipped");
            return;
        }
        Instant time = OutputTimestamp.parse(outputTimestamp);
        Path out = outputDirectory.toPath();
        Path work = out.resolve("work");
        // Nothing of the machine that runs the build: not even the JDK running Maven (the release's
        // build-manifest.json records it). The manifest is a function of the inputs only.
        TreeMap<String, String> tools = new TreeMap<>(Map.of("attestation-maven-plugin",
                pluginVersion == null ? "unknown" : pluginVersion));
        EifBuild build = new EifBuild().imageName(imageName, imageVersion).buildTime(time)
                .buildTool("attestation-maven-plugin", tools.get("attestation-maven-plugin"))
                .output(out, project.getArtifactId() + "-" + project.getVersion() + ".eif", work);
        build.imageLimits(imageLimits());
        if (signingKey != null || signingCertificate != null) {
            build.signing(path(signingKey), path(signingCertificate));
        }
        EifBuild.Result result;
        if (kernel != null) {
            build.tools(tools).explicit(arch == null ? EifArchitecture.X86_64 : EifArchitecture.parse(arch), kernel.toPath(),
                    path(kernelConfig), cmdline == null ? "" : cmdline,
                    ramdisks == null ? List.of() : ramdisks.stream().map(File::toPath).toList());
            result = build.buildNative();
        } else {
            BootBlobs bootBlobs = BuildEifBlobs.resolve(blobs, System.getenv(),
                    arch == null ? Optional.empty() : Optional.of(EifArchitecture.parse(arch)), work.resolve("blobs"),
                    repositorySystem, repositorySession, project.getRemoteProjectRepositories());
            getLog().info("Boot blobs: " + bootBlobs.directory() + " (" + bootBlobs.arch().id() + ")");
            EnclaveImageBuilder images = EnclaveImageBuilder.forProject(project, imageTarball != null, baseImage,
                    path(extraFiles), entrypoint, mainClass, environment, time, bootBlobs.arch());
            Path projectDir = EnclaveImageBuilder.projectDirectory(project);
            String reference = imageName + ":" + imageVersion;
            PcrManifest.Image image;
            Path tarball;
            if (imageTarball != null) {
                tarball = imageTarball.toPath();
                image = new PcrManifest.Image(imageName, imageVersion, null, null, null,
                        ImageTarballs.describe(tarball, projectDir));
            } else {
                BuildEifReport.warnIfNotReproducible(getLog(), projectOutputTimestamp, images.artifact(), project);
                images.validateBase();
                EnclaveImageBuilder.BuiltImage built = images.toTarball(out.resolve(project.getArtifactId()
                        + "-" + project.getVersion() + "-image.tar"), reference, work.resolve("jib-cache"));
                tarball = built.tarball();
                image = new PcrManifest.Image(imageName, imageVersion, built.digest(),
                        ImageTarballs.recordedReference(baseImage, projectDir),
                        ImageTarballs.isTarReference(baseImage)
                                ? ImageTarballs.describe(ImageTarballs.file(baseImage, projectDir), projectDir) : null,
                        null);
                getLog().info("Enclave image " + reference + " " + built.digest() + " -> " + tarball);
            }
            build.fromImage(bootBlobs, tarball, image);
            if (EifBuild.NITRO_CLI.equals(mode)) {
                images.toDockerDaemon(reference, path(docker), work.resolve("jib-cache"));
                NitroCli cli = new NitroCli(nitroCli, Map.of("NITRO_CLI_BLOBS", bootBlobs.directory().toString(),
                        "NITRO_CLI_ARTIFACTS", work.resolve("nitro-cli").toString()), Duration.ofMinutes(30));
                tools.put("nitro-cli", cli.version(work));
                result = build.tools(tools).buildWithNitroCli(cli, reference);
            } else if (EifBuild.NATIVE.equals(mode)) {
                result = build.tools(tools).buildNative();
            } else {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "mode must be native or nitro-cli, not " + mode);
            }
        }
        BuildEifReport.log(getLog(), result);
    }

    private ImageLimits imageLimits() {
        try {
            return new ImageLimits(maxImageBytes, maxImageEntries);
        } catch (IllegalArgumentException e) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, e.getMessage());
        }
    }

    private static Path path(File f) {
        return f == null ? null : f.toPath();
    }
}

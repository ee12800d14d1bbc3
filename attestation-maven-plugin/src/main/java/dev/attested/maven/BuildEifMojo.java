package dev.attested.maven;

import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.BuildException;
import dev.attested.enclave.EifBuild;
import dev.attested.enclave.OutputTimestamp;
import dev.attested.eif.EifArchitecture;
import dev.attested.image.BaseImage;
import dev.attested.image.EnclaveBuild;
import dev.attested.image.ImageSource;
import dev.attested.image.Launch;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * becomes the customer ramdisk, the boot blobs the kernel and bootstrap ramdisk. The build itself is
 * {@link EnclaveBuild} (and {@link EifBuild} for an explicit kernel); this goal maps its parameters onto it.
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
    /** Environment variables of the enclave process (the image's /env file). A map: set it in the POM. */
    @Parameter
    Map<String, String> imageEnvironment;
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
    long maxImageBytes = EifBuild.Limits.DEFAULTS.maxImageBytes();
    /** Most tar entries the image's layers may hold, all together (default 1000000); more is IMAGE_LIMIT. */
    @Parameter(property = "attestation.maxImageEntries", defaultValue = "1000000")
    long maxImageEntries = EifBuild.Limits.DEFAULTS.maxImageEntries();

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
        String baseName = project.getArtifactId() + "-" + project.getVersion();
        EifBuild.BuildTool tool = new EifBuild.BuildTool(PLUGIN, pluginVersion == null ? "unknown" : pluginVersion);
        EifBuild.Limits limits = new EifBuild.Limits(maxImageBytes, maxImageEntries);
        Optional<EifBuild.Signing> signing = signing();
        EifBuild.Result result;
        if (kernel != null) {
            if (!EifBuild.NATIVE.equals(mode)) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "an explicit kernel is built natively: "
                        + "mode=" + mode + " builds from an image; drop mode or the kernel");
            }
            EifBuild.Request.Builder request = EifBuild.Request.builder(new EifBuild.ExplicitKernel(
                            arch == null ? EifArchitecture.X86_64 : EifArchitecture.parse(arch), kernel.toPath(),
                            Optional.ofNullable(path(kernelConfig)), cmdline == null ? "" : cmdline,
                            ramdisks == null ? List.of() : ramdisks.stream().map(File::toPath).toList()),
                    tool, new EifBuild.Output(out, baseName + ".eif", work))
                    .imageName(imageName, imageVersion).buildTime(time).limits(limits);
            signing.ifPresent(request::signing);
            result = EifBuild.build(request.build());
        } else {
            EnclaveBuild.Backend backend = backend();
            BootBlobs bootBlobs = BuildEifBlobs.resolve(blobs, System.getenv(),
                    arch == null ? Optional.empty() : Optional.of(EifArchitecture.parse(arch)), work.resolve("blobs"),
                    repositorySystem, repositorySession, project.getRemoteProjectRepositories());
            getLog().info("Boot blobs: " + bootBlobs.directory() + " (" + bootBlobs.arch().id() + ")");
            EnclaveBuild.Request.Builder request = EnclaveBuild.Request.builder(imageSource(), bootBlobs, tool, out,
                            baseName)
                    .backend(backend).imageName(imageName, imageVersion).buildTime(time).limits(limits)
                    .projectDirectory(projectDirectory(project));
            signing.ifPresent(request::signing);
            EnclaveBuild.Result built = EnclaveBuild.build(request.build());
            built.image().ifPresent(i -> getLog().info("Enclave image " + imageName + ":" + imageVersion + " "
                    + i.digest() + " -> " + i.tarball()));
            result = built.eif();
        }
        BuildEifReport.log(getLog(), result);
    }

    /** The name this plugin records as the build tool (EIF metadata, manifest tools). */
    static final String PLUGIN = "attestation-maven-plugin";

    private EnclaveBuild.Backend backend() {
        if (EifBuild.NATIVE.equals(mode)) {
            return EnclaveBuild.Backend.NATIVE;
        }
        if (EifBuild.NITRO_CLI.equals(mode)) {
            return new EnclaveBuild.NitroCli(nitroCli, Optional.ofNullable(path(docker)), Duration.ofMinutes(30));
        }
        throw new BuildException(BuildException.Code.INPUT_INVALID, "mode must be native or nitro-cli, not " + mode);
    }

    private Optional<EifBuild.Signing> signing() {
        if (signingKey == null && signingCertificate == null) {
            return Optional.empty();
        }
        if (signingKey == null || signingCertificate == null) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "signing needs both signingKey and signingCertificate (or neither)");
        }
        return Optional.of(new EifBuild.Signing(signingKey.toPath(), signingCertificate.toPath()));
    }

    /**
     * The ready image tarball, else the project's application: its jar (required for jar packaging) and its compile
     * and runtime dependencies; a relative {@code tar://} base is resolved against the project directory.
     */
    private ImageSource imageSource() {
        if (imageTarball != null) {
            return new ImageSource.ImageTarball(imageTarball.toPath());
        }
        org.apache.maven.artifact.Artifact artifact = project.getArtifact();
        Path jar = artifact == null || artifact.getFile() == null || !artifact.getFile().isFile() ? null
                : artifact.getFile().toPath();
        if (jar == null && "jar".equals(project.getPackaging())) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "the project jar is not built yet: run 'mvn package' (build-eif binds to package), not the goal alone");
        }
        BuildEifReport.warnIfNotReproducible(getLog(), projectOutputTimestamp, jar, project);
        List<Path> deps = project.getArtifacts().stream()
                .filter(x -> "compile".equals(x.getScope()) || "runtime".equals(x.getScope()))
                .map(x -> x.getFile().toPath()).toList();
        Launch launch = entrypoint != null && !entrypoint.isEmpty() ? new Launch.Entrypoint(entrypoint)
                : mainClass != null && !mainClass.isBlank() ? new Launch.MainClass(mainClass) : Launch.EXECUTABLE_JAR;
        return new ImageSource.JavaApplication(Optional.ofNullable(jar), deps, launch,
                BaseImage.parse(baseImage, projectDirectory(project)), Optional.ofNullable(path(extraFiles)),
                imageEnvironment == null ? Map.of() : imageEnvironment);
    }

    /** The project's base directory (the working directory for a project without a pom file, as in tests). */
    static Path projectDirectory(MavenProject project) {
        return project.getBasedir() == null ? Path.of("").toAbsolutePath() : project.getBasedir().toPath();
    }

    private static Path path(File f) {
        return f == null ? null : f.toPath();
    }
}

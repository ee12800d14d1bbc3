package dev.attested.image;

import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.BuildException;
import dev.attested.enclave.EifBuild;
import dev.attested.enclave.ImageTarballs;
import dev.attested.pcr.PcrManifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The library entry point for "Java application → enclave image → EIF": what {@code attestation:build-eif} does,
 * for any front end (the Maven plugin, the {@code attested} CLI, a Gradle plugin), with the same layout, bytes and
 * PCRs.
 *
 * <pre>{@code
 * EnclaveBuild.Request request = EnclaveBuild.Request.builder(
 *                 new ImageSource.JavaApplication(Optional.of(appJar), dependencyJars,
 *                         new Launch.MainClass("com.example.Main"), BaseImage.parse(baseText, projectDir),
 *                         Optional.of(projectDir.resolve("src/main/enclave")), Map.of()),
 *                 BootBlobs.load(blobsDir),
 *                 new EifBuild.BuildTool("attested", version),
 *                 outputDir, "app-1.0")
 *         .imageName("app", "1.0")
 *         .buildTime(Instant.parse("2026-01-01T00:00:00Z"))
 *         .projectDirectory(projectDir)
 *         .build();
 * EnclaveBuild.Result result = EnclaveBuild.build(request);
 * result.eif().manifest().pcrs();   // PCR0, PCR1, PCR2 (and PCR8 when signed)
 * }</pre>
 *
 * Files written, all under the output directory: {@code <baseName>-image.tar} (the image, when built here),
 * {@code <baseName>.eif}, {@code pcr-manifest.json}, and {@code work/} (bootstrap ramdisk, Jib cache, nitro-cli's
 * artifacts). Nothing depends on the host, the wall clock or the working directory. Errors are
 * {@link BuildException}s (and the image reader's and EIF writer's own exceptions) with stable codes.
 */
public final class EnclaveBuild {
    private EnclaveBuild() {}

    /** Who writes the EIF. */
    public sealed interface Backend permits Native, NitroCli {
        /** The Java build. */
        Native NATIVE = new Native();
    }

    /** The EIF is written in Java (no Docker, no nitro-cli). */
    public record Native() implements Backend {}

    /**
     * The image is loaded into the Docker daemon and {@code nitro-cli build-enclave} writes the EIF; its PCRs are
     * checked against the file it wrote and compared with the Java build's (see {@link EifBuild.NitroCliBackend}).
     * Only for a {@link ImageSource.JavaApplication}: the image is loaded from what is built here.
     *
     * @param executable       the nitro-cli command
     * @param dockerExecutable the docker command Jib loads the image with; empty: {@code docker} on PATH
     */
    public record NitroCli(String executable, Optional<Path> dockerExecutable, Duration timeout) implements Backend {
        public NitroCli {
            Objects.requireNonNull(executable, "executable");
            Objects.requireNonNull(dockerExecutable, "dockerExecutable");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /**
     * One build.
     *
     * @param baseName         the output files' name without extension, e.g. {@code app-1.0}
     * @param projectDirectory what paths in the manifest are relative to (a base image tarball inside it is
     *                         recorded by its relative path)
     */
    public record Request(ImageSource source, BootBlobs blobs, Backend backend, String imageName, String imageVersion,
            Instant buildTime, EifBuild.BuildTool buildTool, Optional<EifBuild.Signing> signing, EifBuild.Limits limits,
            Path outputDirectory, String baseName, Path projectDirectory) {
        public Request {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(blobs, "blobs");
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(imageName, "imageName");
            Objects.requireNonNull(imageVersion, "imageVersion");
            Objects.requireNonNull(buildTime, "buildTime");
            Objects.requireNonNull(buildTool, "buildTool");
            Objects.requireNonNull(signing, "signing");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(outputDirectory, "outputDirectory");
            Objects.requireNonNull(baseName, "baseName");
            Objects.requireNonNull(projectDirectory, "projectDirectory");
            if (backend instanceof NitroCli && source instanceof ImageSource.ImageTarball) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "nitro-cli builds from the Docker daemon, "
                        + "into which the image built here is loaded; a ready image tarball is built natively "
                        + "(mode=native)");
            }
        }

        /**
         * A builder: image name {@code enclave} 1.0, build time the epoch, native backend, no signing, default
         * limits, project directory the output directory.
         */
        public static Builder builder(ImageSource source, BootBlobs blobs, EifBuild.BuildTool buildTool,
                Path outputDirectory, String baseName) {
            return new Builder(source, blobs, buildTool, outputDirectory, baseName);
        }

        /** The image's reference in the tarball and the Docker daemon: {@code imageName:imageVersion}. */
        public String imageReference() {
            return imageName + ":" + imageVersion;
        }

        Path workDirectory() {
            return outputDirectory.resolve("work");
        }

        /** Collects a {@link Request}; {@link #build()} makes the immutable request. */
        public static final class Builder {
            private final ImageSource source;
            private final BootBlobs blobs;
            private final EifBuild.BuildTool buildTool;
            private final Path outputDirectory;
            private final String baseName;
            private Backend backend = Backend.NATIVE;
            private String imageName = "enclave";
            private String imageVersion = "1.0";
            private Instant buildTime = Instant.EPOCH;
            private Optional<EifBuild.Signing> signing = Optional.empty();
            private EifBuild.Limits limits = EifBuild.Limits.DEFAULTS;
            private Path projectDirectory;

            private Builder(ImageSource source, BootBlobs blobs, EifBuild.BuildTool buildTool, Path outputDirectory,
                    String baseName) {
                this.source = source;
                this.blobs = blobs;
                this.buildTool = buildTool;
                this.outputDirectory = outputDirectory;
                this.baseName = baseName;
            }

            public Builder backend(Backend backend) {
                this.backend = backend;
                return this;
            }

            /** The EIF metadata {@code ImageName}/{@code ImageVersion} and the image reference. */
            public Builder imageName(String name, String version) {
                this.imageName = name;
                this.imageVersion = version;
                return this;
            }

            /** The image creation time, the EIF {@code BuildTime} and the manifest's {@code outputTimestamp}. */
            public Builder buildTime(Instant time) {
                this.buildTime = time;
                return this;
            }

            public Builder signing(EifBuild.Signing signing) {
                this.signing = Optional.of(signing);
                return this;
            }

            public Builder limits(EifBuild.Limits limits) {
                this.limits = limits;
                return this;
            }

            public Builder projectDirectory(Path directory) {
                this.projectDirectory = directory;
                return this;
            }

            public Request build() {
                return new Request(source, blobs, backend, imageName, imageVersion, buildTime, buildTool, signing,
                        limits, outputDirectory, baseName, projectDirectory == null ? outputDirectory : projectDirectory);
            }
        }
    }

    /**
     * What a build gives.
     *
     * @param image the image built here (empty for an {@link ImageSource.ImageTarball})
     * @param eif   the EIF, its manifest and PCRs
     */
    public record Result(Optional<BuiltImage> image, EifBuild.Result eif) {}

    /** An image built here: its tarball, manifest digest and image id. */
    public record BuiltImage(Path tarball, String digest, String imageId) {}

    /**
     * The checks that need no build: the base image is usable and, on scratch, the entrypoint's program is in the
     * image. {@link #build} runs them first; a front end may run them early.
     *
     * @throws BuildException {@code BASE_IMAGE_INVALID}, {@code ENTRYPOINT_NOT_IN_IMAGE}
     */
    public static void validate(Request request) {
        if (request.source() instanceof ImageSource.JavaApplication app) {
            new EnclaveImage(app, request.buildTime(), request.blobs().arch()).validateBase();
        }
    }

    /** The container entrypoint the image of {@code app} gets (empty: the base image's command applies). */
    public static List<String> command(ImageSource.JavaApplication app) {
        return new EnclaveImage(app, Instant.EPOCH, dev.attested.eif.EifArchitecture.X86_64).command();
    }

    /** Builds the image (unless given), then the EIF and {@code pcr-manifest.json}. */
    public static Result build(Request request) {
        Path work = request.workDirectory();
        Path projectDir = request.projectDirectory();
        Optional<BuiltImage> built;
        Path tarball;
        PcrManifest.Image image;
        EifBuild.Backend backend = EifBuild.Backend.NATIVE;
        if (request.source() instanceof ImageSource.JavaApplication app) {
            EnclaveImage images = new EnclaveImage(app, request.buildTime(), request.blobs().arch());
            images.validateBase();
            BuiltImage b = images.toTarball(request.outputDirectory().resolve(request.baseName() + "-image.tar"),
                    request.imageReference(), work.resolve("jib-cache"));
            built = Optional.of(b);
            tarball = b.tarball();
            BaseImage base = app.base();
            image = new PcrManifest.Image(request.imageName(), request.imageVersion(), b.digest(),
                    ImageTarballs.recordedReference(base.text(), projectDir),
                    base instanceof BaseImage.Tarball t ? ImageTarballs.describe(t.file(), projectDir) : null, null);
            if (request.backend() instanceof NitroCli cli) {
                images.toDockerDaemon(request.imageReference(), cli.dockerExecutable().orElse(null),
                        work.resolve("jib-cache"));
                backend = new EifBuild.NitroCliBackend(cli.executable(), request.imageReference(), cli.timeout());
            }
        } else {
            tarball = ((ImageSource.ImageTarball) request.source()).path();
            built = Optional.empty();
            image = new PcrManifest.Image(request.imageName(), request.imageVersion(), null, null, null,
                    ImageTarballs.describe(tarball, projectDir));
        }
        EifBuild.Request.Builder eif = EifBuild.Request.builder(
                        new EifBuild.FromImage(request.blobs(), tarball, image, backend), request.buildTool(),
                        new EifBuild.Output(request.outputDirectory(), request.baseName() + ".eif", work))
                .imageName(request.imageName(), request.imageVersion())
                .buildTime(request.buildTime())
                .limits(request.limits());
        request.signing().ifPresent(eif::signing);
        return new Result(built, EifBuild.build(eif.build()));
    }
}

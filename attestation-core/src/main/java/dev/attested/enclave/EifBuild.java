package dev.attested.enclave;

import dev.attested.eif.EifArchitecture;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifWriter;
import dev.attested.internal.io.AtomicFiles;
import dev.attested.internal.ramdisk.BootstrapRamdisk;
import dev.attested.internal.ramdisk.CustomerRamdisk;
import dev.attested.enclave.ImageConfig;
import dev.attested.internal.ramdisk.ImageLimits;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds an EIF and its {@code pcr-manifest.json} from an immutable {@link Request}: boot blobs + an image tarball
 * ({@link FromImage}; the bootstrap and customer ramdisks are made here, as nitro-cli makes them), or an explicit
 * kernel, cmdline and ramdisks ({@link ExplicitKernel}, the {@code eif_build} use case). This is the build every
 * front end (the Maven plugin, the {@code attested} CLI, a Gradle plugin) calls; the layout of a Java application's
 * image lives one level up, in the {@code attestation-image} module.
 *
 * <pre>{@code
 * EifBuild.Request request = EifBuild.Request.builder(
 *                 new EifBuild.FromImage(BootBlobs.load(blobsDir), imageTar, image, EifBuild.Backend.NATIVE),
 *                 new EifBuild.BuildTool("attested", "1.0"),
 *                 new EifBuild.Output(outDir, "app-1.0.eif", outDir.resolve("work")))
 *         .imageName("app", "1.0").buildTime(Instant.parse("2026-01-01T00:00:00Z")).build();
 * EifBuild.Result result = EifBuild.build(request);
 * }</pre>
 *
 * Nothing depends on the host: times come from the request's build time, ramdisks from {@link CustomerRamdisk}. The
 * EIF and the manifest appear under their final names only when both are complete.
 */
public final class EifBuild {
    /** Mode names recorded in the manifest. */
    public static final String NATIVE = "native";
    public static final String NITRO_CLI = "nitro-cli";
    public static final String EXPLICIT = "explicit";

    private EifBuild() {}

    /** What the EIF is made of. */
    public sealed interface Input permits FromImage, ExplicitKernel {}

    /**
     * Boot blobs (kernel, cmdline, init, nsm.ko) and an OCI/docker-save image tarball, built by {@code backend}.
     *
     * @param image what the manifest records about the image
     */
    public record FromImage(BootBlobs blobs, Path imageTarball, PcrManifest.Image image, Backend backend)
            implements Input {
        public FromImage {
            Objects.requireNonNull(blobs, "blobs");
            Objects.requireNonNull(imageTarball, "imageTarball");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(backend, "backend");
        }
    }

    /**
     * An explicit kernel, command line and ramdisks (in order; the first is measured into PCR1); always built
     * natively.
     *
     * @param kernelConfig the kernel's {@code .config}, for the metadata OperatingSystem/KernelVersion
     */
    public record ExplicitKernel(EifArchitecture arch, Path kernel, Optional<Path> kernelConfig, String cmdline,
            List<Path> ramdisks) implements Input {
        public ExplicitKernel {
            Objects.requireNonNull(arch, "arch");
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(kernelConfig, "kernelConfig");
            Objects.requireNonNull(cmdline, "cmdline");
            ramdisks = List.copyOf(ramdisks);
        }
    }

    /** Who writes the EIF of a {@link FromImage} build. */
    public sealed interface Backend permits Native, NitroCliBackend {
        /** The Java build. */
        Native NATIVE = new Native();
    }

    /** The EIF is written here, in Java. */
    public record Native() implements Backend {}

    /**
     * nitro-cli writes the EIF from {@code dockerImage}, an image already in the Docker daemon (the same image as
     * the tarball); the file it wrote is re-measured and the build fails if its PCRs differ from what nitro-cli
     * reported. The image is also built natively (in the work directory) to report whether the Java build gives
     * the same PCRs.
     *
     * @param executable the nitro-cli command (a path, or a name looked up on {@code PATH})
     */
    public record NitroCliBackend(String executable, String dockerImage, Duration timeout) implements Backend {
        public NitroCliBackend {
            Objects.requireNonNull(executable, "executable");
            Objects.requireNonNull(dockerImage, "dockerImage");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    /** The program that builds, recorded in the EIF metadata ({@code BuildTool}) and in the manifest's tools. */
    public record BuildTool(String name, String version) {
        public BuildTool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
        }
    }

    /** Sign PCR0 with an EC key (PEM) and its certificate (PEM): adds PCR8. */
    public record Signing(Path privateKey, Path certificate) {
        public Signing {
            Objects.requireNonNull(privateKey, "privateKey");
            Objects.requireNonNull(certificate, "certificate");
        }
    }

    /**
     * @param directory     where the EIF and {@code pcr-manifest.json} go
     * @param eifFileName   e.g. {@code app-1.0.eif}
     * @param workDirectory for the bootstrap ramdisk (kept for inspection, like nitro-cli's artifacts directory)
     *                      and the image's spooled file contents while the customer ramdisk streams into the EIF
     */
    public record Output(Path directory, String eifFileName, Path workDirectory) {
        public Output {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(eifFileName, "eifFileName");
            Objects.requireNonNull(workDirectory, "workDirectory");
        }
    }

    /**
     * How much flattening the image may read: uncompressed bytes and tar entries of all layers together; more is
     * {@code IMAGE_LIMIT}. Both must be positive ({@code INPUT_INVALID} otherwise).
     */
    public record Limits(long maxImageBytes, long maxImageEntries) {
        /** 8 GiB and one million entries. */
        public static final Limits DEFAULTS = new Limits(ImageLimits.DEFAULT_MAX_BYTES, ImageLimits.DEFAULT_MAX_ENTRIES);

        public Limits {
            if (maxImageBytes <= 0) {
                throw new BuildException(BuildException.Code.INPUT_INVALID,
                        "maxImageBytes must be positive, got " + maxImageBytes);
            }
            if (maxImageEntries <= 0) {
                throw new BuildException(BuildException.Code.INPUT_INVALID,
                        "maxImageEntries must be positive, got " + maxImageEntries);
            }
        }

        ImageLimits imageLimits() {
            return new ImageLimits(maxImageBytes, maxImageEntries);
        }
    }

    /**
     * Everything one build needs. The manifest's {@code tools} are the build tool's name and version, plus
     * nitro-cli's version when nitro-cli builds; nothing of the machine that runs the build.
     *
     * @param buildTime the EIF metadata {@code BuildTime}, the signature time and the manifest's
     *                  {@code outputTimestamp}; never the wall clock
     */
    public record Request(Input input, String imageName, String imageVersion, Instant buildTime, BuildTool buildTool,
            Optional<Signing> signing, Limits limits, Output output) {
        public Request {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(imageName, "imageName");
            Objects.requireNonNull(imageVersion, "imageVersion");
            Objects.requireNonNull(buildTime, "buildTime");
            Objects.requireNonNull(buildTool, "buildTool");
            Objects.requireNonNull(signing, "signing");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(output, "output");
        }

        /** A builder with image name {@code enclave} 1.0, build time the epoch, no signing, default limits. */
        public static Builder builder(Input input, BuildTool buildTool, Output output) {
            return new Builder(input, buildTool, output);
        }

        /** Collects the optional parts of a {@link Request}; {@link #build()} makes the immutable request. */
        public static final class Builder {
            private final Input input;
            private final BuildTool buildTool;
            private final Output output;
            private String imageName = "enclave";
            private String imageVersion = "1.0";
            private Instant buildTime = Instant.EPOCH;
            private Optional<Signing> signing = Optional.empty();
            private Limits limits = Limits.DEFAULTS;

            private Builder(Input input, BuildTool buildTool, Output output) {
                this.input = input;
                this.buildTool = buildTool;
                this.output = output;
            }

            /** The EIF metadata {@code ImageName} and {@code ImageVersion}. */
            public Builder imageName(String name, String version) {
                this.imageName = name;
                this.imageVersion = version;
                return this;
            }

            public Builder buildTime(Instant time) {
                this.buildTime = time;
                return this;
            }

            public Builder signing(Signing signing) {
                this.signing = Optional.of(signing);
                return this;
            }

            public Builder limits(Limits limits) {
                this.limits = limits;
                return this;
            }

            public Request build() {
                return new Request(input, imageName, imageVersion, buildTime, buildTool, signing, limits, output);
            }
        }
    }

    /**
     * The result: where the files are and what they say.
     *
     * @param imageConfig the image's config as the enclave will run it; null for an {@link ExplicitKernel} build
     * @param nativePcrs  for a nitro-cli build, the PCRs the Java build of the same image gives
     */
    public record Result(Path eif, Path manifestFile, PcrManifest manifest, ImageConfig imageConfig,
            Optional<SortedMap<Integer, Pcr>> nativePcrs) {}

    /** Builds the EIF and its manifest as {@code request} says. */
    public static Result build(Request request) {
        check(request);
        Output o = request.output();
        try {
            Files.createDirectories(o.workDirectory());
            Files.createDirectories(o.directory());
            Path tmpEif = AtomicFiles.newTempSibling(o.directory().resolve(o.eifFileName()));
            try (Prepared p = prepare(request)) {
                Result r;
                if (request.input() instanceof FromImage f && f.backend() instanceof NitroCliBackend c) {
                    r = buildWithNitroCli(request, f, c, p, tmpEif);
                } else {
                    r = buildNative(request, p, tmpEif, request.input() instanceof FromImage ? NATIVE : EXPLICIT);
                }
                tmpEif = null;
                return r;
            } finally {
                if (tmpEif != null) {
                    Files.deleteIfExists(tmpEif);
                }
            }
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.OUTPUT_IO, "EIF build failed: " + e, e);
        }
    }

    private static Result buildNative(Request request, Prepared p, Path tmpEif, String mode) throws IOException {
        EifWriter.WrittenEif written = write(request, p, tmpEif);
        return place(request, tmpEif, written.measurements().asMap(), written.sha256(), p, mode, tools(request, null),
                Optional.empty());
    }

    private static Result buildWithNitroCli(Request request, FromImage input, NitroCliBackend backend, Prepared p,
            Path tmpEif) throws IOException {
        Output o = request.output();
        Path nativeEif = o.workDirectory().resolve("native-" + o.eifFileName());
        SortedMap<Integer, Pcr> nativePcrs = write(request, p, nativeEif).measurements().asMap();
        NitroCli cli = new NitroCli(backend.executable(), Map.of("NITRO_CLI_BLOBS",
                input.blobs().directory().toString(), "NITRO_CLI_ARTIFACTS",
                o.workDirectory().resolve("nitro-cli").toString()), backend.timeout());
        String version = cli.version(o.workDirectory());
        Path[] signing = request.signing().map(s -> new Path[] {s.certificate(), s.privateKey()}).orElse(null);
        NitroCli.Result reported = cli.buildEnclave(backend.dockerImage(), tmpEif, request.imageName(),
                request.imageVersion(), signing, o.workDirectory());
        SortedMap<Integer, Pcr> measured = EifAssembly.measure(tmpEif);
        if (!measured.equals(reported.pcrs())) {
            throw new BuildException(BuildException.Code.NITRO_CLI_MISMATCH, "nitro-cli reported "
                    + reported.pcrs() + " but the EIF it wrote measures " + measured + ". The file was not kept.");
        }
        return place(request, tmpEif, measured, BootBlobs.sha256(tmpEif), p, NITRO_CLI, tools(request, version),
                Optional.of(nativePcrs));
    }

    private static EifWriter.WrittenEif write(Request request, Prepared p, Path out) {
        return EifAssembly.write(out, p.arch, p.kernel, p.cmdline, metadata(request, p), p.ramdisks, p.customer,
                request.signing().map(Signing::privateKey).orElse(null),
                request.signing().map(Signing::certificate).orElse(null), request.buildTime());
    }

    private static SortedMap<String, String> tools(Request request, String nitroCliVersion) {
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put(request.buildTool().name(), request.buildTool().version());
        if (nitroCliVersion != null) {
            tools.put("nitro-cli", nitroCliVersion);
        }
        return Collections.unmodifiableSortedMap(tools);
    }

    /**
     * What goes into the EIF: kernel, cmdline, ramdisk files and, for an image, the flattened customer ramdisk,
     * which streams into the EIF without an intermediate file (its spool is removed on close).
     */
    private record Prepared(EifArchitecture arch, Path kernel, String cmdline, List<Path> ramdisks,
            CustomerRamdisk.Flattened customer, List<String> osAndKernel, SortedMap<String, String> inputs,
            PcrManifest.Image image, ImageConfig imageConfig) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (customer != null) {
                customer.close();
            }
        }
    }

    private static Prepared prepare(Request request) throws IOException {
        Path workDir = request.output().workDirectory();
        if (request.input() instanceof FromImage f) {
            BootBlobs blobs = f.blobs();
            Path bootstrap = workDir.resolve("bootstrap-initrd.img");
            AtomicFiles.write(bootstrap, out -> BootstrapRamdisk.write(blobs.init(), blobs.nsmKo(), out));
            CustomerRamdisk.Flattened customer = CustomerRamdisk.flatten(f.imageTarball(), workDir,
                    request.limits().imageLimits());
            ImageConfig config = customer.config();
            if (!config.architecture().isEmpty() && !config.architecture().equals(blobs.arch().ociName())) {
                customer.close();
                throw new BuildException(BuildException.Code.INPUT_INVALID, "the image is for " + config.architecture()
                        + " but the blobs are " + blobs.arch().id() + "; build the image for " + blobs.arch().ociName());
            }
            return new Prepared(blobs.arch(), blobs.kernel(), blobs.cmdlineText(), List.of(bootstrap), customer,
                    blobs.kernelOsAndVersion(), blobs.sha256(), f.image(), config);
        }
        ExplicitKernel k = (ExplicitKernel) request.input();
        SortedMap<String, String> inputs = new TreeMap<>();
        inputs.put(k.kernel().getFileName().toString(), BootBlobs.sha256(k.kernel()));
        List<String> os = List.of("OS", "kernel");
        if (k.kernelConfig().isPresent()) {
            Path config = k.kernelConfig().get();
            inputs.put(config.getFileName().toString(), BootBlobs.sha256(config));
            os = BootBlobs.kernelOsAndVersion(config);
        }
        for (Path r : k.ramdisks()) {
            inputs.put(r.getFileName().toString(), BootBlobs.sha256(r));
        }
        return new Prepared(k.arch(), k.kernel(), k.cmdline(), k.ramdisks(), null, os, inputs, null, null);
    }

    private static EifMetadata metadata(Request request, Prepared p) {
        return EifMetadata.of(request.imageName(), request.imageVersion(), EifMetadata.BuildMetadata.of(
                request.buildTime(), request.buildTool().name(), request.buildTool().version(), p.osAndKernel.get(0),
                p.osAndKernel.get(1)));
    }

    private static Result place(Request request, Path tmpEif, SortedMap<Integer, Pcr> pcrs, String eifSha256,
            Prepared p, String mode, SortedMap<String, String> tools, Optional<SortedMap<Integer, Pcr>> nativePcrs)
            throws IOException {
        Output o = request.output();
        Path eif = o.directory().resolve(o.eifFileName());
        Path manifestFile = o.directory().resolve("pcr-manifest.json");
        PcrManifest manifest = PcrManifest.of(new PcrManifest.Eif(o.eifFileName(), eifSha256, Files.size(tmpEif)),
                pcrs, p.image, p.inputs, p.cmdline, mode, p.arch.id(), tools, request.buildTime().toString());
        Path tmpManifest = AtomicFiles.newTempSibling(manifestFile);
        try {
            Files.write(tmpManifest, manifest.toJson());
            AtomicFiles.moveIntoPlace(tmpEif, eif);
            AtomicFiles.moveIntoPlace(tmpManifest, manifestFile);
            tmpManifest = null;
        } finally {
            if (tmpManifest != null) {
                Files.deleteIfExists(tmpManifest);
            }
        }
        return new Result(eif, manifestFile, manifest, p.imageConfig, nativePcrs);
    }

    /** What the types cannot say: files that must exist, a cmdline without NUL. */
    private static void check(Request request) {
        if (request.input() instanceof ExplicitKernel k) {
            if (!Files.isRegularFile(k.kernel())) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "kernel " + k.kernel() + " does not exist");
            }
            if (k.kernelConfig().isPresent() && !Files.isRegularFile(k.kernelConfig().get())) {
                throw new BuildException(BuildException.Code.INPUT_INVALID,
                        "kernel config " + k.kernelConfig().get() + " does not exist");
            }
            if (k.ramdisks().isEmpty()) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "an EIF needs at least one ramdisk");
            }
            for (Path r : k.ramdisks()) {
                if (!Files.isRegularFile(r)) {
                    throw new BuildException(BuildException.Code.INPUT_INVALID, "ramdisk " + r + " does not exist");
                }
            }
            if (k.cmdline().indexOf('\0') >= 0) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "the cmdline contains a NUL character");
            }
        }
    }
}

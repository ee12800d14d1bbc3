package dev.attested.enclave;

import dev.attested.eif.EifArchitecture;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifWriter;
import dev.attested.internal.io.AtomicFiles;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import dev.attested.internal.ramdisk.BootstrapRamdisk;
import dev.attested.internal.ramdisk.CustomerRamdisk;
import dev.attested.internal.ramdisk.ImageConfig;
import dev.attested.internal.ramdisk.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Builds an EIF and its PCR manifest: boot blobs + an image tarball (the bootstrap and customer ramdisks are made
 * here, as nitro-cli makes them), or an explicit kernel, cmdline and ramdisks (the {@code eif_build} use case).
 * Nothing depends on the host: times come from the given build time, ramdisks from {@link CustomerRamdisk}.
 * The EIF and the manifest appear under their final names only when both are complete.
 */
public final class EifBuild {
    /** Mode names recorded in the manifest. */
    public static final String NATIVE = "native";
    public static final String NITRO_CLI = "nitro-cli";
    public static final String EXPLICIT = "explicit";

    private EifArchitecture arch = EifArchitecture.X86_64;
    private BootBlobs blobs;
    private Path imageTarball;
    private PcrManifest.Image image;
    private Path kernel;
    private Path kernelConfig;
    private String cmdline;
    private List<Path> ramdisks = List.of();
    private String imageName = "enclave";
    private String imageVersion = "1.0";
    private Instant buildTime = Instant.EPOCH;
    private String buildTool = "attestation-maven-plugin";
    private String buildToolVersion = "unknown";
    private Path signingKey;
    private Path signingCertificate;
    private SortedMap<String, String> tools = new TreeMap<>();
    private Path outputDirectory;
    private String eifFileName;
    private Path workDir;
    private ImageLimits imageLimits = ImageLimits.defaults();

    /** The result: where the files are and what they say. */
    public record Result(Path eif, Path manifestFile, PcrManifest manifest, ImageConfig imageConfig,
            Optional<SortedMap<Integer, Pcr>> nativePcrs) {}

    /** Boot blobs (kernel, cmdline, init, nsm.ko) and an OCI/docker-save image tarball. */
    public EifBuild fromImage(BootBlobs blobs, Path imageTarball, PcrManifest.Image image) {
        this.blobs = Objects.requireNonNull(blobs);
        this.imageTarball = Objects.requireNonNull(imageTarball);
        this.image = image;
        this.arch = blobs.arch();
        return this;
    }

    /** An explicit kernel, command line and ramdisks (in order; the first is measured into PCR1). */
    public EifBuild explicit(EifArchitecture arch, Path kernel, Path kernelConfig, String cmdline, List<Path> ramdisks) {
        this.arch = Objects.requireNonNull(arch);
        this.kernel = Objects.requireNonNull(kernel);
        this.kernelConfig = kernelConfig;
        this.cmdline = Objects.requireNonNull(cmdline);
        this.ramdisks = List.copyOf(ramdisks);
        return this;
    }

    public EifBuild imageName(String name, String version) {
        this.imageName = name;
        this.imageVersion = version;
        return this;
    }

    /** How much flattening the image may read and hold; {@link ImageLimits#defaults()} unless set. */
    public EifBuild imageLimits(ImageLimits limits) {
        this.imageLimits = Objects.requireNonNull(limits);
        return this;
    }

    /** The EIF metadata {@code BuildTime} and the manifest's {@code outputTimestamp}. */
    public EifBuild buildTime(Instant time) {
        this.buildTime = time;
        return this;
    }

    public EifBuild buildTool(String name, String version) {
        this.buildTool = name;
        this.buildToolVersion = version;
        return this;
    }

    /** Sign PCR0 with an EC key (PEM) and certificate (PEM): adds PCR8. */
    public EifBuild signing(Path privateKey, Path certificate) {
        this.signingKey = privateKey;
        this.signingCertificate = certificate;
        return this;
    }

    /** Tool versions recorded in the manifest. */
    public EifBuild tools(SortedMap<String, String> tools) {
        this.tools = new TreeMap<>(tools);
        return this;
    }

    /**
     * @param directory   where the EIF and {@code pcr-manifest.json} go
     * @param eifFileName e.g. {@code app-1.0.eif}
     * @param workDir     for the bootstrap ramdisk (kept for inspection, like nitro-cli's artifacts directory) and
     *                    the image's spooled file contents while the customer ramdisk streams into the EIF
     */
    public EifBuild output(Path directory, String eifFileName, Path workDir) {
        this.outputDirectory = directory;
        this.eifFileName = eifFileName;
        this.workDir = workDir;
        return this;
    }

    /** Builds the EIF in Java. */
    public Result buildNative() {
        check();
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(outputDirectory);
            Path tmpEif = AtomicFiles.newTempSibling(outputDirectory.resolve(eifFileName));
            try (Prepared p = prepare()) {
                EifWriter.WrittenEif written = EifAssembly.write(tmpEif, arch, p.kernel, p.cmdline, metadata(p),
                        p.ramdisks, p.customer, signingKey, signingCertificate, buildTime);
                Result r = place(tmpEif, written.measurements().asMap(), written.sha256(), p,
                        blobs == null ? EXPLICIT : NATIVE, Optional.empty());
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

    /**
     * Builds the EIF with nitro-cli from an image already in the Docker daemon, re-measures the file it wrote
     * and fails if nitro-cli's PCRs differ; also builds natively (in the work directory) to report whether the
     * Java build of the same image gives the same PCRs.
     */
    public Result buildWithNitroCli(NitroCli cli, String dockerUri) {
        check();
        if (blobs == null) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, "mode=nitro-cli builds from an image; "
                    + "explicit kernel/ramdisks need mode=native");
        }
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(outputDirectory);
            Path tmpEif = AtomicFiles.newTempSibling(outputDirectory.resolve(eifFileName));
            try (Prepared p = prepare()) {
                Path nativeEif = workDir.resolve("native-" + eifFileName);
                SortedMap<Integer, Pcr> nativePcrs = EifAssembly.write(nativeEif, arch, p.kernel, p.cmdline,
                        metadata(p), p.ramdisks, p.customer, signingKey, signingCertificate, buildTime)
                        .measurements().asMap();
                Path[] signing = signingKey == null ? null : new Path[] {signingCertificate, signingKey};
                NitroCli.Result reported = cli.buildEnclave(dockerUri, tmpEif, imageName, imageVersion, signing,
                        workDir);
                SortedMap<Integer, Pcr> measured = EifAssembly.measure(tmpEif);
                if (!measured.equals(reported.pcrs())) {
                    throw new BuildException(BuildException.Code.NITRO_CLI_MISMATCH, "nitro-cli reported "
                            + reported.pcrs() + " but the EIF it wrote measures " + measured
                            + ". The file was not kept.");
                }
                Result r = place(tmpEif, measured, BootBlobs.sha256(tmpEif), p, NITRO_CLI, Optional.of(nativePcrs));
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

    /**
     * What goes into the EIF: kernel, cmdline, ramdisk files and, for an image, the flattened customer ramdisk,
     * which streams into the EIF without an intermediate file (its spool is removed on close).
     */
    private record Prepared(Path kernel, String cmdline, List<Path> ramdisks, CustomerRamdisk.Flattened customer,
            List<String> osAndKernel, SortedMap<String, String> inputs, ImageConfig imageConfig)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (customer != null) {
                customer.close();
            }
        }
    }

    private Prepared prepare() throws IOException {
        if (blobs != null) {
            Path bootstrap = workDir.resolve("bootstrap-initrd.img");
            AtomicFiles.write(bootstrap, out -> BootstrapRamdisk.write(blobs.init(), blobs.nsmKo(), out));
            SortedMap<String, String> inputs = blobs.sha256();
            List<String> osAndKernel = blobs.kernelOsAndVersion();
            CustomerRamdisk.Flattened customer = CustomerRamdisk.flatten(imageTarball, workDir, imageLimits);
            ImageConfig config = customer.config();
            if (!config.architecture().isEmpty() && !config.architecture().equals(arch.ociName())) {
                customer.close();
                throw new BuildException(BuildException.Code.INPUT_INVALID, "the image is for " + config.architecture()
                        + " but the blobs are " + arch.id() + "; build the image for " + arch.ociName());
            }
            return new Prepared(blobs.kernel(), blobs.cmdlineText(), List.of(bootstrap), customer, osAndKernel,
                    inputs, config);
        }
        SortedMap<String, String> inputs = new TreeMap<>();
        inputs.put(kernel.getFileName().toString(), BootBlobs.sha256(kernel));
        List<String> os = List.of("OS", "kernel");
        if (kernelConfig != null) {
            inputs.put(kernelConfig.getFileName().toString(), BootBlobs.sha256(kernelConfig));
            os = BootBlobs.kernelOsAndVersion(kernelConfig);
        }
        for (Path r : ramdisks) {
            inputs.put(r.getFileName().toString(), BootBlobs.sha256(r));
        }
        return new Prepared(kernel, cmdline, ramdisks, null, os, inputs, null);
    }

    private EifMetadata metadata(Prepared p) {
        return EifMetadata.of(imageName, imageVersion, EifMetadata.BuildMetadata.of(buildTime, buildTool,
                buildToolVersion, p.osAndKernel.get(0), p.osAndKernel.get(1)));
    }

    private Result place(Path tmpEif, SortedMap<Integer, Pcr> pcrs, String eifSha256, Prepared p, String mode,
            Optional<SortedMap<Integer, Pcr>> nativePcrs) throws IOException {
        Path eif = outputDirectory.resolve(eifFileName);
        Path manifestFile = outputDirectory.resolve("pcr-manifest.json");
        PcrManifest manifest = PcrManifest.of(new PcrManifest.Eif(eifFileName, eifSha256, Files.size(tmpEif)),
                pcrs, image, p.inputs, p.cmdline, mode, arch.id(), tools, buildTime.toString());
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

    private void check() {
        if (outputDirectory == null) {
            throw new IllegalStateException("output(...) not set");
        }
        if (blobs == null && kernel == null) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "nothing to build: give boot blobs and an image, or an explicit kernel, cmdline and ramdisks");
        }
        if (blobs == null) {
            if (!Files.isRegularFile(kernel)) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "kernel " + kernel + " does not exist");
            }
            if (ramdisks.isEmpty()) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "an EIF needs at least one ramdisk");
            }
            for (Path r : ramdisks) {
                if (!Files.isRegularFile(r)) {
                    throw new BuildException(BuildException.Code.INPUT_INVALID, "ramdisk " + r + " does not exist");
                }
            }
            if (cmdline.indexOf('\0') >= 0) {
                throw new BuildException(BuildException.Code.INPUT_INVALID, "the cmdline contains a NUL character");
            }
        }
        if ((signingKey == null) != (signingCertificate == null)) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "signing needs both signingKey and signingCertificate (or neither)");
        }
    }
}

package dev.attested.cli;

import dev.attested.eif.EifArchitecture;
import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.EifBuild;
import dev.attested.image.EnclaveBuild;
import dev.attested.image.ImageSource;
import dev.attested.enclave.LocalMavenRepository;
import dev.attested.enclave.OutputTimestamp;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code attested build-eif}: an EIF and {@code pcr-manifest.json} from an image tarball built elsewhere (Jib,
 * {@code docker save}, Nix) and the boot blobs, the same bytes as the build-eif goal with
 * {@code attestation.imageTarball} for the same inputs.
 */
@Command(name = "build-eif", mixinStandardHelpOptions = false, sortOptions = false,
        description = "Builds a reproducible EIF and its pcr-manifest.json from an OCI or docker-save image tarball "
                + "and the Nitro boot blobs, in Java (no Docker, no nitro-cli).")
final class BuildEifCommand implements Callable<Integer> {
    /** The name the EIF metadata and the manifest record as build tool: the goal's, so both make the same bytes. */
    static final String BUILD_TOOL = "attestation-maven-plugin";

    @Spec
    CommandSpec spec;

    @Option(names = "--image", required = true, paramLabel = "TAR",
            description = "The image: an OCI image layout or 'docker save' tarball.")
    Path image;

    @Option(names = "--blobs", paramLabel = "DIR|G:A:V[:C]", description = "Boot blobs: a directory, or the "
            + "coordinates of a blobs zip (package-blobs) in the local Maven repository; default: $NITRO_CLI_BLOBS, "
            + "else /usr/share/nitro_enclaves/blobs.")
    String blobs;

    @Option(names = "--maven-repo", paramLabel = "DIR",
            description = "Local Maven repository for --blobs coordinates (default ~/.m2/repository); never downloads.")
    Path mavenRepo;

    @Option(names = "--arch", paramLabel = "x86_64|aarch64", description = "Needed only when the blobs hold both kernels.")
    String arch;

    @Option(names = "--output", defaultValue = ".", paramLabel = "DIR",
            description = "Where the EIF and pcr-manifest.json go (default: the current directory).")
    Path output;

    @Option(names = "--timestamp", paramLabel = "T", description = "Build time recorded in the EIF and the manifest: "
            + "ISO-8601 with offset or epoch seconds; default $SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z. Never the "
            + "wall clock.")
    String timestamp;

    @Option(names = "--signing-key", paramLabel = "PEM", description = "EC private key to sign PCR0 with (adds PCR8).")
    Path signingKey;

    @Option(names = "--signing-certificate", paramLabel = "PEM", description = "The signing certificate.")
    Path signingCertificate;

    @Option(names = "--name", defaultValue = "enclave", paramLabel = "NAME",
            description = "EIF metadata ImageName and file name (default enclave).")
    String name;

    @Option(names = "--version", defaultValue = "1.0", paramLabel = "VERSION",
            description = "EIF metadata ImageVersion (default 1.0); the EIF is NAME-VERSION.eif.")
    String version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Files2.existingFile(image, "--image");
        if ((signingKey == null) != (signingCertificate == null)) {
            throw new Errors.Usage("--signing-key and --signing-certificate go together");
        }
        String time = timestamp != null ? timestamp : System.getenv("SOURCE_DATE_EPOCH");
        Files.createDirectories(output);
        // The build's scratch directory (unpacked blobs, bootstrap ramdisk, spools), as the goal's: removed
        // afterwards unless it was there before.
        Path work = output.resolve("work");
        boolean keepWork = Files.exists(work);
        try {
            Optional<EifArchitecture> a = arch == null ? Optional.empty() : Optional.of(EifArchitecture.parse(arch));
            BootBlobs bootBlobs;
            if (LocalMavenRepository.isCoordinates(blobs)) {
                LocalMavenRepository repo = mavenRepo != null ? new LocalMavenRepository(mavenRepo)
                        : LocalMavenRepository.userDefault(System.getProperty("user.home"));
                bootBlobs = BootBlobs.unzip(repo.artifact(blobs, "zip"), work.resolve("blobs"), a);
            } else {
                BootBlobs.Location location = BootBlobs.locate(blobs, System.getenv());
                bootBlobs = BootBlobs.load(Files2.existing(location.directory(), "--blobs (" + location.source() + ")"), a);
            }
            // Paths in the manifest are relative to the current directory, as the goal's are to the project.
            EnclaveBuild.Request.Builder request = EnclaveBuild.Request.builder(new ImageSource.ImageTarball(image),
                            bootBlobs, new EifBuild.BuildTool(BUILD_TOOL, Attested.version()), output, name + "-" + version)
                    .imageName(name, version).buildTime(OutputTimestamp.parse(time))
                    .projectDirectory(Path.of("").toAbsolutePath());
            if (signingKey != null) {
                request.signing(new EifBuild.Signing(Files2.existingFile(signingKey, "--signing-key"),
                        Files2.existingFile(signingCertificate, "--signing-certificate")));
            }
            EifBuild.Result r = EnclaveBuild.build(request.build()).eif();
            PcrManifest m = r.manifest();
            out.println("EIF      " + r.eif() + " (" + m.eif().size() + " bytes, sha256 " + m.eif().sha256() + ")");
            out.println("Manifest " + r.manifestFile());
            out.println("Mode " + m.mode() + ", " + m.arch() + ", build time " + m.outputTimestamp());
            for (Map.Entry<Integer, String> e : m.pcrs().entrySet()) {
                out.println("PCR" + e.getKey() + " " + e.getValue());
            }
            out.flush();
            return Attested.OK;
        } finally {
            if (!keepWork && Files.exists(work)) {
                Files2.deleteTree(work, "the work directory");
            }
        }
    }
}

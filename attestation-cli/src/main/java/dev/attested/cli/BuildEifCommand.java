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
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code attested build-eif}: an EIF and {@code pcr-manifest.json} from an image tarball built elsewhere (Jib,
 * {@code docker save}, Nix) and the boot blobs, the same bytes as the build-eif goal with
 * {@code attestation.imageTarball} for the same inputs.
 */
final class BuildEifCommand implements Callable<Integer> {
    /** The name the EIF metadata and the manifest record as build tool: the goal's, so both make the same bytes. */
    static final String BUILD_TOOL = "attestation-maven-plugin";

    private CommandSpec spec;

    static CommandSpec spec() {
        BuildEifCommand command = new BuildEifCommand();
        command.spec = Cli.command(command, "Builds a reproducible EIF and its pcr-manifest.json from an OCI or "
                + "docker-save image tarball and the Nitro boot blobs, in Java (no Docker, no nitro-cli).");
        command.spec.usageMessage().sortOptions(false);
        Cli.options(command.spec,
                Cli.option("--image", "TAR", "The image: an OCI image layout or 'docker save' tarball.")
                        .type(Path.class).required(true),
                Cli.option("--blobs", "DIR|G:A:V[:C]", "Boot blobs: a directory, or the coordinates of a blobs zip "
                        + "(package-blobs) in the local Maven repository; default: $NITRO_CLI_BLOBS, else "
                        + "/usr/share/nitro_enclaves/blobs."),
                Cli.option("--maven-repo", "DIR", "Local Maven repository for --blobs coordinates (default "
                        + "~/.m2/repository); never downloads.").type(Path.class),
                Cli.option("--arch", "x86_64|aarch64", "Needed only when the blobs hold both kernels."),
                Cli.option("--output", "DIR", "Where the EIF and pcr-manifest.json go (default: the current "
                        + "directory).").type(Path.class).defaultValue("."),
                Cli.option("--timestamp", "T", "Build time recorded in the EIF and the manifest: ISO-8601 with offset "
                        + "or epoch seconds; default $SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z. Never the wall "
                        + "clock."),
                Cli.option("--signing-key", "PEM", "EC private key to sign PCR0 with (adds PCR8).").type(Path.class),
                Cli.option("--signing-certificate", "PEM", "The signing certificate.").type(Path.class),
                Cli.option("--name", "NAME", "EIF metadata ImageName and file name (default enclave).")
                        .defaultValue("enclave"),
                Cli.option("--version", "VERSION", "EIF metadata ImageVersion (default 1.0); the EIF is "
                        + "NAME-VERSION.eif.").defaultValue("1.0"));
        command.spec.addOption(Cli.help());
        return command.spec;
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path image = Cli.value(spec, "--image");
        String blobs = Cli.value(spec, "--blobs");
        Path mavenRepo = Cli.value(spec, "--maven-repo");
        String arch = Cli.value(spec, "--arch");
        Path output = Cli.value(spec, "--output");
        String timestamp = Cli.value(spec, "--timestamp");
        Path signingKey = Cli.value(spec, "--signing-key");
        Path signingCertificate = Cli.value(spec, "--signing-certificate");
        String name = Cli.value(spec, "--name");
        String version = Cli.value(spec, "--version");
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

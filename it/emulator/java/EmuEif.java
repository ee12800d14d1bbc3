import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.EifBuild;
import dev.attested.eif.EifSigner;
import dev.attested.eif.EifWriter;
import dev.attested.pcr.PcrManifest;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Builds an EIF for the emulator tests with the core's native builder ({@link EifBuild}, the code behind
 * {@code build-eif}): boot blobs directory + image tarball. Writes {@code NAME.eif} and {@code pcr-manifest.json}
 * into OUTDIR and prints the PCRs.
 *
 * <p>With a key and certificate it also signs the built EIF with {@link EifSigner} (as {@code nitro-cli sign-eif}
 * does: PCR8), and the manifest gains PCR8 and the signed file's hash.
 *
 * <pre>
 * java -cp CORE_CLASSPATH it/emulator/java/EmuEif.java BLOBS_DIR IMAGE.tar OUTDIR NAME [KEY.pem CERT.pem]
 * </pre>
 */
public final class EmuEif {
    public static void main(String[] args) {
        if (args.length != 4 && args.length != 6) {
            System.err.println("usage: EmuEif BLOBS_DIR IMAGE.tar OUTDIR NAME [SIGNING_KEY.pem SIGNING_CERT.pem]");
            System.exit(2);
        }
        Path out = Path.of(args[2]);
        String name = args[3];
        Path work = out.resolve("work-" + name);
        BootBlobs blobs = BootBlobs.load(Path.of(args[0]));
        EifBuild.Result r = EifBuild.build(EifBuild.Request.builder(
                        new EifBuild.FromImage(blobs, Path.of(args[1]), new PcrManifest.Image(name, "1.0", null, null),
                                EifBuild.Backend.NATIVE),
                        new EifBuild.BuildTool("it/emulator", "1"), new EifBuild.Output(out, name + ".eif", work))
                .imageName(name, "1.0")
                .build());
        PcrManifest manifest = r.manifest();
        if (args.length == 6) {
            // Signed the way `nitro-cli sign-eif` signs: the built EIF gains a signature section (PCR8).
            EifWriter.WrittenEif signed = EifSigner.fromPem(Path.of(args[4]), Path.of(args[5]), Instant.now())
                    .sign(r.eif(), r.eif());
            if (!signed.measurements().pcr0().equals(manifest.pcrValues().get(0))) {
                throw new IllegalStateException("the signed EIF measures to another PCR0 than the unsigned build");
            }
            manifest = PcrManifest.of(new PcrManifest.Eif(manifest.eif().file(), signed.sha256(), signed.size()),
                    signed.measurements().asMap(), manifest.image(), manifest.blobs(), manifest.cmdline(),
                    manifest.mode(), manifest.arch(), manifest.tools(), manifest.outputTimestamp());
            manifest.write(r.manifestFile());
        }
        System.out.println("EIF " + r.eif());
        manifest.pcrs().forEach((i, hex) -> System.out.println("PCR" + i + " " + hex));
    }
}

import dev.attested.build.BootBlobs;
import dev.attested.build.EifBuild;
import dev.attested.pcr.PcrManifest;
import java.nio.file.Path;

/**
 * Builds an EIF for the emulator tests with the core's native builder ({@link EifBuild}, the code behind
 * {@code build-eif}): boot blobs directory + image tarball, optionally signed. Writes {@code NAME.eif} and
 * {@code pcr-manifest.json} into OUTDIR and prints the PCRs.
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
        EifBuild build = new EifBuild()
                .fromImage(BootBlobs.load(Path.of(args[0])), Path.of(args[1]),
                        new PcrManifest.Image(args[3], "1.0", null, null))
                .imageName(args[3], "1.0")
                .buildTool("it/emulator", "1")
                .output(out, args[3] + ".eif", out.resolve("work-" + args[3]));
        if (args.length == 6) {
            build.signing(Path.of(args[4]), Path.of(args[5]));
        }
        EifBuild.Result r = build.buildNative();
        System.out.println("EIF " + r.eif());
        r.manifest().pcrs().forEach((i, hex) -> System.out.println("PCR" + i + " " + hex));
    }
}

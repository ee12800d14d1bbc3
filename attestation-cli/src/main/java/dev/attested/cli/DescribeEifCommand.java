package dev.attested.cli;

import dev.attested.eif.EifDescription;
import dev.attested.eif.EifImage;
import dev.attested.eif.EifMeasurements;
import dev.attested.eif.EifReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code attested describe-eif}: nitro-cli's describe-eif JSON, the same bytes as the describe-eif goal writes. */
@Command(name = "describe-eif", mixinStandardHelpOptions = true,
        description = "Prints what 'nitro-cli describe-eif' prints for an EIF (PCR0/1/2, PCR8 when signed, CRC and "
                + "signature checks, metadata). Exit 1 with EIF_CRC_MISMATCH or EIF_SIGNATURE_INVALID after printing "
                + "when a check fails.")
final class DescribeEifCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The EIF.")
    Path eif;

    @Option(names = "--hash-algorithm", paramLabel = "TEXT", defaultValue = EifMeasurements.NITRO_CLI_HASH_ALGORITHM,
            description = "The HashAlgorithm string of the Measurements map (default: nitro-cli's).")
    String hashAlgorithm;

    @Option(names = "--no-fail-on-invalid", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Exit 1 when the CRC or the PCR0 signature does not check (default: true).")
    boolean failOnInvalid;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        EifImage image = EifReader.inspect(Files2.existingFile(eif, "FILE"));
        out.print(EifDescription.json(image, hashAlgorithm));
        out.print('\n');
        out.flush();
        if (failOnInvalid) {
            image.requireIntact();
        }
        return Attested.OK;
    }
}

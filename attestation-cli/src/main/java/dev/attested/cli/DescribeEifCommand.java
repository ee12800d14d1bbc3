package dev.attested.cli;

import dev.attested.eif.EifDescription;
import dev.attested.eif.EifImage;
import dev.attested.eif.EifMeasurements;
import dev.attested.eif.EifReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code attested describe-eif}: nitro-cli's describe-eif JSON, the same bytes as the describe-eif goal writes. */
final class DescribeEifCommand implements Callable<Integer> {
    private CommandSpec spec;

    static CommandSpec spec() {
        DescribeEifCommand command = new DescribeEifCommand();
        command.spec = Cli.command(command, "Prints what 'nitro-cli describe-eif' prints for an EIF (PCR0/1/2, PCR8 "
                + "when signed, CRC and signature checks, metadata). Exit 1 with EIF_CRC_MISMATCH or "
                + "EIF_SIGNATURE_INVALID after printing when a check fails.");
        command.spec.addPositional(Cli.parameter("1", "FILE", "The EIF.").type(Path.class).build());
        return Cli.withStandardHelp(command.spec,
                Cli.option("--hash-algorithm", "TEXT", "The HashAlgorithm string of the Measurements map (default: "
                        + "nitro-cli's).").defaultValue(EifMeasurements.NITRO_CLI_HASH_ALGORITHM),
                Cli.flag("--no-fail-on-invalid", "Exit 1 when the CRC or the PCR0 signature does not check (default: "
                        + "true).").negatable(true).defaultValue("true").fallbackValue("true"));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        EifImage image = EifReader.inspect(Files2.existingFile(Cli.parameter(spec, 0), "FILE"));
        out.print(EifDescription.json(image, Cli.value(spec, "--hash-algorithm")));
        out.print('\n');
        out.flush();
        if (Cli.isSet(spec, "--no-fail-on-invalid")) {
            image.requireIntact();
        }
        return Attested.OK;
    }
}

package dev.attested.cli;

import dev.attested.attestation.NitroRoots;
import dev.attested.pcr.Pcr;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code attested pcr}: the value a PCR takes, printed as hex. */
final class PcrCommand implements Callable<Integer> {
    private CommandSpec spec;

    static CommandSpec spec() {
        PcrCommand command = new PcrCommand();
        command.spec = Cli.command(command, "Prints the PCR (96 hex digits) of a parent role (PCR3), a parent "
                + "instance (PCR4), an EIF signing certificate (PCR8) or a file (SHA384(0^48 || SHA384(content))).");
        command.spec.addArgGroup(ArgGroupSpec.builder().exclusive(true).multiplicity("1")
                .addArg(Cli.option("--role", "ARN", "PCR3 of the parent's IAM role ARN (with its path).").build())
                .addArg(Cli.option("--instance", "ID", "PCR4 of the parent instance id (i-...).").build())
                .addArg(Cli.option("--certificate", "PEM", "PCR8 of the EIF signing certificate.").type(Path.class)
                        .build())
                .addArg(Cli.option("--file", "FILE", "The PCR measuring a file's content.").type(Path.class).build())
                .build());
        return Cli.withStandardHelp(command.spec);
    }

    @Override
    public Integer call() {
        String role = Cli.value(spec, "--role");
        String instance = Cli.value(spec, "--instance");
        Path certificate = Cli.value(spec, "--certificate");
        Pcr pcr;
        if (role != null) {
            pcr = Pcr.ofParentRoleArn(role);
        } else if (instance != null) {
            pcr = Pcr.ofParentInstanceId(instance);
        } else if (certificate != null) {
            List<X509Certificate> certs = NitroRoots.read(Files2.existingFile(certificate, "--certificate"));
            if (certs.size() != 1) {
                throw new Errors.Usage("--certificate " + certificate + " holds " + certs.size()
                        + " certificates; PCR8 measures exactly one (the EIF signing certificate)");
            }
            pcr = Pcr.ofSigningCertificate(certs.get(0));
        } else {
            pcr = Pcr.ofFile(Files2.existingFile(Cli.value(spec, "--file"), "--file"));
        }
        spec.commandLine().getOut().println(pcr.hex());
        spec.commandLine().getOut().flush();
        return Attested.OK;
    }
}

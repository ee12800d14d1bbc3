package dev.attested.cli;

import dev.attested.attestation.NitroRoots;
import dev.attested.pcr.Pcr;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code attested pcr}: the value a PCR takes, printed as hex. */
@Command(name = "pcr", mixinStandardHelpOptions = true,
        description = "Prints the PCR (96 hex digits) of a parent role (PCR3), a parent instance (PCR4), an EIF "
                + "signing certificate (PCR8) or a file (SHA384(0^48 || SHA384(content))).")
final class PcrCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--role", paramLabel = "ARN", description = "PCR3 of the parent's IAM role ARN (with its path).")
        String role;
        @Option(names = "--instance", paramLabel = "ID", description = "PCR4 of the parent instance id (i-...).")
        String instance;
        @Option(names = "--certificate", paramLabel = "PEM", description = "PCR8 of the EIF signing certificate.")
        Path certificate;
        @Option(names = "--file", paramLabel = "FILE", description = "The PCR measuring a file's content.")
        Path file;
    }

    @Override
    public Integer call() {
        Pcr pcr;
        if (source.role != null) {
            pcr = Pcr.ofParentRoleArn(source.role);
        } else if (source.instance != null) {
            pcr = Pcr.ofParentInstanceId(source.instance);
        } else if (source.certificate != null) {
            List<X509Certificate> certs = NitroRoots.read(Files2.existingFile(source.certificate, "--certificate"));
            if (certs.size() != 1) {
                throw new Errors.Usage("--certificate " + source.certificate + " holds " + certs.size()
                        + " certificates; PCR8 measures exactly one (the EIF signing certificate)");
            }
            pcr = Pcr.ofSigningCertificate(certs.get(0));
        } else {
            pcr = Pcr.ofFile(Files2.existingFile(source.file, "--file"));
        }
        spec.commandLine().getOut().println(pcr.hex());
        spec.commandLine().getOut().flush();
        return Attested.OK;
    }
}

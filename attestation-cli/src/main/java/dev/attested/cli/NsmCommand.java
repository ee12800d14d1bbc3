package dev.attested.cli;

import dev.attested.attestation.VerificationOptions;
import dev.attested.nsm.Nsm;
import dev.attested.nsm.NsmResponse;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;

/**
 * {@code attested nsm}: the Nitro Secure Module from inside an enclave, through nsm-ffm. nsm-ffm is compiled for
 * Java 25 (the FFM API); its classes are loaded by name, and only on Java 25 or newer.
 */
final class NsmCommand implements Runnable {
    /** The first Java feature release with the final FFM API nsm-ffm uses. */
    static final int REQUIRED_JAVA = 25;
    static final String FFM_CLASS = "dev.attested.nsm.ffm.FfmNsm";

    private CommandSpec spec;

    static CommandSpec spec() {
        NsmCommand command = new NsmCommand();
        command.spec = Cli.command(command,
                "Talks to the Nitro Secure Module (/dev/nsm) from inside an enclave. Needs Java 25.");
        // Inherited: the subcommands take it too, and share its value.
        Cli.withStandardHelp(command.spec, Cli.option("--device", "PATH", "The NSM device (default /dev/nsm).")
                .defaultValue("/dev/nsm").scopeType(ScopeType.INHERIT));
        command.spec.addSubcommand("describe", Cli.withStandardHelp(Cli.command(new Describe(command), "Prints the "
                + "module's description (module id, version, PCR count, locked PCRs, digest).")));
        return command.spec.addSubcommand("attest", Attest.spec(command));
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name a subcommand: describe or attest");
    }

    /** Opens the device through nsm-ffm; a usage error on a Java older than 25. */
    Nsm open() {
        int feature = Runtime.version().feature();
        if (feature < REQUIRED_JAVA) {
            throw new Errors.Usage("'attested nsm' needs Java " + REQUIRED_JAVA + " or newer (it calls /dev/nsm "
                    + "through the FFM API); this is Java " + feature + ". Run the jar with a Java " + REQUIRED_JAVA
                    + " runtime; every other command runs on Java 17.");
        }
        try {
            String device = Cli.value(spec, "--device");
            return (Nsm) Class.forName(FFM_CLASS).getMethod("open", String.class).invoke(null, device);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("nsm-ffm is missing from this jar: " + e, e);
        }
    }

    static void close(Nsm nsm) {
        if (nsm instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // Closing a descriptor after a completed request loses nothing.
            }
        }
    }

    static final class Describe implements Callable<Integer> {
        private final NsmCommand parent;

        Describe(NsmCommand parent) {
            this.parent = parent;
        }

        @Override
        public Integer call() {
            Nsm nsm = parent.open();
            try {
                NsmResponse.DescribeNsm d = nsm.describeNsm();
                PrintWriter out = parent.spec.commandLine().getOut();
                out.println("module_id    " + d.moduleId());
                out.println("version      " + d.versionMajor() + "." + d.versionMinor() + "." + d.versionPatch());
                out.println("max_pcrs     " + d.maxPcrs());
                out.println("locked_pcrs  " + d.lockedPcrs());
                out.println("digest       " + d.digest());
                out.flush();
                return Attested.OK;
            } finally {
                close(nsm);
            }
        }
    }

    static final class Attest implements Callable<Integer> {
        private final NsmCommand parent;
        private CommandSpec spec;

        private Attest(NsmCommand parent) {
            this.parent = parent;
        }

        static CommandSpec spec(NsmCommand parent) {
            Attest command = new Attest(parent);
            command.spec = Cli.command(command, "Asks for an attestation document and prints it as base64 on one "
                    + "line: 'attested nsm attest | attested verify ...'.");
            return Cli.withStandardHelp(command.spec,
                    Cli.option("--nonce", "HEX|BASE64", "The nonce to embed."),
                    Cli.option("--user-data", "HEX|BASE64", "The user_data to embed."),
                    Cli.option("--public-key", "HEX|BASE64", "The public_key to embed."));
        }

        @Override
        public Integer call() {
            byte[] n = bytes("--nonce", Cli.value(spec, "--nonce"));
            byte[] u = bytes("--user-data", Cli.value(spec, "--user-data"));
            byte[] k = bytes("--public-key", Cli.value(spec, "--public-key"));
            Nsm nsm = parent.open();
            try {
                byte[] document = nsm.attestation(u, n, k);
                PrintWriter out = spec.commandLine().getOut();
                out.println(Base64.getEncoder().encodeToString(document));
                out.flush();
                return Attested.OK;
            } finally {
                close(nsm);
            }
        }

        private static byte[] bytes(String option, String value) {
            return value == null ? null : VerificationOptions.bytes(option, value);
        }
    }
}

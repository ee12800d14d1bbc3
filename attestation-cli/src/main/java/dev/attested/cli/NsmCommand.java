package dev.attested.cli;

import dev.attested.attestation.VerificationOptions;
import dev.attested.nsm.Nsm;
import dev.attested.nsm.NsmResponse;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code attested nsm}: the Nitro Secure Module from inside an enclave, through nsm-ffm. nsm-ffm is compiled for
 * Java 25 (the FFM API); its classes are loaded by name, and only on Java 25 or newer.
 */
@Command(name = "nsm", mixinStandardHelpOptions = true,
        description = "Talks to the Nitro Secure Module (/dev/nsm) from inside an enclave. Needs Java 25.",
        subcommands = {NsmCommand.Describe.class, NsmCommand.Attest.class})
final class NsmCommand implements Runnable {
    /** The first Java feature release with the final FFM API nsm-ffm uses. */
    static final int REQUIRED_JAVA = 25;
    static final String FFM_CLASS = "dev.attested.nsm.ffm.FfmNsm";

    @Spec
    CommandSpec spec;

    @Option(names = "--device", defaultValue = "/dev/nsm", scope = picocli.CommandLine.ScopeType.INHERIT,
            paramLabel = "PATH", description = "The NSM device (default /dev/nsm).")
    String device;

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

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Prints the module's description "
            + "(module id, version, PCR count, locked PCRs, digest).")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        NsmCommand parent;

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

    @Command(name = "attest", mixinStandardHelpOptions = true, description = "Asks for an attestation document "
            + "and prints it as base64 on one line: 'attested nsm attest | attested verify ...'.")
    static final class Attest implements Callable<Integer> {
        @ParentCommand
        NsmCommand parent;

        @Option(names = "--nonce", paramLabel = "HEX|BASE64", description = "The nonce to embed.")
        String nonce;
        @Option(names = "--user-data", paramLabel = "HEX|BASE64", description = "The user_data to embed.")
        String userData;
        @Option(names = "--public-key", paramLabel = "HEX|BASE64", description = "The public_key to embed.")
        String publicKey;

        @Override
        public Integer call() {
            byte[] n = bytes("--nonce", nonce);
            byte[] u = bytes("--user-data", userData);
            byte[] k = bytes("--public-key", publicKey);
            Nsm nsm = parent.open();
            try {
                byte[] document = nsm.attestation(u, n, k);
                PrintWriter out = parent.spec.commandLine().getOut();
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

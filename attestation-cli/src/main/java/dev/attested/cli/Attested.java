package dev.attested.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code attested}: the toolkit's commands for people outside Maven. Argument parsing and printing only; the work
 * is the library's. Exit status: 0 success (verified), 1 the toolkit refused (rejected document, failed check,
 * coded error), 2 usage or I/O error.
 */
@Command(name = "attested", mixinStandardHelpOptions = true, versionProvider = Attested.Version.class,
        description = "Attested releases for AWS Nitro Enclaves: verify attestation documents, describe and build "
                + "EIFs, compute PCRs, generate and lint KMS key policies, talk to /dev/nsm.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:success (verify: every document verified)",
                "1:rejected: a document, a check or the input was refused (the error code says why)",
                "2:usage error, or a file that cannot be read or written"})
public final class Attested implements Runnable {
    /** Exit status of a successful command. */
    public static final int OK = 0;
    /** Exit status when the toolkit refused: a rejected document, a failed check, a coded error. */
    public static final int REJECTED = 1;
    /** Exit status of a usage or I/O error. */
    public static final int USAGE = 2;

    /**
     * The commands, in help order. They are added to the tree here rather than in the annotation so that a run
     * builds only the command it names: picocli reads every option of every command it adds by reflection, which
     * is most of the start-up time of a short command such as {@code verify} of a few documents.
     */
    private static final List<String> COMMANDS = List.of("verify", "describe-eif", "build-eif", "kms-policy", "pcr", "nsm",
            "generate-completion");

    private static Object command(String name) {
        return switch (name) {
            case "verify" -> new VerifyCommand();
            case "describe-eif" -> new DescribeEifCommand();
            case "build-eif" -> new BuildEifCommand();
            case "kms-policy" -> new KmsPolicyCommand();
            case "pcr" -> new PcrCommand();
            case "nsm" -> new NsmCommand();
            case "generate-completion" -> new AutoComplete.GenerateCompletion();
            default -> throw new IllegalArgumentException(name);
        };
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (attested --help lists them)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit status. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        cl.setOut(out);
        cl.setErr(err);
        int status = cl.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /** The whole command tree with the exit-status and error mapping (help, completion). */
    public static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The tree for a command line whose first argument is {@code first}: only that command when it names one
     * (its help, errors and behaviour are the same as in the whole tree), no command for {@code --version}, the
     * whole tree otherwise (top-level help, completion, a misspelt command that picocli suggests a correction for).
     */
    static CommandLine commandLine(String first) {
        CommandLine cl = new CommandLine(new Attested());
        boolean one = first != null && COMMANDS.contains(first) && !first.equals("generate-completion");
        boolean none = "--version".equals(first) || "-V".equals(first);
        for (String name : COMMANDS) {
            if (!none && (!one || name.equals(first))) {
                cl.addSubcommand(name, command(name));
            }
        }
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setExecutionExceptionHandler((e, line, parsed) -> Errors.report(e, line.getErr()));
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("attested: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        if (!one && !none) {
            cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
        }
        return cl;
    }

    /** This jar's version (Implementation-Version of its manifest). */
    public static String version() {
        String v = Attested.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"attested " + version()};
        }
    }
}

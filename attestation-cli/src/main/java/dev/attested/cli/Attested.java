package dev.attested.cli;

import dev.attested.attestation.AttestationVerifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code attested}: the toolkit's commands for people outside Maven. Argument parsing and printing only; the work
 * is the library's. Exit status: 0 success (verified), 1 the toolkit refused (rejected document, failed check,
 * coded error), 2 usage or I/O error. The commands are declared with picocli's programmatic API ({@link Cli}).
 */
public final class Attested implements Runnable {
    /** Exit status of a successful command. */
    public static final int OK = 0;
    /** Exit status when the toolkit refused: a rejected document, a failed check, a coded error. */
    public static final int REJECTED = 1;
    /** Exit status of a usage or I/O error. */
    public static final int USAGE = 2;

    /**
     * The commands, in help order. A run builds only the command it names (see {@link #commandLine(String)}): a
     * short command such as {@code verify} of a few documents should not pay for the model of every other one.
     */
    private static final List<String> COMMANDS = List.of("verify", "describe-eif", "build-eif", "kms-policy", "pcr", "nsm",
            "generate-completion");

    private static CommandSpec command(String name) {
        return switch (name) {
            case "verify" -> VerifyCommand.spec();
            case "describe-eif" -> DescribeEifCommand.spec();
            case "build-eif" -> BuildEifCommand.spec();
            case "kms-policy" -> KmsPolicyCommand.spec();
            case "pcr" -> PcrCommand.spec();
            case "nsm" -> NsmCommand.spec();
            case "generate-completion" -> Completion.spec();
            default -> throw new IllegalArgumentException(name);
        };
    }

    private CommandSpec spec;

    private static CommandSpec spec() {
        Attested command = new Attested();
        command.spec = Cli.withStandardHelp(Cli.command(command, "Attested releases for AWS Nitro Enclaves: verify "
                + "attestation documents, describe and build EIFs, compute PCRs, generate and lint KMS key policies, "
                + "talk to /dev/nsm.")).name("attested");
        command.spec.versionProvider(() -> new String[] {"attested " + version()});
        Map<String, String> exitCodes = new LinkedHashMap<>();
        exitCodes.put("0", "success (verify: every document verified)");
        exitCodes.put("1", "rejected: a document, a check or the input was refused (the error code says why)");
        exitCodes.put("2", "usage error, or a file that cannot be read or written");
        command.spec.usageMessage().exitCodeListHeading("%nExit status:%n").exitCodeList(exitCodes);
        return command.spec;
    }

    /**
     * {@code generate-completion}: the bash and zsh completion script of the whole tree; declared as picocli's
     * {@code AutoComplete.GenerateCompletion} is, whose annotations would otherwise be read.
     */
    private static final class Completion implements Runnable {
        private CommandSpec spec;

        static CommandSpec spec() {
            Completion command = new Completion();
            command.spec = Cli.withStandardHelp(Cli.command(command,
                    "Generate bash/zsh completion script for ${ROOT-COMMAND-NAME:-the root command of this command}.",
                    "Run the following command to give `${ROOT-COMMAND-NAME:-$PARENTCOMMAND}` TAB completion in the "
                            + "current shell:",
                    "", "  source <(${PARENT-COMMAND-FULL-NAME:-$PARENTCOMMAND} ${COMMAND-NAME})", ""));
            command.spec.version("generate-completion " + CommandLine.VERSION).helpCommand(true).usageMessage()
                    .optionListHeading("Options:%n");
            return command.spec;
        }

        @Override
        public void run() {
            CommandSpec root = spec.root();
            PrintWriter out = spec.commandLine().getOut();
            // Not println: a script with another line separator would fail in bash.
            out.print(AutoComplete.bash(root.name(), root.commandLine()));
            out.print('\n');
            out.flush();
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a command (attested --help lists them)");
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("verify")) {
            // The verifier's one-time set-up (digests, curve tables, the bundled root) on the second CPU while this
            // thread parses the command line; the verification itself repeats whatever did not happen here.
            Thread prepare = new Thread(Attested::prepareVerifier, "attested-prepare");
            prepare.setDaemon(true);
            prepare.start();
        }
        // Standard output is flushed once, at the end of the command (run flushes it): a summary is one write,
        // not one per line. Standard error, where warnings and progress go, is flushed line by line.
        System.exit(run(args, new PrintWriter(System.out, false), new PrintWriter(System.err, true)));
    }

    private static void prepareVerifier() {
        try {
            AttestationVerifier.prepare();
        } catch (RuntimeException e) {
            // nothing is lost: the first verification does the same work and reports its error
        }
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
        CommandLine cl = new CommandLine(spec(), Cli.FACTORY);
        boolean one = first != null && COMMANDS.contains(first) && !first.equals("generate-completion");
        boolean none = "--version".equals(first) || "-V".equals(first);
        for (String name : COMMANDS) {
            if (!none && (!one || name.equals(first))) {
                cl.addSubcommand(name, command(name));
            }
        }
        // picocli converts paths by reflection (Paths.get), which spins method handles at run time; Path.of is the same.
        cl.registerConverter(Path.class, Path::of);
        cl.setExitCodeExceptionMapper(Errors::exitCode);
        cl.setExecutionExceptionHandler((e, line, parsed) -> Errors.report(e, line.getErr()));
        cl.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("attested: " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
        });
        return cl;
    }

    /** This jar's version (Implementation-Version of its manifest). */
    public static String version() {
        String v = Attested.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}

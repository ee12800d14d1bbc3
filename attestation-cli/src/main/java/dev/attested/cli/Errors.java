package dev.attested.cli;

import dev.attested.AttestedException;
import dev.attested.OptionRenderer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * The one place where an exception becomes a message and an exit status. The toolkit's exceptions carry a stable
 * {@code code()}; their message already says what was expected, what was found and what to do. No stack trace
 * reaches the user.
 */
final class Errors {
    private Errors() {}

    /** A usage error found after parsing (a named file that does not exist, options that do not go together). */
    static final class Usage extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message);
        }
    }

    static int exitCode(Throwable e) {
        if (e instanceof CommandLine.ParameterException || e instanceof Usage || e instanceof IllegalArgumentException
                || e instanceof IOException || e instanceof UncheckedIOException) {
            return Attested.USAGE;
        }
        return code(e) != null ? Attested.REJECTED : Attested.USAGE;
    }

    static int report(Exception e, PrintWriter err) {
        err.println("attested: " + message(e));
        err.flush();
        return exitCode(e);
    }

    static String message(Throwable e) {
        String code = code(e);
        String msg = e instanceof AttestedException a ? a.message(OPTIONS)
                : e.getMessage() == null ? e.getClass().getSimpleName() : OPTIONS.apply(e.getMessage());
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            msg = msg + ": " + ioDetail(e.getCause());
        } else if (e instanceof IOException io) {
            msg = ioDetail(io);
        }
        if (code == null) {
            return e instanceof Usage || e instanceof IllegalArgumentException || e instanceof IOException
                    || e instanceof UncheckedIOException ? msg : "unexpected " + e.getClass().getName() + ": " + msg;
        }
        return msg.startsWith(code) ? msg : code + ": " + msg;
    }

    private static String ioDetail(Throwable io) {
        return io instanceof NoSuchFileException ? "no such file: " + io.getMessage() : String.valueOf(io.getMessage());
    }

    /** Options as this command line spells them: {@code signingKey} is {@code --signing-key}. */
    static final OptionRenderer OPTIONS = option -> switch (option) {
        case TRUST_ANCHOR -> "--root";
        case KMS_POLICY -> "--output (kms-policy generate)";
        case OUTPUT_TIMESTAMP -> "--timestamp";
        default -> "--" + option.key().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
    };

    /** The stable error code of a toolkit exception, or null. */
    static String code(Throwable e) {
        return e instanceof AttestedException a ? a.code().name() : null;
    }
}

package dev.attested.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
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
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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

    /**
     * The stable error code of a toolkit exception ({@code AttestationException}, {@code EifException},
     * {@code BuildException}, {@code KeyPolicyException}, ...: each has a public {@code code()}), or null.
     * TODO(merge): becomes {@code e instanceof dev.attested.AttestedException a ? a.code() : null}.
     */
    static String code(Throwable e) {
        if (!e.getClass().getName().startsWith("dev.attested.")) {
            return null;
        }
        try {
            Method m = e.getClass().getMethod("code");
            Object c = m.invoke(e);
            return c == null ? null : c.toString();
        } catch (ReflectiveOperationException | RuntimeException ex) {
            return null;
        }
    }
}

package dev.attested.maven;

import dev.attested.AttestedException;
import dev.attested.GeneralError;
import dev.attested.GeneralException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * The one place where the plugin turns a failure into what Maven shows: every goal's {@code execute} runs its body
 * through {@link #run}. An {@link AttestedException} fails the goal with {@code CODE: detail hint}, options named
 * as Maven user properties; anything else gets a general code ({@code IO_ERROR}, {@code INVALID_ARGUMENT},
 * {@code INTERNAL_ERROR}) and what to do. Maven prints the message, not a stack trace ({@code -e} shows the original exception).
 */
final class MojoErrors {
    private MojoErrors() {}

    /** A goal's body. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body}; every failure leaves as a coded {@link MojoFailureException}. */
    static void run(Body body) throws MojoFailureException {
        try {
            body.run();
        } catch (MojoFailureException e) {
            throw e;
        } catch (Exception | LinkageError | AssertionError e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw failure(e);
        }
    }

    /**
     * The coded failure for {@code e}. {@code e} is attached as suppressed, not as the cause: Maven's error line
     * appends the message of every cause it does not already contain, which would repeat the message with the
     * options unrendered and add the AWS SDK's text. {@code -e} still prints {@code e} with its causes.
     */
    static MojoFailureException failure(Throwable e) {
        AttestedException coded = coded(e);
        MojoFailureException failure = new MojoFailureException(coded.message(MavenOptions.RENDERER));
        failure.addSuppressed(e);
        return failure;
    }

    /** {@code e} itself when it has a code, else the {@link GeneralException} it stands for. */
    static AttestedException coded(Throwable e) {
        if (e instanceof AttestedException a) {
            return a;
        }
        if (e instanceof MojoExecutionException && e.getCause() != null) {
            // A mojo's own wrapper: the cause says what failed, the wrapper's message where.
            AttestedException cause = coded(e.getCause());
            if (!(cause instanceof GeneralException)) {
                return cause;
            }
        }
        if (e instanceof UncheckedIOException u) {
            return new GeneralException(GeneralError.IO_ERROR, describe(u.getCause()), e);
        }
        if (e instanceof IOException io) {
            return new GeneralException(GeneralError.IO_ERROR, describe(io), e);
        }
        if (e instanceof MojoExecutionException || e instanceof IllegalArgumentException) {
            return new GeneralException(GeneralError.INVALID_ARGUMENT, text(e), e);
        }
        return new GeneralException(GeneralError.INTERNAL_ERROR, e.getClass().getName() + ": " + text(e), e);
    }

    private static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String reason = f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                    : e.getClass().getSimpleName();
            return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason;
        }
        return text(e);
    }

    private static String text(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : MavenOptions.RENDERER.apply(m.strip());
    }
}

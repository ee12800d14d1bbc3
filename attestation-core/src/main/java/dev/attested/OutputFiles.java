package dev.attested;

import dev.attested.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes output files so that a final name never holds partial output, for front ends (the Maven plugin, the CLI)
 * as the library writes its own: content goes to a temporary file beside the target and is moved over it only when
 * complete; on failure the temporary file is removed.
 */
public final class OutputFiles {
    private OutputFiles() {}

    /** Something that writes the whole content to a stream. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code bytes} to {@code target} atomically. */
    public static void write(Path target, byte[] bytes) throws IOException {
        AtomicFiles.write(target, bytes);
    }

    /** Streams {@code content} to {@code target} atomically. */
    public static void write(Path target, Content content) throws IOException {
        AtomicFiles.write(target, content::writeTo);
    }

    /** A new empty temporary file beside {@code target} (same directory, so the final move is atomic). */
    public static Path newTempSibling(Path target) throws IOException {
        return AtomicFiles.newTempSibling(target);
    }

    /** Moves a finished temporary file over {@code target}, atomically where the file system allows. */
    public static void moveIntoPlace(Path tmp, Path target) throws IOException {
        AtomicFiles.moveIntoPlace(tmp, target);
    }
}

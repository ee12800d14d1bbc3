package dev.attested.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Named input files: one that does not exist is a usage error, never "nothing to check". */
final class Files2 {
    private Files2() {}

    static Path existing(Path p, String option) {
        if (!Files.exists(p)) {
            throw new Errors.Usage(option + " " + p + ": no such file");
        }
        return p;
    }

    static Path existingFile(Path p, String option) {
        if (!Files.isRegularFile(p)) {
            throw new Errors.Usage(option + " " + p + (Files.exists(p) ? ": not a regular file" : ": no such file"));
        }
        return p;
    }

    /** Removes {@code dir} and everything in it; {@code what} names it in the error. */
    static void deleteTree(Path dir, String what) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + what + " " + dir, e);
        }
    }
}

package dev.attested.cli;

import java.nio.file.Files;
import java.nio.file.Path;

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
}

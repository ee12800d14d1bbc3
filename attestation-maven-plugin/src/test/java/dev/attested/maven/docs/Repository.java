package dev.attested.maven.docs;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository checkout the plugin module's tests run in (the module directory's parent). */
final class Repository {

    private Repository() {
    }

    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent();
        if (root == null || !Files.isRegularFile(root.resolve("pom.xml")) || !Files.isDirectory(root.resolve("docs"))
                || !Files.isRegularFile(root.resolve("README.md"))) {
            throw new IllegalStateException("the tests must run in attestation-maven-plugin/ of a checkout (found "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return root;
    }
}

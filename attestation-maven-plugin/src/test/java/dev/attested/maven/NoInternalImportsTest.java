package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.attested.internal} is attestation-core's own: no other module's source (main or test), sample or it/
 * project may use it, so that the core can change it freely.
 */
class NoInternalImportsTest {
    private static final String SELF = "attestation-maven-plugin/src/test/java/dev/attested/maven/NoInternalImportsTest.java";

    @Test
    void noCodeOutsideTheCoreUsesInternalPackages() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertTrue(Files.isDirectory(root.resolve("attestation-core")), "not the repository root: " + root);
        Set<String> users = new TreeSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(f -> f.toString().endsWith(".java") || f.toString().endsWith(".kt"))
                    .filter(f -> {
                        String rel = root.relativize(f).toString().replace('\\', '/');
                        return !rel.startsWith("attestation-core/") && !rel.contains("/target/") && !rel.equals(SELF)
                                && !rel.startsWith(".") && !rel.contains("/.");
                    })
                    .forEach(f -> {
                        try {
                            if (Files.readString(f, StandardCharsets.UTF_8).contains("dev.attested.internal")) {
                                users.add(root.relativize(f).toString().replace('\\', '/'));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        }
        assertEquals(Set.of(), users, "these files use dev.attested.internal: use the API packages instead");
    }
}

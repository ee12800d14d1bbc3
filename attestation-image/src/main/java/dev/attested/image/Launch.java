package dev.attested.image;

import java.util.List;
import java.util.Objects;

/** How the enclave starts the application: the image's entrypoint. */
public sealed interface Launch permits Launch.ExecutableJar, Launch.MainClass, Launch.Entrypoint {
    /** {@code java -jar /app/<jar>}; without a jar, no entrypoint (the base image's command applies). */
    ExecutableJar EXECUTABLE_JAR = new ExecutableJar();

    /** {@code java -jar /app/<jar>}. */
    record ExecutableJar() implements Launch {}

    /** {@code java -cp /app/<jar>:/app/lib/* <className>}. */
    record MainClass(String className) implements Launch {
        public MainClass {
            Objects.requireNonNull(className, "className");
            if (className.isBlank()) {
                throw new IllegalArgumentException("the main class name is empty");
            }
        }
    }

    /** This command, as it is. */
    record Entrypoint(List<String> command) implements Launch {
        public Entrypoint {
            command = List.copyOf(command);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("an entrypoint needs at least the program to run");
            }
        }
    }
}

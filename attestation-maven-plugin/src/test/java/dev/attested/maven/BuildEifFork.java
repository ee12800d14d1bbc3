package dev.attested.maven;

import java.nio.file.Path;

/** Runs {@code build-eif} on a test project in a fresh JVM: {@code BuildEifFork <projectDir>}. */
public final class BuildEifFork {
    private BuildEifFork() {}

    public static void main(String[] args) throws Exception {
        MojoProjects.mojo(Path.of(args[0])).execute();
    }
}

package dev.attested.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.AutoComplete;

/** Writes the bash and zsh completion script of the whole command tree to the file named (run at package time). */
public final class CompletionScript {
    private CompletionScript() {}

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), AutoComplete.bash("attested", Attested.commandLine()), StandardCharsets.UTF_8);
    }
}

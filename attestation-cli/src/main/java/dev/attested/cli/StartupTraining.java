package dev.attested.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workload the launcher ({@code attestation-cli/attested}) runs once per jar and JDK so that the JDK records
 * its start-up cache (an AOT cache on Java 25, a class-data sharing archive before): the commands a short run
 * needs, in process, on a real public attestation document shipped in the jar, with their output discarded.
 * The cache holds loaded and linked classes (and, on 25, method profiles), never results: every later run checks
 * everything again.
 */
public final class StartupTraining {
    private StartupTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("attested-training");
        try {
            Path document = dir.resolve("document.b64");
            try (InputStream in = StartupTraining.class.getResourceAsStream("training-document.b64")) {
                Files.copy(in, document);
            }
            String doc = document.toString();
            // a directory of two documents: listing, ordering and the documents verified side by side
            Path documents = Files.createDirectory(dir.resolve("documents"));
            Files.copy(document, documents.resolve("a.b64"));
            Files.copy(document, documents.resolve("b.b64"));
            run("verify", documents.toString(), "--at", "document", "--any-image");
            run("verify", doc, "--at", "document", "--any-image");
            run("verify", doc, "--at", "document", "--any-image", "--json");
            run("verify", "--at", "document", "--pcrs", "0:" + "00".repeat(48), doc);
            run("pcr", "--file", doc);
            run("--version");
            run("--help");
            run("verify", "--help");
        } finally {
            Files2.deleteTree(dir, "the training directory");
        }
    }

    private static void run(String... args) {
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        Attested.run(args, sink, sink);
    }
}

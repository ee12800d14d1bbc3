package dev.attested.cli;

import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The workload the launcher ({@code attestation-cli/attested}) runs once per jar, JDK and family of commands so
 * that the JDK records its start-up cache (an AOT cache on Java 25, a class-data sharing archive before): the
 * commands of a short run of that family, in process, with their output discarded. A cache holds loaded and
 * linked classes (and, on 25, method profiles), never results: every later run checks everything again. Each
 * family gets a cache of its own because a JDK loads every class of its cache at start-up: a verify run should
 * not pay for the classes of the EIF commands, nor they for the verifier's.
 *
 * <p>Families (the argument): {@code verify} (the verify command, on a real public attestation document shipped in
 * the jar), {@code eif} (describe-eif, build-eif and pcr: describe-eif of a small EIF written here, pcr over a
 * file) and {@code other} (every other command line: --version, help, kms-policy, nsm, completion).
 */
public final class StartupTraining {
    /** The kernel of the training EIF: large enough that the digests' block loops get hot as in a real run. */
    private static final int KERNEL_BYTES = 24 << 20;

    private StartupTraining() {}

    /**
     * {@code StartupTraining FAMILY [DIR]}: DIR, an empty directory for the training's files (the launcher makes
     * one beside the cache), is removed at the end; without it a temporary directory is made. The launcher passes
     * one because the JDK's temporary-name generator would bring its random-number set-up into the cache, to be
     * loaded by every later run.
     */
    public static void main(String[] args) throws IOException {
        String family = args.length >= 1 && args.length <= 2 ? args[0] : "";
        Path dir = args.length == 2 ? Path.of(args[1]) : Files.createTempDirectory("attested-training");
        try {
            switch (family) {
                case "verify" -> verify(dir);
                case "eif" -> eif(dir);
                case "other" -> other();
                default -> {
                    System.err.println("usage: StartupTraining verify|eif|other [EMPTY-DIRECTORY]");
                    System.exit(Attested.USAGE);
                }
            }
        } finally {
            Files2.deleteTree(dir, "the training directory");
        }
    }

    private static void verify(Path dir) throws IOException {
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
        run("verify", "--at", "document", "--pcrs", "0:" + "00".repeat(48), doc);
    }

    private static void eif(Path dir) throws IOException {
        Path kernel = dir.resolve("kernel");
        Path ramdisk = dir.resolve("ramdisk");
        write(kernel, KERNEL_BYTES, 1);
        write(ramdisk, KERNEL_BYTES / 8, 2);
        Path eif = dir.resolve("training.eif");
        EifWriter.builder()
                .kernel(kernel)
                .cmdline("console=ttyS0")
                .metadata(EifMetadata.of("training", "1.0", EifMetadata.BuildMetadata.of(Instant.EPOCH, "attested",
                        Attested.version(), "Linux", "0")))
                .ramdisk(ramdisk)
                .ramdisk(ramdisk)
                .build()
                .write(eif);
        run("describe-eif", eif.toString());
        run("describe-eif", eif.toString());
        run("pcr", "--file", kernel.toString());
    }

    private static void other() {
        run("--version");
        run("--help");
        run("verify", "--help");
    }

    /** {@code size} bytes of a fixed pseudo-random sequence (xorshift), so that nothing compresses them away. */
    private static void write(Path file, int size, long seed) throws IOException {
        byte[] block = new byte[1 << 16];
        long x = 0x9E3779B97F4A7C15L * seed;
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int done = 0; done < size; done += block.length) {
                for (int i = 0; i < block.length; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    block[i] = (byte) x;
                }
                out.write(block, 0, Math.min(block.length, size - done));
            }
        }
    }

    private static void run(String... args) {
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        Attested.run(args, sink, sink);
    }
}

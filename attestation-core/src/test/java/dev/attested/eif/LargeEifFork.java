package dev.attested.eif;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Run in a JVM with a small heap by {@link LargeEifTest}: writes an EIF from sparse ramdisks of the given total
 * size, then describes it, and prints the heap limit, both measurements and the description.
 * Arguments: work directory, ramdisk MiB.
 */
public final class LargeEifFork {
    private LargeEifFork() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long mib = Long.parseLong(args[1]);
        Path kernel = Files.write(dir.resolve("kernel"), new byte[] {'K'});
        Path bootstrap = sparse(dir.resolve("bootstrap.cpio"), 16L << 20);
        Path app = sparse(dir.resolve("app.cpio"), (mib - 16) << 20);
        EifWriter.WrittenEif written = EifWriter.builder().kernel(kernel).cmdline("c")
                .metadata(EifMetadata.of("large", "1", EifMetadata.BuildMetadata.of(Instant.EPOCH, "t", "1", "OS", "k")))
                .ramdisk(bootstrap).ramdisk(app).build().write(dir.resolve("large.eif"));
        Files.delete(bootstrap);
        Files.delete(app);
        System.out.println("maxMemory " + Runtime.getRuntime().maxMemory());
        System.out.println("size " + written.size());
        System.out.println("written " + written.measurements().asMap());
        EifImage image = EifReader.read(written.file());
        System.out.println("read " + image.measurements().asMap());
        System.out.println(EifDescription.json(image, EifMeasurements.NITRO_CLI_HASH_ALGORITHM));
    }

    private static Path sparse(Path file, long size) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
    }
}

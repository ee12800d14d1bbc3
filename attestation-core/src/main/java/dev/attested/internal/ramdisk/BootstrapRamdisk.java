package dev.attested.internal.ramdisk;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * nitro-cli's bootstrap ramdisk (EIF ramdisk 0, measured into PCR1): exactly {@code dev} (directory 0755),
 * {@code init} (0755) and {@code nsm.ko} (0755), all root-owned with linuxkit's default mtime, then the trailer
 * (docs/spec/eif-format.md §9.5.1).
 */
public final class BootstrapRamdisk {
    private BootstrapRamdisk() {}

    /** Writes the bootstrap ramdisk for the given {@code init} and {@code nsm.ko} blobs. */
    public static void write(Path init, Path nsmKo, OutputStream out) throws IOException {
        CpioWriter cpio = new CpioWriter(out);
        cpio.write(CpioHeader.directory("dev", 0755));
        copy(cpio, "init", init);
        copy(cpio, "nsm.ko", nsmKo);
        cpio.finish();
    }

    private static void copy(CpioWriter cpio, String name, Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            cpio.write(CpioHeader.file(name, 0755, Files.size(file)), in);
        }
    }
}

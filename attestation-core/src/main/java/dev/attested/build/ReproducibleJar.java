package dev.attested.build;

import dev.attested.io.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Copies a jar with the Unix permission bits of every entry set to 0644 (files) / 0755 (directories).
 *
 * <p>Maven's jar plugin stores each file's permissions from the build machine, so the same sources built under
 * {@code umask 077} and {@code umask 022} give different jars — and, inside the enclave image, a different PCR2.
 * Everything else (entry order, times, compressed bytes, extra fields) is copied raw, unchanged.
 */
public final class ReproducibleJar {
    private ReproducibleJar() {}

    /** Writes the normalized copy of {@code jar} to {@code target} (atomically). */
    public static void normalize(Path jar, Path target) {
        try (ZipFile zip = ZipFile.builder().setPath(jar).get()) {
            AtomicFiles.write(target, out -> {
                try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(out)) {
                    Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
                    while (entries.hasMoreElements()) {
                        ZipArchiveEntry e = entries.nextElement();
                        if (e.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX) {
                            e.setUnixMode(e.isDirectory() ? 040755 : 0100644);
                        }
                        try (InputStream raw = zip.getRawInputStream(e)) {
                            z.addRawArchiveEntry(e, raw);
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "cannot read " + jar + " as a jar: " + e.getMessage(), e);
        }
    }
}

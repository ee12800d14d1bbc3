package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.fuzz.FuzzFixtures;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Fuzz targets for container images (docs/fuzzing.md): {@link ImageArchive} (the outer tarball: docker save or
 * OCI layout, their JSON) and {@link RootfsFlattener} (layer tars, plain or gzip), driven through
 * {@link CustomerRamdisk#flatten} as build-eif drives them. Contract for any input: a ramdisk or a
 * {@link RamdiskException} with a code, nothing else, within a memory budget; no spool file is left behind; and
 * the ramdisk's length and CRC-32, announced before it is written (what the EIF header needs first), are the
 * length and CRC-32 of the bytes then written.
 *
 * <p>{@link #imageTarball} fuzzes the whole tarball; {@link #layer} puts the fuzzed bytes as the only layer of a
 * well-formed docker-save tarball, so that the mutations reach the layer parser behind the image metadata.
 */
class ImageArchiveFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(32, 64);
    private static final Path DIR = FuzzFixtures.scratch("image");
    private static final String CONFIG = TestImages.config("[\"/app/run\"]", null, "[\"PATH=/usr/bin\"]");

    @FuzzTest(maxDuration = "5m")
    void imageTarball(byte[] tarball) throws Exception {
        flatten(Files.write(DIR.resolve("image.tar"), tarball), tarball.length);
    }

    @FuzzTest(maxDuration = "5m")
    void layer(byte[] layerTar) throws Exception {
        Path image = TestImages.dockerSave(DIR.resolve("image.tar"), CONFIG, false, layerTar);
        flatten(image, layerTar.length);
    }

    private static void flatten(Path image, long inputLength) throws Exception {
        Path work = Files.createDirectories(DIR.resolve("work"));
        try {
            BUDGET.measure(inputLength, () -> {
                try (CustomerRamdisk.Flattened ramdisk = CustomerRamdisk.flatten(image, work)) {
                    CountingCrc out = new CountingCrc();
                    ramdisk.writeTo(out);
                    assertEquals(ramdisk.size(), out.count, "the announced ramdisk length");
                    assertEquals(ramdisk.crc32(), out.crc.getValue(), "the announced ramdisk CRC-32");
                }
                return null;
            });
        } catch (RamdiskException e) {
            assertNotNull(e.code());
        }
        try (var left = Files.list(work)) {
            assertEquals(0, left.count(), "files left in the work directory");
        }
    }

    private static final class CountingCrc extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }
}

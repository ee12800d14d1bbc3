package dev.attested.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestTest {
    /** Sizes around the 1 MiB read buffer: empty, small, one buffer exactly, one byte either side, several. */
    private static final int[] SIZES = {0, 1, 4095, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 12_345};

    private static Path file(Path dir, int size) throws IOException {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return Files.write(dir.resolve("f" + size), b);
    }

    @Test
    void sha256IsTheLowerCaseHexMessageDigestOfTheFileBytes(@TempDir Path dir) throws Exception {
        for (int size : SIZES) {
            Path f = file(dir, size);
            String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
            assertEquals(expected, FileDigest.sha256(f), "size " + size);
        }
    }

    @Test
    void sha256OfAnEmptyFileIsTheKnownValue(@TempDir Path dir) throws Exception {
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                FileDigest.sha256(Files.write(dir.resolve("empty"), new byte[0])));
    }

    @Test
    void crc32IsTheCrcAndLengthOfTheFileBytes(@TempDir Path dir) throws Exception {
        for (int size : SIZES) {
            Path f = file(dir, size);
            CRC32 crc = new CRC32();
            crc.update(Files.readAllBytes(f));
            assertEquals(new FileDigest.Crc(crc.getValue(), size), FileDigest.crc32(f), "size " + size);
        }
    }

    @Test
    void missingFileIsAnIoError(@TempDir Path dir) {
        assertThrows(NoSuchFileException.class, () -> FileDigest.sha256(dir.resolve("absent")));
        assertThrows(NoSuchFileException.class, () -> FileDigest.crc32(dir.resolve("absent")));
    }
}

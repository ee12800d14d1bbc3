package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader maps a regular file's large sections instead of copying them: same measurements and CRC as the
 * writer's, the same verdict on altered bytes, and a file that shrinks while mapped fails with EIF_TRUNCATED (the
 * JVM turns the SIGBUS of a vanished page into an error the reader reports), never a crash or a stack trace.
 */
class EifReaderMappedTest {
    private static final int BOOTSTRAP = 3 * Measurer.CHUNK + 4321;
    private static final int APP = 5 * Measurer.CHUNK + 77;

    @TempDir
    Path dir;
    private EifWriter.WrittenEif written;
    /** Offset of the first (bootstrap) ramdisk's bytes and of the application ramdisk's bytes. */
    private long bootstrapStart;
    private long appStart;

    @BeforeEach
    void writeEifWithLargeRamdisks() throws Exception {
        Random random = new Random(15);
        byte[] bootstrap = new byte[BOOTSTRAP];
        byte[] app = new byte[APP];
        random.nextBytes(bootstrap);
        random.nextBytes(app);
        written = EifWriter.builder().kernel(Files.write(dir.resolve("kernel"), new byte[] {'K'})).cmdline("console=ttyS0")
                .metadata(EifWriterTest.syntheticMetadata())
                .ramdisk(Files.write(dir.resolve("bootstrap"), bootstrap))
                .ramdisk(Files.write(dir.resolve("app"), app))
                .build().write(dir.resolve("large.eif"));
        EifImage layout = EifReader.inspect(written.file());
        bootstrapStart = start(layout, 3);
        appStart = start(layout, 4);
        assertEquals(EifSectionType.RAMDISK, layout.sections().get(3).type());
        assertEquals(APP, layout.sections().get(4).size());
    }

    @Test
    void mappedSectionsGiveTheWritersMeasurementsAndCrc() {
        AtomicBoolean mapped = new AtomicBoolean();
        EifImage image = EifReader.inspect(written.file(), () -> mapped.set(true));
        assertTrue(mapped.get(), "the large ramdisks are read through a mapping");
        assertEquals(written.measurements(), image.measurements());
        assertTrue(image.crcValid());
    }

    @Test
    void aByteChangedInAMappedSectionFailsTheCrcAndChangesPcr2() throws Exception {
        try (FileChannel ch = FileChannel.open(written.file(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            long at = appStart + 4 * Measurer.CHUNK + 5;
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 1)).rewind();
            ch.write(b, at);
        }
        EifImage image = EifReader.inspect(written.file());
        assertFalse(image.crcValid());
        assertEquals(written.measurements().pcr1(), image.measurements().pcr1());
        assertNotEquals(written.measurements().pcr2(), image.measurements().pcr2());
        EifException e = assertThrows(EifException.class, () -> EifReader.read(written.file()));
        assertEquals(EifException.Code.EIF_CRC_MISMATCH, e.code());
    }

    @Test
    void aFileTruncatedUnderTheMappingFailsAsTruncated() throws Exception {
        // The first mapping is the bootstrap ramdisk's; it is cut inside its second megabyte before any access.
        EifException e = truncatedWhileRead(bootstrapStart + Measurer.CHUNK + 10_000);
        assertEquals(EifException.Code.EIF_TRUNCATED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("shrank from " + Files.size(dir.resolve("large.eif.full")) + " to "
                + (bootstrapStart + Measurer.CHUNK + 10_000) + " bytes while it was read"), e.getMessage());
    }

    @Test
    void aFileTruncatedBeforeALaterSectionIsMappedFailsAsTruncated() throws Exception {
        EifException e = truncatedWhileRead(appStart + 2 * Measurer.CHUNK);
        assertEquals(EifException.Code.EIF_TRUNCATED, e.code(), e.getMessage());
    }

    /** Inspects the EIF, truncating it to {@code length} right after the first mapping; nothing reaches stderr. */
    private EifException truncatedWhileRead(long length) throws Exception {
        Files.copy(written.file(), dir.resolve("large.eif.full"));
        Path file = written.file();
        AtomicBoolean truncated = new AtomicBoolean();
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        EifException e;
        System.setErr(new PrintStream(captured, true));
        try {
            e = assertThrows(EifException.class, () -> EifReader.inspect(file, () -> {
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(length);
                } catch (java.io.IOException io) {
                    throw new java.io.UncheckedIOException(io);
                }
                truncated.set(true);
            }));
        } finally {
            System.setErr(err);
        }
        assertTrue(truncated.get(), "the hook ran after the first mapping");
        assertEquals(length, Files.size(file));
        assertEquals("", captured.toString(), "nothing printed");
        return e;
    }

    private static long start(EifImage image, int section) {
        return image.sections().get(section).offset() + EifHeader.SECTION_HEADER_LENGTH;
    }
}

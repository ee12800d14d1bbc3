package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {

    /**
     * docs/spec/eif-format.md §10 V5: dev, init ("#!init\n"), nsm.ko ("NSM"), trailer → 512 bytes with this
     * SHA-256.
     */
    @Test
    void miniBootstrapArchiveMatchesSpecVector13() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter cpio = new CpioWriter(out);
        cpio.write(CpioHeader.directory("dev", 0755));
        cpio.writeFile(CpioHeader.file("init", 0755, 7), "#!init\n".getBytes(StandardCharsets.US_ASCII));
        cpio.writeFile(CpioHeader.file("nsm.ko", 0755, 3), "NSM".getBytes(StandardCharsets.US_ASCII));
        cpio.finish();

        byte[] bytes = out.toByteArray();
        assertEquals(512, bytes.length);
        assertEquals("eb285f6d0977de00558403cc47da6eae251d40aa4ab4619cab0f1030339b9eab", sha256(bytes));
    }

    @Test
    void trailerTakesTheNextInodeAndFixedFields() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter cpio = new CpioWriter(out);
        cpio.write(CpioHeader.directory("dev", 0755));
        cpio.writeFile(CpioHeader.file("init", 0755, 7), "#!init\n".getBytes(StandardCharsets.US_ASCII));
        cpio.writeFile(CpioHeader.file("nsm.ko", 0755, 3), "NSM".getBytes(StandardCharsets.US_ASCII));
        cpio.finish();
        String text = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);

        String trailer = "070701000002d4000000000000000000000000000000010000000000000000000000030000000100000000000000000000000b00000000TRAILER!!!\0";
        assertEquals(true, text.contains(trailer), "trailer header of eif-format.md §10 V5");
    }

    /** eif-format.md §9.5.1: the first header of the bootstrap ramdisk, then "dev\0" and 2 pad bytes. */
    @Test
    void firstEntryIsDevDirectoryWithInode721AndDevice3Slash1() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter cpio = new CpioWriter(out);
        cpio.write(CpioHeader.directory("dev", 0755));
        String expected = "070701" + "000002d1" + "000041ed" + "00000000" + "00000000" + "00000002" + "58f63f08"
                + "00000000" + "00000003" + "00000001" + "00000000" + "00000000" + "00000004" + "00000000" + "dev\0\0\0";
        assertArrayEquals(expected.getBytes(StandardCharsets.ISO_8859_1), out.toByteArray());
    }

    @Test
    void symlinkStoresItsTargetAsData() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter cpio = new CpioWriter(out);
        cpio.writeSymlink("etc/mtab", "/proc/mounts", 0777, 0, 0, 5);
        String text = new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
        assertEquals("0000a1ff", text.substring(14, 22), "mode = symlink type | 0777");
        assertEquals("0000000c", text.substring(54, 62), "filesize = target length");
        assertEquals(true, text.contains("etc/mtab\0\0/proc/mounts"), "name, NUL, one pad byte to 120, target");
        assertEquals(0, out.size() % 4);
    }

    @Test
    void dataShorterThanDeclaredSizeIsRejected() {
        CpioWriter cpio = new CpioWriter(new ByteArrayOutputStream());
        RamdiskException e = assertThrows(RamdiskException.class,
                () -> cpio.write(CpioHeader.file("x", 0644, 10), new ByteArrayInputStream(new byte[3])));
        assertEquals(RamdiskException.Code.CPIO_INVALID_ENTRY, e.code());
    }

    @Test
    void namesWithNulAndDirectoriesWithDataAreRejected() {
        assertEquals(RamdiskException.Code.CPIO_INVALID_ENTRY,
                assertThrows(RamdiskException.class, () -> CpioHeader.file("a\0b", 0644, 0)).code());
        assertEquals(RamdiskException.Code.CPIO_INVALID_ENTRY, assertThrows(RamdiskException.class,
                () -> new CpioHeader("d", CpioEntryType.DIRECTORY, 0755, 0, 0, 0, 4, 0, 0)).code());
    }

    @Test
    void bootstrapRamdiskFromBlobFilesEqualsTheHandWrittenArchive(@TempDir Path dir) throws Exception {
        Path init = Files.write(dir.resolve("init"), "#!init\n".getBytes(StandardCharsets.US_ASCII));
        Path nsm = Files.write(dir.resolve("nsm.ko"), "NSM".getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BootstrapRamdisk.write(init, nsm, out);
        assertEquals("eb285f6d0977de00558403cc47da6eae251d40aa4ab4619cab0f1030339b9eab", sha256(out.toByteArray()));
    }

    /**
     * eif-format.md §10 V6 gives the bootstrap ramdisk of the real x86_64 blobs (init 742968 B, nsm.ko 20504 B)
     * as 764416 bytes: the layout alone (headers, names, 4-byte alignment, trailer, 512 padding) fixes that size.
     */
    @Test
    void bootstrapRamdiskOfBlobsWithTheRealSizesHasTheSpecSize(@TempDir Path dir) throws Exception {
        Path init = Files.write(dir.resolve("init"), new byte[742968]);
        Path nsm = Files.write(dir.resolve("nsm.ko"), new byte[20504]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BootstrapRamdisk.write(init, nsm, out);
        assertEquals(764416, out.size());
    }

    @Test
    void archiveIsPaddedTo512WhateverTheContent() throws IOException {
        for (int size : new int[] {0, 1, 2, 3, 511, 512, 513, 1000}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CpioWriter cpio = new CpioWriter(out);
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) 'x');
            cpio.writeFile(CpioHeader.file("f", 0644, size), data);
            cpio.finish();
            assertEquals(0, out.size() % 512, "size " + size);
        }
    }

    /** A stream that must never be read. */
    private static InputStream unreadable() {
        return new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("the data of an entry given with its CRC was read");
            }

            @Override
            public int read(byte[] b, int off, int len) {
                throw new AssertionError("the data of an entry given with its CRC was read");
            }
        };
    }

    /**
     * The same entries, every kind of them, with data sizes around the 4-byte alignment and above the copy buffer:
     * through {@code write(header, data, crc)} (unread by a measuring writer) and through the plain calls.
     */
    private static void writeEntries(CpioWriter cpio, boolean measuring) throws IOException {
        cpio.write(CpioHeader.directory("rootfs", 0755));
        cpio.writeSymlink("rootfs/etc/mtab", "/proc/mounts", 0777, 0, 0, 5);
        cpio.write(new CpioHeader("rootfs/dev/null", CpioEntryType.CHAR_DEVICE, 0666, 0, 0, 7, 0, 1, 3));
        int[] sizes = {0, 1, 2, 3, 4, 5, 511, 513, 64 * 1024 + 1, 200_003};
        for (int i = 0; i < sizes.length; i++) {
            byte[] d = TestImages.randomBytes(sizes[i], i);
            CpioHeader h = new CpioHeader("rootfs/f" + "x".repeat(i), CpioEntryType.REGULAR, 0644, 1000, 1000,
                    1_700_000_000L + i, d.length, 0, 0);
            cpio.write(h, measuring ? unreadable() : new ByteArrayInputStream(d), TestImages.crc32(d));
        }
        byte[] cmd = "/app/run\n".getBytes(StandardCharsets.US_ASCII);
        cpio.writeFile(CpioHeader.file("cmd", 0644, cmd.length), cmd);
        cpio.finish();
    }

    @Test
    void measuringWriterKnowsTheLengthAndCrcOfTheArchiveAWritingWriterWrites() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter writing = new CpioWriter(out);
        writeEntries(writing, false);
        CpioWriter measuring = CpioWriter.measuring();
        writeEntries(measuring, true);

        byte[] archive = out.toByteArray();
        assertEquals(archive.length, writing.position());
        assertEquals(archive.length, measuring.position());
        assertEquals(TestImages.crc32(archive), measuring.crc32());
    }

    @Test
    void measuringWriterCrcFollowsTheArchiveEntryByEntry() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CpioWriter writing = new CpioWriter(out);
        CpioWriter measuring = CpioWriter.measuring();
        assertEquals(0, measuring.position());
        assertEquals(TestImages.crc32(new byte[0]), measuring.crc32());
        for (int i = 0; i < 5; i++) {
            byte[] d = TestImages.randomBytes(i * 3 + 1, 100 + i);
            CpioHeader h = CpioHeader.file("f" + i, 0644, d.length);
            writing.write(h, new ByteArrayInputStream(d), TestImages.crc32(d));
            measuring.write(h, unreadable(), TestImages.crc32(d));
            assertEquals(out.size(), measuring.position(), "after entry " + i);
            assertEquals(TestImages.crc32(out.toByteArray()), measuring.crc32(), "after entry " + i);
        }
    }

    @Test
    void measuringWriterDoesNotReadDataGivenWithItsCrc() throws IOException {
        CpioWriter measuring = CpioWriter.measuring();
        measuring.write(CpioHeader.file("big", 0644, 10_000_000), unreadable(), 0x12345678L);
        assertEquals(110 + 4 + 2 + 10_000_000, measuring.position(), "header, name + NUL, padding, data");
    }

    @Test
    void writingWriterCopiesDataGivenWithItsCrc() throws IOException {
        byte[] d = TestImages.randomBytes(70_001, 7);
        ByteArrayOutputStream withCrc = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(withCrc)) {
            cpio.write(CpioHeader.file("f", 0644, d.length), new ByteArrayInputStream(d), TestImages.crc32(d));
        }
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(plain)) {
            cpio.writeFile(CpioHeader.file("f", 0644, d.length), d);
        }
        assertArrayEquals(plain.toByteArray(), withCrc.toByteArray());
        assertArrayEquals(d, Arrays.copyOfRange(withCrc.toByteArray(), 112, 112 + d.length),
                "data follows the 110-byte header and \"f\\0\" (already 4-aligned)");
    }

    @Test
    void writingWriterCopiesTheDataEvenWhenTheGivenCrcIsWrong() throws IOException {
        byte[] d = TestImages.randomBytes(1000, 8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(out)) {
            cpio.write(CpioHeader.file("f", 0644, d.length), new ByteArrayInputStream(d), TestImages.crc32(d) ^ 0xFFFF);
        }
        assertArrayEquals(d, Arrays.copyOfRange(out.toByteArray(), 112, 112 + d.length));
    }

    @Test
    void writingWriterGivenDataShorterThanDeclaredWithItsCrcIsRejected() {
        CpioWriter cpio = new CpioWriter(new ByteArrayOutputStream());
        RamdiskException e = assertThrows(RamdiskException.class,
                () -> cpio.write(CpioHeader.file("x", 0644, 10), new ByteArrayInputStream(new byte[3]), 0));
        assertEquals(RamdiskException.Code.CPIO_INVALID_ENTRY, e.code());
    }

    @Test
    void onlyAMeasuringWriterKeepsACrc() {
        CpioWriter writing = new CpioWriter(new ByteArrayOutputStream());
        assertThrows(IllegalStateException.class, writing::crc32);
    }

    @Test
    void measuringWriterRefusesEntriesAfterTheTrailer() throws IOException {
        CpioWriter measuring = CpioWriter.measuring();
        measuring.finish();
        assertEquals(512, measuring.position());
        assertThrows(IllegalStateException.class,
                () -> measuring.write(CpioHeader.file("late", 0644, 1), unreadable(), 0));
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

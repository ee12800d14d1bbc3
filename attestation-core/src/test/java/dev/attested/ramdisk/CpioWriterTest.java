package dev.attested.ramdisk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {

    /** EIF.md §14 vector 13: dev, init ("#!init\n"), nsm.ko ("NSM"), trailer → 512 bytes with this SHA-256. */
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
        assertEquals(true, text.contains(trailer), "trailer header of EIF.md §14 vector 13");
    }

    /** EIF.md §10.6: the first header of the bootstrap ramdisk, then "dev\0" and 2 pad bytes. */
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

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}

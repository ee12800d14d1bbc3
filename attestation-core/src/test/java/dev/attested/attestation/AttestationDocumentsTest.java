package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttestationDocumentsTest {
    private static final byte[] DOC = Fixtures.NAUTILUS_HIGH_S.bytes();

    @Test
    void rawCborIsUsedAsIs() {
        assertArrayEquals(DOC, AttestationDocuments.decode(DOC));
    }

    @Test
    void base64WithLineBreaksIsDecoded() {
        byte[] mime = Base64.getMimeEncoder().encode(DOC);
        assertArrayEquals(DOC, AttestationDocuments.decode(mime));
    }

    @Test
    void urlSafeBase64IsDecoded() {
        assertArrayEquals(DOC, AttestationDocuments.decode(Base64.getUrlEncoder().encode(DOC)));
    }

    @Test
    void hexInEitherCaseIsDecoded() {
        String hex = HexFormat.of().formatHex(DOC).toUpperCase(java.util.Locale.ROOT) + "\n";
        assertArrayEquals(DOC, AttestationDocuments.decode(hex.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void otherTextIsRejectedAsMalformed() {
        assertEquals(AttestationException.Code.MALFORMED_CBOR, assertThrows(AttestationException.class,
                () -> AttestationDocuments.decode("not a document!".getBytes(StandardCharsets.US_ASCII))).code());
    }

    // ---- size: refused before decoding, read through a bounded stream ------------------------------------------

    @Test
    void aGenuineDocumentFileIsReadAndDecoded(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("doc.b64"), Base64.getMimeEncoder().encode(DOC));
        assertArrayEquals(DOC, AttestationDocuments.read(f));
    }

    @Test
    void a500MegabyteFileIsRefusedAsTooLargeWithoutReadingIt(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.b64");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(500L * 1024 * 1024); // sparse: no disk, and reading it would exhaust the test heap
        }
        AttestationException e = assertThrows(AttestationException.class, () -> AttestationDocuments.read(f));
        assertEquals(AttestationException.Code.DOCUMENT_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("524288000 bytes"), e.getMessage());
    }

    @Test
    void anEndlessStreamIsCutOffAfterTheLimit() throws Exception {
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'A';
            }
        };
        AttestationException e = assertThrows(AttestationException.class, () -> AttestationDocuments.read(endless, "stdin"));
        assertEquals(AttestationException.Code.DOCUMENT_TOO_LARGE, e.code());
        assertTrue(endless.available() == 0 && served[0] <= AttestationDocuments.MAX_FILE_SIZE + 1, "read " + served[0]);
    }

    @Test
    void aFileWithinTheLimitThatDecodesBeyondTheLargestDocumentIsTooLarge(@TempDir Path dir) throws Exception {
        byte[] big = new byte[UnverifiedDocument.MAX_DOCUMENT + 1];
        big[0] = (byte) 0x84;
        Path f = Files.write(dir.resolve("big.b64"), Base64.getEncoder().encode(big));
        assertTrue(Files.size(f) <= AttestationDocuments.MAX_FILE_SIZE);
        assertEquals(AttestationException.Code.DOCUMENT_TOO_LARGE,
                assertThrows(AttestationException.class, () -> AttestationDocuments.read(f)).code());
        assertEquals(AttestationException.Code.DOCUMENT_TOO_LARGE,
                assertThrows(AttestationException.class, () -> UnverifiedDocument.parse(big)).code());
    }

    @Test
    void theLargestDocumentIsStillReadAsHexWithLineBreaks(@TempDir Path dir) throws Exception {
        byte[] largest = new byte[UnverifiedDocument.MAX_DOCUMENT];
        largest[0] = (byte) 0x84;
        String hex = HexFormat.of().formatHex(largest).replaceAll("(.{64})", "$1\r\n");
        Path f = Files.writeString(dir.resolve("largest.hex"), hex, StandardCharsets.US_ASCII);
        assertArrayEquals(largest, AttestationDocuments.read(f));
    }
}

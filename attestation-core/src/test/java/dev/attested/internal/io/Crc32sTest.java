package dev.attested.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class Crc32sTest {
    @Test
    void combiningTwoCrcsEqualsTheCrcOfTheConcatenation() {
        Random random = new Random(42);
        for (int len : new int[] {0, 1, 3, 544, 4096, 100_003, 1 << 20}) {
            byte[] a = new byte[544];
            byte[] b = new byte[len];
            random.nextBytes(a);
            random.nextBytes(b);
            CRC32 whole = new CRC32();
            whole.update(a);
            whole.update(b);
            CRC32 ca = new CRC32();
            ca.update(a);
            CRC32 cb = new CRC32();
            cb.update(b);
            assertEquals(whole.getValue(), Crc32s.combine(ca.getValue(), cb.getValue(), len), "length " + len);
        }
    }

    @Test
    void combiningAThousandPiecesOfRandomLengthsEqualsTheCrcOfTheWhole() {
        Random random = new Random(7);
        CRC32 whole = new CRC32();
        long combined = 0;
        long length = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] piece = new byte[random.nextInt(5001)];
            random.nextBytes(piece);
            whole.update(piece);
            CRC32 c = new CRC32();
            c.update(piece);
            combined = Crc32s.combine(combined, c.getValue(), piece.length);
            length += piece.length;
        }
        assertEquals(whole.getValue(), combined, "over " + length + " bytes");
    }

    @Test
    void combiningWithAnEmptyPieceKeepsTheCrc() {
        CRC32 a = new CRC32();
        a.update(new byte[] {1, 2, 3});
        assertEquals(a.getValue(), Crc32s.combine(a.getValue(), 0, 0));
        assertEquals(a.getValue(), Crc32s.combine(0, a.getValue(), 3), "an empty first piece");
    }

    @Test
    void negativeLengthIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Crc32s.combine(1, 2, -1));
    }

    @Test
    void crcIsIsoHdlc() {
        CRC32 crc = new CRC32();
        crc.update("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0xCBF43926L, crc.getValue());
    }
}

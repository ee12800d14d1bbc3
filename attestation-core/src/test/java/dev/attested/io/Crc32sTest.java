package dev.attested.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void crcIsIsoHdlc() {
        CRC32 crc = new CRC32();
        crc.update("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(0xCBF43926L, crc.getValue());
    }
}

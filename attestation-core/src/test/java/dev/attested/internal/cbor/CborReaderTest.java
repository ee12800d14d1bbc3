package dev.attested.internal.cbor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CborReaderTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static CborException.Reason rejectReason(String h) {
        return assertThrows(CborException.class, () -> CborReader.decode(hex(h))).reason();
    }

    @Test
    void decodesDefiniteMapWithTextKeysInInsertionOrder() {
        // {"b": 1, "a": -35}
        CborValue.MapValue m = assertInstanceOf(CborValue.MapValue.class, CborReader.decode(hex("a2 6162 01 6161 3822")));
        assertEquals(new CborValue.UnsignedInt(1), m.get("b"));
        assertEquals(CborValue.integer(-35), m.get("a"));
        assertEquals("b", ((CborValue.Text) m.entries().keySet().iterator().next()).value());
    }

    @Test
    void decodesIndefiniteMapsAndArraysLikeTheirDefiniteForms() {
        assertEquals(CborReader.decode(hex("a1 61 61 82 01 02")), CborReader.decode(hex("bf 61 61 9f 01 02 ff ff")));
    }

    @Test
    void decodesIndefiniteByteStringsByJoiningChunks() {
        assertArrayEquals(hex("010203"),
                ((CborValue.Bytes) CborReader.decode(hex("5f 42 0102 41 03 ff"))).bytes());
    }

    @Test
    void distinguishesNullFromAbsentKeys() {
        CborValue.MapValue m = (CborValue.MapValue) CborReader.decode(hex("a1 61 6e f6"));
        assertEquals(CborValue.NULL, m.get("n"));
        assertEquals(null, m.get("x"));
    }

    @Test
    void acceptsEmptyByteString() {
        assertEquals(0, ((CborValue.Bytes) CborReader.decode(hex("40"))).length());
    }

    @Test
    void keepsTagsForTheCaller() {
        CborValue.Tag t = assertInstanceOf(CborValue.Tag.class, CborReader.decode(hex("d2 80")));
        assertEquals(18, t.tag());
    }

    @Test
    void decodesLargeUnsignedAndNegativeIntegers() {
        assertEquals("18446744073709551615", CborReader.decode(hex("1b ffffffffffffffff")).toString());
        assertEquals("-18446744073709551616", CborReader.decode(hex("3b ffffffffffffffff")).toString());
    }

    @Test
    void decodesFloats() {
        assertEquals(new CborValue.FloatValue(1.5), CborReader.decode(hex("f9 3e00")));
        assertEquals(new CborValue.FloatValue(100000.0), CborReader.decode(hex("fa 47c35000")));
    }

    @Test
    void rejectsDuplicateMapKeys() {
        assertEquals(CborException.Reason.DUPLICATE_KEY, rejectReason("a2 61 61 01 61 61 02"));
    }

    @Test
    void rejectsDuplicateKeysEvenWhenEncodedDifferently() {
        // key 1 as 01 and as 18 01 (non-shortest) are the same integer
        assertEquals(CborException.Reason.DUPLICATE_KEY, rejectReason("a2 01 00 1801 00"));
    }

    @Test
    void rejectsTrailingBytes() {
        assertEquals(CborException.Reason.TRAILING_BYTES, rejectReason("80 00"));
    }

    @Test
    void rejectsByteStringLengthBeyondTheInputBeforeAllocating() {
        assertEquals(CborException.Reason.LENGTH_EXCEEDS_INPUT, rejectReason("5b 7fffffffffffffff 00"));
        assertEquals(CborException.Reason.LENGTH_EXCEEDS_INPUT, rejectReason("5a ffffffff"));
    }

    @Test
    void rejectsArrayAndMapCountsBeyondTheInputBeforeAllocating() {
        assertEquals(CborException.Reason.LENGTH_EXCEEDS_INPUT, rejectReason("9b 7fffffffffffffff"));
        assertEquals(CborException.Reason.LENGTH_EXCEEDS_INPUT, rejectReason("ba 7fffffff 00"));
        assertEquals(CborException.Reason.LENGTH_EXCEEDS_INPUT, rejectReason("a2 01 02 03"));
    }

    @Test
    void rejectsNestingDeeperThanTheLimit() {
        assertEquals(CborException.Reason.TOO_DEEP,
                assertThrows(CborException.class, () -> CborReader.decode(hex("81 81 81 80"), 3)).reason());
        assertTrue(CborReader.decode(hex("81 81 80"), 3) instanceof CborValue.Array);
    }

    @Test
    void rejectsDeepNestingOfTagsAndIndefiniteContainersWithoutStackOverflow() {
        byte[] deep = new byte[100_000];
        java.util.Arrays.fill(deep, (byte) 0x9f);
        assertEquals(CborException.Reason.TOO_DEEP,
                assertThrows(CborException.class, () -> CborReader.decode(deep)).reason());
        java.util.Arrays.fill(deep, (byte) 0xd2);
        assertEquals(CborException.Reason.TOO_DEEP,
                assertThrows(CborException.class, () -> CborReader.decode(deep)).reason());
    }

    @Test
    void rejectsTruncatedInput() {
        assertEquals(CborException.Reason.TRUNCATED, rejectReason("19 01"));
        assertEquals(CborException.Reason.TRUNCATED, rejectReason("9f 01"));
        assertEquals(CborException.Reason.TRUNCATED, rejectReason(""));
    }

    @Test
    void rejectsReservedAdditionalInformationAndStrayBreak() {
        assertEquals(CborException.Reason.INVALID_ENCODING, rejectReason("1c"));
        assertEquals(CborException.Reason.INVALID_ENCODING, rejectReason("ff"));
        assertEquals(CborException.Reason.INVALID_ENCODING, rejectReason("5f 61 61 ff"));
        assertEquals(CborException.Reason.INVALID_ENCODING, rejectReason("f8 01"));
    }

    @Test
    void rejectsInvalidUtf8Text() {
        assertEquals(CborException.Reason.INVALID_ENCODING, rejectReason("62 c328"));
    }
}

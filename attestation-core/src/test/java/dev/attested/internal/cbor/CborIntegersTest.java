package dev.attested.internal.cbor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CBOR major types 0 and 1 carry 64 unsigned bits. The reader keeps them faithfully, and the only ways to narrow
 * them compare as unsigned: 2<sup>63</sup> and 2<sup>64</sup>-1 are large numbers, never negative Java longs.
 */
class CborIntegersTest {
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static CborValue decodeHex(String hex) {
        return CborReader.decode(HexFormat.of().parseHex(hex));
    }

    @Test
    void unsignedIntegersFrom2To63OnAreLargeNotNegative() {
        CborValue.UnsignedInt big = (CborValue.UnsignedInt) decodeHex("1b8000000000000000");
        assertEquals(TWO_63, big.bigValue());
        assertEquals("9223372036854775808", big.toString());
        assertFalse(big.isAtMost(31));
        assertFalse(big.isAtMost(Long.MAX_VALUE));
        CborValue.UnsignedInt max = (CborValue.UnsignedInt) decodeHex("1bffffffffffffffff");
        assertEquals(TWO_64.subtract(BigInteger.ONE), max.bigValue());
        assertFalse(max.isAtMost(255));
        assertTrue(max.isAtMost(-1L), "2^64-1 is at most 2^64-1 (-1L read as unsigned)");
    }

    @Test
    void narrowingOutOfRangeIsATypedError() {
        for (String hex : new String[] {"1b8000000000000000", "1bffffffffffffffff", "1820"}) {
            CborValue.UnsignedInt u = (CborValue.UnsignedInt) decodeHex(hex);
            CborException e = assertThrows(CborException.class, () -> u.intAtMost(31), hex);
            assertEquals(CborException.Reason.OUT_OF_RANGE, e.reason());
        }
        assertEquals(31, ((CborValue.UnsignedInt) decodeHex("181f")).intAtMost(31));
        assertEquals(CborException.Reason.OUT_OF_RANGE, assertThrows(CborException.class,
                () -> ((CborValue.UnsignedInt) decodeHex("1b8000000000000000")).longValueExact()).reason());
        assertEquals(Long.MAX_VALUE, ((CborValue.UnsignedInt) decodeHex("1b7fffffffffffffff")).longValueExact());
        assertThrows(IllegalArgumentException.class, () -> new CborValue.UnsignedInt(1).intAtMost(-1));
    }

    @Test
    void negativeIntegersNarrowOnlyDownToLongMinValue() {
        assertEquals(Long.MIN_VALUE, ((CborValue.NegativeInt) decodeHex("3b7fffffffffffffff")).longValueExact());
        assertEquals(-35, ((CborValue.NegativeInt) decodeHex("3822")).longValueExact());
        CborValue.NegativeInt beyond = (CborValue.NegativeInt) decodeHex("3b8000000000000000");
        assertEquals(TWO_63.negate().subtract(BigInteger.ONE), beyond.bigValue());
        assertEquals(CborException.Reason.OUT_OF_RANGE, assertThrows(CborException.class, beyond::longValueExact).reason());
        assertEquals(TWO_64.negate(), ((CborValue.NegativeInt) decodeHex("3bffffffffffffffff")).bigValue());
    }

    @Test
    void mapKeysThatOnlyAgreeInTheirLow32BitsAreDistinct() {
        // {2^63: 1, 0: 2}: a reader that truncates 2^63 to an int sees key 0 twice
        CborValue.MapValue m = (CborValue.MapValue) decodeHex("a2" + "1b8000000000000000" + "01" + "00" + "02");
        assertEquals(List.of(new CborValue.UnsignedInt(Long.MIN_VALUE), new CborValue.UnsignedInt(0)),
                List.copyOf(m.entries().keySet()));
        assertEquals(new CborValue.UnsignedInt(2), m.get(0));
    }

    @Test
    void keysOfDifferentTypesAreDistinctAndEqualKeysAreDuplicates() {
        // {0: 1, -1: 2, "a": 3, h'61': 4}: an unsigned and a negative integer with the same raw bits, text and bytes
        // with the same octets
        CborValue.MapValue m = (CborValue.MapValue) decodeHex("a4" + "00" + "01" + "20" + "02" + "6161" + "03" + "4161" + "04");
        assertEquals(4, m.entries().size());
        assertEquals(new CborValue.UnsignedInt(1), m.entries().get(new CborValue.UnsignedInt(0)));
        assertEquals(new CborValue.UnsignedInt(2), m.entries().get(new CborValue.NegativeInt(0)));
        assertEquals(new CborValue.UnsignedInt(3), m.entries().get(new CborValue.Text("a")));
        assertEquals(new CborValue.UnsignedInt(4), m.entries().get(new CborValue.Bytes(new byte[] {0x61})));
        // {"a": 1, "a": 2} and {-1: 1, -1: 2}
        assertEquals(CborException.Reason.DUPLICATE_KEY, assertThrows(CborException.class, () -> decodeHex("a2616101616102")).reason());
        assertEquals(CborException.Reason.DUPLICATE_KEY, assertThrows(CborException.class, () -> decodeHex("a220012002")).reason());
    }

    @Test
    void nonShortestEncodingsOfOneKeyAreDuplicates() {
        // {1: 1, 1 (as 0x18 0x01): 2}
        CborException e = assertThrows(CborException.class, () -> decodeHex("a20101180102"));
        assertEquals(CborException.Reason.DUPLICATE_KEY, e.reason());
    }

    /** Jackson's CBOR parser, an independent decoder, reads every integer value as ours does (edge values and random ones). */
    @Test
    void integerValuesAgreeWithJacksonsCborParser() throws Exception {
        List<byte[]> heads = new ArrayList<>();
        for (String hex : new String[] {"00", "17", "1818", "18ff", "190100", "19ffff", "1a00010000", "1affffffff",
            "1b0000000100000000", "1b7fffffffffffffff", "1b8000000000000000", "1bffffffffffffffff", "20", "37", "3818",
            "38ff", "3affffffff", "3b7fffffffffffffff", "3b8000000000000000", "3bffffffffffffffff",
            "1b0000000000000001" /* non-shortest 1 */}) {
            heads.add(HexFormat.of().parseHex(hex));
        }
        Random random = new Random(2024);
        for (int i = 0; i < 500; i++) {
            CborWriter w = new CborWriter();
            long bits = random.nextLong() >>> random.nextInt(64);
            byte[] eight = new byte[9];
            eight[0] = (byte) ((random.nextBoolean() ? 0x00 : 0x20) | 27);
            for (int b = 0; b < 8; b++) {
                eight[1 + b] = (byte) (bits >>> (56 - 8 * b));
            }
            heads.add(eight);
            heads.add(w.uint(bits & Long.MAX_VALUE).toByteArray());
        }
        CborWriter array = new CborWriter().startArray(heads.size());
        heads.forEach(array::raw);
        byte[] encoded = array.toByteArray();
        CborValue.Array ours = (CborValue.Array) CborReader.decode(encoded);
        JsonNode theirs = new CBORMapper().readTree(encoded);
        assertEquals(heads.size(), theirs.size());
        for (int i = 0; i < heads.size(); i++) {
            BigInteger mine = ours.get(i) instanceof CborValue.UnsignedInt u ? u.bigValue()
                    : ((CborValue.NegativeInt) ours.get(i)).bigValue();
            assertEquals(theirs.get(i).bigIntegerValue(), mine, HexFormat.of().formatHex(heads.get(i)));
        }
    }
}

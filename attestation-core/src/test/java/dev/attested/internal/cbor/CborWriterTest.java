package dev.attested.internal.cbor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CborWriterTest {
    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void writesShortestHeadsAtEveryBoundary() {
        assertEquals("17", hex(new CborWriter().uint(23).toByteArray()));
        assertEquals("1818", hex(new CborWriter().uint(24).toByteArray()));
        assertEquals("18ff", hex(new CborWriter().uint(255).toByteArray()));
        assertEquals("190100", hex(new CborWriter().uint(256).toByteArray()));
        assertEquals("1a00010000", hex(new CborWriter().uint(65536).toByteArray()));
        assertEquals("1b0000000100000000", hex(new CborWriter().uint(1L << 32).toByteArray()));
        assertEquals("3822", hex(new CborWriter().integer(-35).toByteArray()));
    }

    @Test
    void writesTheEs384ProtectedHeaderAsAwsDoes() {
        assertEquals("a1013822", hex(new CborWriter().startMap(1).integer(1).integer(-35).toByteArray()));
    }

    @Test
    void writesMapsInTheGivenOrderWithTextAndIntegerKeys() {
        Map<CborValue, CborValue> m = new LinkedHashMap<>();
        m.put(CborValue.text("b"), CborValue.NULL);
        m.put(CborValue.integer(0), new CborValue.Array(List.of(new CborValue.Bool(true), CborValue.bytes(new byte[] {1}))));
        assertEquals("a26162f60082f54101", hex(CborWriter.encode(new CborValue.MapValue(m))));
    }

    @Test
    void roundTripsThroughTheReader() {
        byte[] encoded = new CborWriter().startMap(3).text("t").text("ü").integer(-1).bytes(new byte[300])
                .text("n").nul().toByteArray();
        assertEquals(hex(encoded), hex(CborWriter.encode(CborReader.decode(encoded))));
    }
}

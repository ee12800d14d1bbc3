package dev.attested.internal.cbor;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * The fuzz tests' second CBOR implementation: Jackson's streaming CBOR parser, walked side by side with a
 * {@link CborValue} our reader produced. Jackson's model is coarser (map keys become names, {@code undefined}
 * reads as null, simple values as integers, half floats as floats) and it interprets some tags; the comparison
 * maps each of our values to what Jackson must report for it, and calls a value {@linkplain #comparable
 * comparable} only when Jackson can represent it without interpretation (tag numbers up to 2^31-1 that Jackson
 * does not interpret; text, integer or byte-string map keys).
 */
public final class JacksonCbor {
    /** Tags Jackson interprets (bignums, decimal fraction, bigfloat, stringref and its namespace). */
    private static final Set<Long> INTERPRETED_TAGS = Set.of(2L, 3L, 4L, 5L, 25L, 256L);
    private static final CBORFactory FACTORY = new CBORFactory();

    private JacksonCbor() {}

    /** Whether Jackson represents {@code v} without interpreting it: no interpreted tag, only name-like map keys. */
    public static boolean comparable(CborValue v) {
        if (v instanceof CborValue.Tag t) {
            // Jackson keeps tag numbers in an int and refuses larger 64-bit ones
            return t.tag() >= 0 && t.tag() <= Integer.MAX_VALUE && !INTERPRETED_TAGS.contains(t.tag())
                    && comparable(t.content());
        }
        if (v instanceof CborValue.Array a) {
            return a.items().stream().allMatch(JacksonCbor::comparable);
        }
        if (v instanceof CborValue.MapValue m) {
            for (Map.Entry<CborValue, CborValue> e : m.entries().entrySet()) {
                CborValue key = e.getKey();
                if (!comparable(key) || !comparable(e.getValue())) {
                    return false;
                }
                CborValue k = untagged(key);
                if (!(k instanceof CborValue.Text || k instanceof CborValue.UnsignedInt
                        || k instanceof CborValue.NegativeInt || k instanceof CborValue.Bytes)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Parses {@code input} with Jackson and fails with an {@link AssertionError} unless it reports exactly the
     * items of {@code expected} and nothing after them. Call only for {@linkplain #comparable comparable} values.
     */
    public static void assertSameAsJackson(byte[] input, CborValue expected) {
        try (JsonParser p = FACTORY.createParser(input)) {
            if (p.nextToken() == null) {
                throw new AssertionError("Jackson finds no item where CborReader decoded " + expected);
            }
            same(expected, p, "$");
            JsonToken after = p.nextToken();
            if (after != null) {
                throw new AssertionError("Jackson finds " + after + " after the item CborReader decoded as the whole input");
            }
        } catch (IOException e) {
            throw new AssertionError("CborReader accepted " + expected + " but Jackson rejects the input: " + e.getMessage(), e);
        }
    }

    private static void same(CborValue value, JsonParser p, String path) throws IOException {
        CborValue v = untagged(value);
        JsonToken t = p.currentToken();
        if (v instanceof CborValue.UnsignedInt u) {
            expectToken(t, JsonToken.VALUE_NUMBER_INT, v, path);
            expectEqual(u.bigValue(), p.getBigIntegerValue(), path);
        } else if (v instanceof CborValue.NegativeInt n) {
            expectToken(t, JsonToken.VALUE_NUMBER_INT, v, path);
            expectEqual(n.bigValue(), p.getBigIntegerValue(), path);
        } else if (v instanceof CborValue.Simple s) {
            expectToken(t, JsonToken.VALUE_NUMBER_INT, v, path);
            expectEqual(BigInteger.valueOf(s.value()), p.getBigIntegerValue(), path);
        } else if (v instanceof CborValue.Bytes b) {
            expectToken(t, JsonToken.VALUE_EMBEDDED_OBJECT, v, path);
            byte[] j = p.getBinaryValue();
            if (!Arrays.equals(b.bytes(), j)) {
                throw new AssertionError(path + ": CborReader decoded " + v + ", Jackson " + new CborValue.Bytes(j));
            }
        } else if (v instanceof CborValue.Text s) {
            expectToken(t, JsonToken.VALUE_STRING, v, path);
            expectEqual(s.value(), p.getText(), path);
        } else if (v instanceof CborValue.Bool b) {
            expectToken(t, b.value() ? JsonToken.VALUE_TRUE : JsonToken.VALUE_FALSE, v, path);
        } else if (v instanceof CborValue.Null || v instanceof CborValue.Undefined) {
            expectToken(t, JsonToken.VALUE_NULL, v, path);
        } else if (v instanceof CborValue.FloatValue f) {
            expectToken(t, JsonToken.VALUE_NUMBER_FLOAT, v, path);
            double j = p.getNumberType() == JsonParser.NumberType.FLOAT ? p.getFloatValue() : p.getDoubleValue();
            boolean equal = Double.isNaN(f.value()) ? Double.isNaN(j) : Double.compare(f.value(), j) == 0;
            if (!equal) {
                throw new AssertionError(path + ": CborReader decoded the float " + f.value() + ", Jackson " + j);
            }
        } else if (v instanceof CborValue.Array a) {
            expectToken(t, JsonToken.START_ARRAY, v, path);
            for (int i = 0; i < a.size(); i++) {
                p.nextToken();
                same(a.get(i), p, path + "[" + i + "]");
            }
            expectToken(p.nextToken(), JsonToken.END_ARRAY, v, path);
        } else if (v instanceof CborValue.MapValue m) {
            expectToken(t, JsonToken.START_OBJECT, v, path);
            for (Map.Entry<CborValue, CborValue> e : m.entries().entrySet()) {
                expectToken(p.nextToken(), JsonToken.FIELD_NAME, e.getKey(), path);
                expectEqual(name(untagged(e.getKey())), p.currentName(), path + " key");
                p.nextToken();
                same(e.getValue(), p, path + "." + e.getKey());
            }
            expectToken(p.nextToken(), JsonToken.END_OBJECT, v, path);
        } else {
            throw new AssertionError(path + ": no Jackson counterpart for " + v.typeName());
        }
    }

    /**
     * The field name Jackson gives a map key: text as is, byte strings decoded as UTF-8, integers in decimal —
     * 64-bit integer keys read as a signed {@code long} (Jackson names the key 2^64-1 "-1"). Integer values are
     * compared exactly; only the names of such keys follow Jackson's reading.
     */
    private static String name(CborValue key) {
        if (key instanceof CborValue.Text t) {
            return t.value();
        } else if (key instanceof CborValue.Bytes b) {
            return new String(b.bytes(), StandardCharsets.UTF_8);
        } else if (key instanceof CborValue.UnsignedInt u) {
            return Long.toString(u.value());
        } else if (key instanceof CborValue.NegativeInt n) {
            return Long.toString(-1L - n.raw());
        }
        throw new AssertionError("not a name-like key: " + key);
    }

    private static CborValue untagged(CborValue v) {
        while (v instanceof CborValue.Tag t) {
            v = t.content();
        }
        return v;
    }

    private static void expectToken(JsonToken found, JsonToken expected, CborValue v, String path) {
        if (found != expected) {
            throw new AssertionError(path + ": CborReader decoded " + v.typeName() + " " + v + ", Jackson reports " + found);
        }
    }

    private static void expectEqual(Object expected, Object found, String path) {
        if (!expected.equals(found)) {
            throw new AssertionError(path + ": CborReader decoded " + expected + ", Jackson " + found);
        }
    }
}

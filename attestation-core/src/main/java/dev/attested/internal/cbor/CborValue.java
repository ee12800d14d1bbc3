package dev.attested.internal.cbor;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A decoded CBOR data item. The model is deliberately small: it keeps what a strict verifier needs (types, exact
 * byte strings, insertion-ordered maps, tags, null versus absent) and nothing else.
 */
public sealed interface CborValue {
    // The types that serve as map keys (integers, text, bytes) spell out equals and hashCode: a record's generated
    // ones are linked at their first call by an invokedynamic bootstrap that spins method handles at run time, which
    // no start-up cache holds, and every document's COSE header and payload are maps looked up by such keys.

    /**
     * Major type 0. {@code value} holds the 64 bits of the unsigned integer: values from 2<sup>63</sup> on read as
     * negative Java longs. Never compare or cast it directly; narrow it with {@link #atMost(long)},
     * {@link #intAtMost(int)} or {@link #longValueExact()}, or compare with {@link #isAtMost(long)}.
     */
    record UnsignedInt(long value) implements CborValue {
        public BigInteger bigValue() {
            return new BigInteger(Long.toUnsignedString(value));
        }

        /** Whether this integer is at most {@code max}, both read as unsigned 64-bit values. */
        public boolean isAtMost(long max) {
            return Long.compareUnsigned(value, max) <= 0;
        }

        /**
         * The value when it lies in 0..{@code max} ({@code max} read as unsigned).
         *
         * @throws CborException {@link CborException.Reason#OUT_OF_RANGE} otherwise
         */
        public long atMost(long max) {
            if (!isAtMost(max)) {
                throw new CborException(CborException.Reason.OUT_OF_RANGE, "expected an unsigned integer 0.."
                        + Long.toUnsignedString(max) + ", found " + this);
            }
            return value;
        }

        /**
         * The value as an int when it lies in 0..{@code max}.
         *
         * @throws IllegalArgumentException when {@code max} is negative
         * @throws CborException {@link CborException.Reason#OUT_OF_RANGE} when the value is larger
         */
        public int intAtMost(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max must not be negative: " + max);
            }
            return (int) atMost(max);
        }

        /** The value when it fits a Java long (at most 2<sup>63</sup>-1); {@link CborException.Reason#OUT_OF_RANGE} otherwise. */
        public long longValueExact() {
            return atMost(Long.MAX_VALUE);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof UnsignedInt u && u.value == value;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(value);
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(value);
        }
    }

    /**
     * Major type 1: the integer {@code -1 - raw}, {@code raw} being unsigned 64 bits (so the value reaches
     * -2<sup>64</sup>). Narrow it with {@link #longValueExact()}.
     */
    record NegativeInt(long raw) implements CborValue {
        public BigInteger bigValue() {
            return BigInteger.ONE.negate().subtract(new BigInteger(Long.toUnsignedString(raw)));
        }

        /**
         * The value when it fits a Java long (at least -2<sup>63</sup>).
         *
         * @throws CborException {@link CborException.Reason#OUT_OF_RANGE} otherwise
         */
        public long longValueExact() {
            if (raw < 0) {
                throw new CborException(CborException.Reason.OUT_OF_RANGE, "expected an integer of at least "
                        + Long.MIN_VALUE + ", found " + this);
            }
            return -1 - raw;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NegativeInt n && n.raw == raw;
        }

        @Override
        public int hashCode() {
            return ~Long.hashCode(raw);
        }

        @Override
        public String toString() {
            return bigValue().toString();
        }
    }

    /** Major type 2. The array is owned by the value; {@link #bytes()} returns it without copying, so don't modify it. */
    record Bytes(byte[] bytes) implements CborValue {
        public Bytes {
            if (bytes == null) {
                throw new IllegalArgumentException("bytes must not be null");
            }
        }

        public int length() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "h'" + HexFormat.of().formatHex(bytes) + "'";
        }
    }

    /** Major type 3 (valid UTF-8). */
    record Text(String value) implements CborValue {
        public Text {
            if (value == null) {
                throw new IllegalArgumentException("text must not be null");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Text t && t.value.equals(value);
        }

        @Override
        public int hashCode() {
            return value.hashCode();
        }

        @Override
        public String toString() {
            return '"' + value + '"';
        }
    }

    /** Major type 4. {@code indefinite} records how it was encoded (informational). */
    record Array(List<CborValue> items, boolean indefinite) implements CborValue {
        public Array {
            items = List.copyOf(items);
        }

        public Array(List<CborValue> items) {
            this(items, false);
        }

        public int size() {
            return items.size();
        }

        public CborValue get(int index) {
            return items.get(index);
        }

        /** Equal when the items are equal, whatever the length form. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Array a && items.equals(a.items);
        }

        @Override
        public int hashCode() {
            return items.hashCode();
        }
    }

    /** Major type 5: keys in the order they were read, no duplicates. {@code indefinite} is informational. */
    record MapValue(Map<CborValue, CborValue> entries, boolean indefinite) implements CborValue {
        public MapValue {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        public MapValue(Map<CborValue, CborValue> entries) {
            this(entries, false);
        }

        public int size() {
            return entries.size();
        }

        /** The value under a text key, or null when the key is absent (a present CBOR null is {@link Null}). */
        public CborValue get(String key) {
            return entries.get(new Text(key));
        }

        /** The value under an integer key, or null when absent. */
        public CborValue get(long key) {
            return entries.get(CborValue.integer(key));
        }

        public boolean containsKey(CborValue key) {
            return entries.containsKey(key);
        }

        /** Equal when the entries are equal in the same order, whatever the length form. */
        @Override
        public boolean equals(Object o) {
            return o instanceof MapValue m && List.copyOf(entries.entrySet()).equals(List.copyOf(m.entries.entrySet()));
        }

        @Override
        public int hashCode() {
            return entries.hashCode();
        }
    }

    /** Major type 6. */
    record Tag(long tag, CborValue content) implements CborValue {}

    /** {@code true}/{@code false}. */
    record Bool(boolean value) implements CborValue {}

    /** CBOR {@code null} (distinct from an absent map entry). */
    record Null() implements CborValue {}

    /** CBOR {@code undefined}. */
    record Undefined() implements CborValue {}

    /** Any other simple value (0..19, 32..255). */
    record Simple(int value) implements CborValue {}

    /** Half, single or double precision float, widened to double. */
    record FloatValue(double value) implements CborValue {
        @Override
        public boolean equals(Object o) {
            return o instanceof FloatValue f && Double.doubleToLongBits(value) == Double.doubleToLongBits(f.value);
        }

        @Override
        public int hashCode() {
            return Double.hashCode(value);
        }
    }

    Null NULL = new Null();

    /** An integer value of the right major type. */
    static CborValue integer(long value) {
        return value >= 0 ? new UnsignedInt(value) : new NegativeInt(-1 - value);
    }

    static Text text(String value) {
        return new Text(value);
    }

    static Bytes bytes(byte[] value) {
        return new Bytes(value);
    }

    /** A human-readable type name for error messages. */
    default String typeName() {
        if (this instanceof UnsignedInt) {
            return "unsigned integer";
        } else if (this instanceof NegativeInt) {
            return "negative integer";
        } else if (this instanceof Bytes) {
            return "byte string";
        } else if (this instanceof Text) {
            return "text string";
        } else if (this instanceof Array) {
            return "array";
        } else if (this instanceof MapValue) {
            return "map";
        } else if (this instanceof Tag t) {
            return "tag " + Long.toUnsignedString(t.tag());
        } else if (this instanceof Bool) {
            return "boolean";
        } else if (this instanceof Null) {
            return "null";
        } else if (this instanceof Undefined) {
            return "undefined";
        } else if (this instanceof FloatValue) {
            return "float";
        }
        return "simple value";
    }
}

package dev.attested.internal.cbor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Deterministic CBOR encoder: shortest-form heads, definite lengths, map entries in the order given.
 *
 * <p>The caller writes items in sequence ({@code startMap(2).text("a").integer(1).text("b").nul()}); containers
 * are announced with their item count. The only non-deterministic form, {@link #startIndefiniteMap()} /
 * {@link #startIndefiniteArray()} with {@link #end()}, exists to produce documents shaped like AWS's since mid-2025
 * (indefinite top-level map) in tests.
 */
public final class CborWriter {
    private final ByteArrayOutputStream out;

    public CborWriter() {
        this(256);
    }

    public CborWriter(int initialCapacity) {
        this.out = new ByteArrayOutputStream(initialCapacity);
    }

    /** Encodes one value (definite lengths throughout). */
    public static byte[] encode(CborValue value) {
        return new CborWriter().value(value).toByteArray();
    }

    public CborWriter uint(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value for an unsigned integer: " + value);
        }
        head(0, value);
        return this;
    }

    /** Any long, as major type 0 or 1. */
    public CborWriter integer(long value) {
        if (value >= 0) {
            head(0, value);
        } else {
            head(1, -1 - value);
        }
        return this;
    }

    public CborWriter bytes(byte[] value) {
        head(2, value.length);
        out.write(value, 0, value.length);
        return this;
    }

    public CborWriter text(String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        head(3, b.length);
        out.write(b, 0, b.length);
        return this;
    }

    public CborWriter startArray(int items) {
        head(4, items);
        return this;
    }

    public CborWriter startMap(int entries) {
        head(5, entries);
        return this;
    }

    public CborWriter startIndefiniteArray() {
        out.write(0x9f);
        return this;
    }

    public CborWriter startIndefiniteMap() {
        out.write(0xbf);
        return this;
    }

    /** Closes the innermost indefinite-length container. */
    public CborWriter end() {
        out.write(0xff);
        return this;
    }

    public CborWriter tag(long tag) {
        head(6, tag);
        return this;
    }

    public CborWriter bool(boolean value) {
        out.write(value ? 0xf5 : 0xf4);
        return this;
    }

    public CborWriter nul() {
        out.write(0xf6);
        return this;
    }

    /** A byte string, or {@code null} when {@code value} is null. */
    public CborWriter bytesOrNull(byte[] value) {
        return value == null ? nul() : bytes(value);
    }

    /** Appends bytes that are already one or more encoded CBOR items. */
    public CborWriter raw(byte[] encoded) {
        out.write(encoded, 0, encoded.length);
        return this;
    }

    /** Writes any decoded value back with definite lengths and shortest heads. */
    public CborWriter value(CborValue v) {
        if (v instanceof CborValue.UnsignedInt u) {
            head(0, u.value());
        } else if (v instanceof CborValue.NegativeInt n) {
            head(1, n.raw());
        } else if (v instanceof CborValue.Bytes b) {
            bytes(b.bytes());
        } else if (v instanceof CborValue.Text t) {
            text(t.value());
        } else if (v instanceof CborValue.Array a) {
            startArray(a.size());
            for (CborValue item : a.items()) {
                value(item);
            }
        } else if (v instanceof CborValue.MapValue m) {
            startMap(m.size());
            for (Map.Entry<CborValue, CborValue> e : m.entries().entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
        } else if (v instanceof CborValue.Tag t) {
            tag(t.tag());
            value(t.content());
        } else if (v instanceof CborValue.Bool b) {
            bool(b.value());
        } else if (v instanceof CborValue.Null) {
            nul();
        } else if (v instanceof CborValue.Undefined) {
            out.write(0xf7);
        } else if (v instanceof CborValue.Simple s) {
            if (s.value() < 24) {
                out.write(0xe0 | s.value());
            } else {
                out.write(0xf8);
                out.write(s.value());
            }
        } else if (v instanceof CborValue.FloatValue f) {
            out.write(0xfb);
            writeBe(Double.doubleToLongBits(f.value()), 8);
        }
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void head(int major, long arg) {
        int mt = major << 5;
        if (arg >= 0 && arg < 24) {
            out.write(mt | (int) arg);
        } else if (arg >= 0 && arg <= 0xffL) {
            out.write(mt | 24);
            writeBe(arg, 1);
        } else if (arg >= 0 && arg <= 0xffffL) {
            out.write(mt | 25);
            writeBe(arg, 2);
        } else if (arg >= 0 && arg <= 0xffffffffL) {
            out.write(mt | 26);
            writeBe(arg, 4);
        } else {
            out.write(mt | 27);
            writeBe(arg, 8);
        }
    }

    private void writeBe(long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
    }
}

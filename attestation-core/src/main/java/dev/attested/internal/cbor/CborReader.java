package dev.attested.internal.cbor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict, bounded decoder for one CBOR data item (RFC 8949) from untrusted input.
 *
 * <ul>
 *   <li>Definite and indefinite-length arrays, maps, byte and text strings are accepted; non-shortest heads are
 *       accepted too (the verifier never re-encodes what it verifies).</li>
 *   <li>Every length header is compared with the remaining input <em>before</em> anything is allocated: a string
 *       cannot be longer than the bytes left, an array cannot have more items than bytes left, a map not more
 *       entries than half of them.</li>
 *   <li>Duplicate map keys, trailing bytes after the item, nesting deeper than {@link #maxDepth}, reserved
 *       additional-information values, stray breaks and invalid UTF-8 are rejected.</li>
 * </ul>
 * Tags are returned as {@link CborValue.Tag}; interpreting them (e.g. COSE's tag 18) is the caller's job.
 */
public final class CborReader {
    /** Nesting limit used by {@link #decode(byte[])}; attestation documents nest 3 levels deep. */
    public static final int DEFAULT_MAX_DEPTH = 16;

    private static final int BREAK = 0xff;

    private final byte[] in;
    private final int end;
    private final int maxDepth;
    private int pos;

    private CborReader(byte[] in, int offset, int length, int maxDepth) {
        if (offset < 0 || length < 0 || offset + length > in.length) {
            throw new IllegalArgumentException("range outside the input");
        }
        this.in = in;
        this.pos = offset;
        this.end = offset + length;
        this.maxDepth = maxDepth;
    }

    /** Decodes exactly one item that spans all of {@code data}. */
    public static CborValue decode(byte[] data) {
        return decode(data, DEFAULT_MAX_DEPTH);
    }

    /** Decodes exactly one item that spans all of {@code data}, with containers nested at most {@code maxDepth} deep. */
    public static CborValue decode(byte[] data, int maxDepth) {
        return decode(data, 0, data.length, maxDepth);
    }

    /** Decodes exactly one item spanning {@code data[offset, offset+length)}. */
    public static CborValue decode(byte[] data, int offset, int length, int maxDepth) {
        CborReader r = new CborReader(data, offset, length, maxDepth);
        CborValue v = r.readItem(0);
        if (r.pos != r.end) {
            throw new CborException(CborException.Reason.TRAILING_BYTES, r.pos,
                    (r.end - r.pos) + " byte(s) after the end of the item");
        }
        return v;
    }

    private CborValue readItem(int depth) {
        int start = pos;
        int ib = next();
        if (ib == BREAK) {
            throw new CborException(CborException.Reason.INVALID_ENCODING, start, "break code outside an indefinite-length item");
        }
        int major = ib >>> 5;
        int info = ib & 0x1f;
        switch (major) {
            case 0:
                return new CborValue.UnsignedInt(readArgument(info, start));
            case 1:
                return new CborValue.NegativeInt(readArgument(info, start));
            case 2:
                return new CborValue.Bytes(readString(2, info, start));
            case 3:
                return new CborValue.Text(utf8(readString(3, info, start), start));
            case 4:
                return readArray(info, start, depth + 1);
            case 5:
                return readMap(info, start, depth + 1);
            case 6: {
                long tag = readArgument(info, start);
                checkDepth(depth + 1, start);
                return new CborValue.Tag(tag, readItem(depth + 1));
            }
            default:
                return readSimple(info, start);
        }
    }

    private CborValue readArray(int info, int start, int depth) {
        checkDepth(depth, start);
        if (info == 31) {
            List<CborValue> items = new ArrayList<>();
            while (peek() != BREAK) {
                items.add(readItem(depth));
            }
            pos++;
            return new CborValue.Array(items, true);
        }
        long n = readArgument(info, start);
        if (Long.compareUnsigned(n, end - pos) > 0) {
            throw new CborException(CborException.Reason.LENGTH_EXCEEDS_INPUT, start,
                    "array of " + Long.toUnsignedString(n) + " items but only " + (end - pos) + " byte(s) left");
        }
        List<CborValue> items = new ArrayList<>((int) Math.min(n, 64));
        for (long i = 0; i < n; i++) {
            items.add(readItem(depth));
        }
        return new CborValue.Array(items, false);
    }

    private CborValue readMap(int info, int start, int depth) {
        checkDepth(depth, start);
        Map<CborValue, CborValue> entries = new LinkedHashMap<>();
        if (info == 31) {
            while (peek() != BREAK) {
                putEntry(entries, depth);
            }
            pos++;
            return new CborValue.MapValue(entries, true);
        }
        long n = readArgument(info, start);
        if (Long.compareUnsigned(n, (end - pos) / 2) > 0) {
            throw new CborException(CborException.Reason.LENGTH_EXCEEDS_INPUT, start,
                    "map of " + Long.toUnsignedString(n) + " entries but only " + (end - pos) + " byte(s) left");
        }
        for (long i = 0; i < n; i++) {
            putEntry(entries, depth);
        }
        return new CborValue.MapValue(entries, false);
    }

    private void putEntry(Map<CborValue, CborValue> entries, int depth) {
        int keyAt = pos;
        CborValue key = readItem(depth);
        CborValue value = readItem(depth);
        if (entries.putIfAbsent(key, value) != null) {
            throw new CborException(CborException.Reason.DUPLICATE_KEY, keyAt, "map key " + key + " occurs twice");
        }
    }

    private byte[] readString(int major, int info, int start) {
        if (info == 31) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (peek() != BREAK) {
                int chunkAt = pos;
                int ib = next();
                if (ib >>> 5 != major || (ib & 0x1f) == 31) {
                    throw new CborException(CborException.Reason.INVALID_ENCODING, chunkAt,
                            "chunk of an indefinite-length string must be a definite string of the same type");
                }
                byte[] chunk = readString(major, ib & 0x1f, chunkAt);
                out.write(chunk, 0, chunk.length);
            }
            pos++;
            return out.toByteArray();
        }
        long len = readArgument(info, start);
        if (Long.compareUnsigned(len, end - pos) > 0) {
            throw new CborException(CborException.Reason.LENGTH_EXCEEDS_INPUT, start,
                    "string of " + Long.toUnsignedString(len) + " bytes but only " + (end - pos) + " byte(s) left");
        }
        byte[] b = Arrays.copyOfRange(in, pos, pos + (int) len);
        pos += (int) len;
        return b;
    }

    private CborValue readSimple(int info, int start) {
        switch (info) {
            case 20:
                return new CborValue.Bool(false);
            case 21:
                return new CborValue.Bool(true);
            case 22:
                return CborValue.NULL;
            case 23:
                return new CborValue.Undefined();
            case 24: {
                int v = next();
                if (v < 32) {
                    throw new CborException(CborException.Reason.INVALID_ENCODING, start, "two-byte simple value below 32");
                }
                return new CborValue.Simple(v);
            }
            case 25:
                return new CborValue.FloatValue(halfToDouble((int) readBytes(2)));
            case 26:
                return new CborValue.FloatValue(Float.intBitsToFloat((int) readBytes(4)));
            case 27:
                return new CborValue.FloatValue(Double.longBitsToDouble(readBytes(8)));
            case 28:
            case 29:
            case 30:
            case 31:
                throw new CborException(CborException.Reason.INVALID_ENCODING, start, "reserved simple/float encoding 0x"
                        + Integer.toHexString(0xe0 | info));
            default:
                return new CborValue.Simple(info);
        }
    }

    private long readArgument(int info, int start) {
        if (info < 24) {
            return info;
        }
        switch (info) {
            case 24:
                return readBytes(1);
            case 25:
                return readBytes(2);
            case 26:
                return readBytes(4);
            case 27:
                return readBytes(8);
            default:
                throw new CborException(CborException.Reason.INVALID_ENCODING, start,
                        "additional information " + info + " is reserved or not allowed here");
        }
    }

    private long readBytes(int n) {
        if (end - pos < n) {
            throw new CborException(CborException.Reason.TRUNCATED, pos, "needed " + n + " byte(s), " + (end - pos) + " left");
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = (v << 8) | (in[pos++] & 0xff);
        }
        return v;
    }

    private int next() {
        if (pos >= end) {
            throw new CborException(CborException.Reason.TRUNCATED, pos, "input ends inside an item");
        }
        return in[pos++] & 0xff;
    }

    private int peek() {
        if (pos >= end) {
            throw new CborException(CborException.Reason.TRUNCATED, pos, "input ends inside an indefinite-length item");
        }
        return in[pos] & 0xff;
    }

    private void checkDepth(int depth, int start) {
        if (depth > maxDepth) {
            throw new CborException(CborException.Reason.TOO_DEEP, start, "containers nested deeper than " + maxDepth);
        }
    }

    private static String utf8(byte[] b, int start) {
        boolean ascii = true;
        for (byte x : b) {
            if (x < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new CborException(CborException.Reason.INVALID_ENCODING, start, "text string is not valid UTF-8");
        }
    }

    private static double halfToDouble(int half) {
        int exp = (half >> 10) & 0x1f;
        int mant = half & 0x3ff;
        double val;
        if (exp == 0) {
            val = Math.scalb((double) mant, -24);
        } else if (exp != 31) {
            val = Math.scalb((double) (mant + 1024), exp - 25);
        } else {
            val = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        }
        return (half & 0x8000) != 0 ? -val : val;
    }
}

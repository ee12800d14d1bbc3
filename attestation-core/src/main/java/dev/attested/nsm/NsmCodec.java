package dev.attested.nsm;

import dev.attested.internal.cbor.CborException;
import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * CBOR encoding of NSM requests and responses (docs/spec/nsm-protocol.md §3.1–§3.3).
 *
 * <p>Requests are encoded exactly as AWS's library does (text string for field-less requests, otherwise a
 * 1-entry map with a definite inner map in the documented key order, {@code null} for absent fields). Responses
 * are decoded without depending on key order, accepting indefinite lengths and ignoring unknown keys. The
 * device side ({@link #decodeRequest}, {@link #encodeResponse}) is what {@link dev.attested.testkit.NsmSimulator} speaks.
 */
public final class NsmCodec {
    /** Largest answer the driver hands back ({@code NSM_RESPONSE_MAX_SIZE}, nsm-protocol.md §2.4). */
    public static final int MAX_RESPONSE_SIZE = 12288;
    private static final int MAX_DEPTH = 4;

    private NsmCodec() {}

    // ---------------------------------------------------------------- client side

    /** The request bytes the device expects. */
    public static byte[] encodeRequest(NsmRequest request) {
        CborWriter w = new CborWriter(64);
        if (request instanceof NsmRequest.DescribeNsm || request instanceof NsmRequest.GetRandom) {
            w.text(request.name());
        } else if (request instanceof NsmRequest.DescribePcr r) {
            w.startMap(1).text(r.name()).startMap(1).text("index").uint(r.index());
        } else if (request instanceof NsmRequest.ExtendPcr r) {
            w.startMap(1).text(r.name()).startMap(2).text("index").uint(r.index()).text("data").bytes(r.data());
        } else if (request instanceof NsmRequest.LockPcr r) {
            w.startMap(1).text(r.name()).startMap(1).text("index").uint(r.index());
        } else if (request instanceof NsmRequest.LockPcrs r) {
            w.startMap(1).text(r.name()).startMap(1).text("range").uint(r.range());
        } else if (request instanceof NsmRequest.Attestation r) {
            w.startMap(1).text(r.name()).startMap(3)
                    .text("user_data").bytesOrNull(r.userData())
                    .text("nonce").bytesOrNull(r.nonce())
                    .text("public_key").bytesOrNull(r.publicKey());
        } else {
            throw new IllegalArgumentException("unknown request " + request);
        }
        return w.toByteArray();
    }

    /**
     * Decodes the device's answer. An {@code {"Error": name}} answer becomes {@link NsmResponse.Error} (not an
     * exception); bytes that are not one of the shapes of nsm-protocol.md §3.3 throw
     * {@link NsmException.Code#MALFORMED_RESPONSE}.
     */
    public static NsmResponse decodeResponse(byte[] bytes) {
        CborValue root = decode(bytes, NsmException.Code.MALFORMED_RESPONSE, "response");
        if (root instanceof CborValue.Text t) {
            return switch (t.value()) {
                case "LockPCR" -> new NsmResponse.LockPcr();
                case "LockPCRs" -> new NsmResponse.LockPcrs();
                default -> throw malformed("unknown field-less response " + t);
            };
        }
        Map.Entry<String, CborValue> only = single(root, NsmException.Code.MALFORMED_RESPONSE, "response");
        String name = only.getKey();
        CborValue body = only.getValue();
        if (name.equals("Error")) {
            if (!(body instanceof CborValue.Text code)) {
                throw malformed("Error carries a " + body.typeName() + ", expected its name as text");
            }
            return new NsmResponse.Error(NsmErrorCode.ofWireName(code.value()), code.value());
        }
        CborValue.MapValue fields = fields(body, name, NsmException.Code.MALFORMED_RESPONSE);
        return switch (name) {
            case "DescribePCR" -> new NsmResponse.DescribePcr(bool(fields, name, "lock"), bytes(fields, name, "data"));
            case "ExtendPCR" -> new NsmResponse.ExtendPcr(bytes(fields, name, "data"));
            case "DescribeNSM" -> describeNsm(fields);
            case "Attestation" -> new NsmResponse.Attestation(bytes(fields, name, "document"));
            case "GetRandom" -> new NsmResponse.GetRandom(bytes(fields, name, "random"));
            case "LockPCR" -> new NsmResponse.LockPcr();
            case "LockPCRs" -> new NsmResponse.LockPcrs();
            default -> throw malformed("unknown response " + name);
        };
    }

    private static NsmResponse.DescribeNsm describeNsm(CborValue.MapValue f) {
        String n = "DescribeNSM";
        CborValue locked = require(f, n, "locked_pcrs");
        if (!(locked instanceof CborValue.Array array)) {
            throw malformed(n + ".locked_pcrs is a " + locked.typeName() + ", expected an array");
        }
        SortedSet<Integer> set = new TreeSet<>();
        for (CborValue v : array.items()) {
            set.add(u16(v, n + ".locked_pcrs[]"));
        }
        return new NsmResponse.DescribeNsm(u16(require(f, n, "version_major"), n + ".version_major"),
                u16(require(f, n, "version_minor"), n + ".version_minor"),
                u16(require(f, n, "version_patch"), n + ".version_patch"), text(f, n, "module_id"),
                u16(require(f, n, "max_pcrs"), n + ".max_pcrs"), set, text(f, n, "digest"));
    }

    // ---------------------------------------------------------------- device side

    /**
     * Decodes a request as a device would. Throws {@link NsmDeviceError} carrying the error the device answers
     * with: {@code InvalidOperation} for unknown requests or shapes, {@code InvalidArgument} for bad fields.
     */
    public static NsmRequest decodeRequest(byte[] bytes) {
        CborValue root;
        try {
            root = CborReader.decode(bytes, MAX_DEPTH);
        } catch (CborException e) {
            throw new NsmDeviceError(NsmErrorCode.INVALID_OPERATION, "request is not CBOR: " + e.getMessage());
        }
        if (root instanceof CborValue.Text t) {
            return switch (t.value()) {
                case "DescribeNSM" -> new NsmRequest.DescribeNsm();
                case "GetRandom" -> new NsmRequest.GetRandom();
                default -> throw new NsmDeviceError(NsmErrorCode.INVALID_OPERATION, "unknown request " + t);
            };
        }
        if (!(root instanceof CborValue.MapValue m) || m.size() != 1
                || !(m.entries().keySet().iterator().next() instanceof CborValue.Text key)) {
            throw new NsmDeviceError(NsmErrorCode.INVALID_OPERATION, "request root is a " + root.typeName()
                    + ", expected a text or a 1-entry map keyed by the request name");
        }
        String name = key.value();
        CborValue body = m.entries().values().iterator().next();
        if (!(body instanceof CborValue.MapValue f)) {
            throw new NsmDeviceError(NsmErrorCode.INVALID_OPERATION, name + " carries a " + body.typeName() + ", expected a map");
        }
        return switch (name) {
            case "DescribePCR" -> new NsmRequest.DescribePcr(requestU16(f, "index"));
            case "ExtendPCR" -> {
                byte[] data = requestBytes(f, "data");
                if (data == null) {
                    throw new NsmDeviceError(NsmErrorCode.INVALID_ARGUMENT, "ExtendPCR without data");
                }
                yield new NsmRequest.ExtendPcr(requestU16(f, "index"), data);
            }
            case "LockPCR" -> new NsmRequest.LockPcr(requestU16(f, "index"));
            case "LockPCRs" -> new NsmRequest.LockPcrs(requestU16(f, "range"));
            case "Attestation" -> new NsmRequest.Attestation(requestBytes(f, "user_data"), requestBytes(f, "nonce"),
                    requestBytes(f, "public_key"));
            default -> throw new NsmDeviceError(NsmErrorCode.INVALID_OPERATION, "unknown request " + name);
        };
    }

    /** The response bytes in AWS's library field order (nsm-protocol.md §3.3, §5). */
    public static byte[] encodeResponse(NsmResponse response) {
        CborWriter w = new CborWriter(256);
        if (response instanceof NsmResponse.LockPcr || response instanceof NsmResponse.LockPcrs) {
            w.text(response.name());
        } else if (response instanceof NsmResponse.Error r) {
            w.startMap(1).text("Error").text(r.wireName());
        } else if (response instanceof NsmResponse.DescribePcr r) {
            w.startMap(1).text(r.name()).startMap(2).text("lock").bool(r.lock()).text("data").bytes(r.data());
        } else if (response instanceof NsmResponse.ExtendPcr r) {
            w.startMap(1).text(r.name()).startMap(1).text("data").bytes(r.data());
        } else if (response instanceof NsmResponse.Attestation r) {
            w.startMap(1).text(r.name()).startMap(1).text("document").bytes(r.document());
        } else if (response instanceof NsmResponse.GetRandom r) {
            w.startMap(1).text(r.name()).startMap(1).text("random").bytes(r.random());
        } else if (response instanceof NsmResponse.DescribeNsm r) {
            w.startMap(1).text(r.name()).startMap(7)
                    .text("version_major").uint(r.versionMajor())
                    .text("version_minor").uint(r.versionMinor())
                    .text("version_patch").uint(r.versionPatch())
                    .text("module_id").text(r.moduleId())
                    .text("max_pcrs").uint(r.maxPcrs())
                    .text("locked_pcrs").startArray(r.lockedPcrs().size());
            r.lockedPcrs().forEach(w::uint);
            w.text("digest").text(r.digest());
        } else {
            throw new IllegalArgumentException("unknown response " + response);
        }
        return w.toByteArray();
    }

    /** A device-side refusal: the device answers {@code {"Error": code}}. */
    public static final class NsmDeviceError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final NsmErrorCode code;

        public NsmDeviceError(NsmErrorCode code, String message) {
            super(code.wireName() + ": " + message);
            this.code = code;
        }

        public NsmErrorCode code() {
            return code;
        }
    }

    // ---------------------------------------------------------------- helpers

    private static CborValue decode(byte[] bytes, NsmException.Code code, String what) {
        try {
            return CborReader.decode(bytes, MAX_DEPTH);
        } catch (CborException e) {
            throw new NsmException(code, what + " is not valid CBOR: " + e.getMessage(), e);
        }
    }

    private static Map.Entry<String, CborValue> single(CborValue root, NsmException.Code code, String what) {
        if (!(root instanceof CborValue.MapValue m)) {
            throw new NsmException(code, what + " is a " + root.typeName() + ", expected a text or a 1-entry map");
        }
        if (m.size() != 1) {
            throw new NsmException(code, what + " map has " + m.size() + " entries, expected 1");
        }
        Map.Entry<CborValue, CborValue> e = m.entries().entrySet().iterator().next();
        if (!(e.getKey() instanceof CborValue.Text key)) {
            throw new NsmException(code, what + " key is a " + e.getKey().typeName() + ", expected text");
        }
        return Map.entry(key.value(), e.getValue());
    }

    private static CborValue.MapValue fields(CborValue body, String name, NsmException.Code code) {
        if (!(body instanceof CborValue.MapValue m)) {
            throw new NsmException(code, name + " carries a " + body.typeName() + ", expected a map");
        }
        return m;
    }

    private static CborValue require(CborValue.MapValue f, String name, String key) {
        CborValue v = f.get(key);
        if (v == null) {
            throw malformed(name + " lacks " + key);
        }
        return v;
    }

    private static boolean bool(CborValue.MapValue f, String name, String key) {
        if (require(f, name, key) instanceof CborValue.Bool b) {
            return b.value();
        }
        throw malformed(name + "." + key + " is a " + f.get(key).typeName() + ", expected a boolean");
    }

    private static byte[] bytes(CborValue.MapValue f, String name, String key) {
        if (require(f, name, key) instanceof CborValue.Bytes b) {
            return b.bytes();
        }
        throw malformed(name + "." + key + " is a " + f.get(key).typeName() + ", expected a byte string");
    }

    private static String text(CborValue.MapValue f, String name, String key) {
        if (require(f, name, key) instanceof CborValue.Text t) {
            return t.value();
        }
        throw malformed(name + "." + key + " is a " + f.get(key).typeName() + ", expected text");
    }

    private static int u16(CborValue v, String what) {
        if (v instanceof CborValue.UnsignedInt u && Long.compareUnsigned(u.value(), 0xFFFF) <= 0) {
            return (int) u.value();
        }
        throw malformed(what + " is " + v + ", expected an unsigned 16-bit integer");
    }

    private static int requestU16(CborValue.MapValue f, String key) {
        CborValue v = f.get(key);
        if (v instanceof CborValue.UnsignedInt u && Long.compareUnsigned(u.value(), 0xFFFF) <= 0) {
            return (int) u.value();
        }
        throw new NsmDeviceError(NsmErrorCode.INVALID_ARGUMENT, key + " is " + (v == null ? "missing" : v)
                + ", expected an unsigned 16-bit integer");
    }

    /** Byte string, or null when absent or CBOR null. */
    private static byte[] requestBytes(CborValue.MapValue f, String key) {
        CborValue v = f.get(key);
        if (v == null || v instanceof CborValue.Null) {
            return null;
        }
        if (v instanceof CborValue.Bytes b) {
            return b.bytes();
        }
        throw new NsmDeviceError(NsmErrorCode.INVALID_ARGUMENT, key + " is a " + v.typeName() + ", expected a byte string or null");
    }

    private static NsmException malformed(String message) {
        return new NsmException(NsmException.Code.MALFORMED_RESPONSE, message);
    }
}

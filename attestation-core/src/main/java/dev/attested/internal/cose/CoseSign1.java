package dev.attested.internal.cose;

import dev.attested.internal.cbor.CborException;
import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import java.security.PrivateKey;
import java.util.Map;
import org.bouncycastle.crypto.digests.SHA384Digest;

/**
 * A COSE_Sign1 structure (RFC 8152 §4.2): {@code [protected: bstr, unprotected: map, payload: bstr, signature: bstr]},
 * optionally wrapped in tag 18.
 *
 * <p>The protected header and payload are kept as the exact bytes received; the {@link #sigStructure() Sig_structure}
 * is built from them, never from a re-encoding of decoded values.
 */
public final class CoseSign1 {
    /** COSE tag for COSE_Sign1. */
    public static final long TAG = 18;
    /** COSE algorithm identifier of ES384. */
    public static final long ALG_ES384 = -35;
    /** The protected header {@code {1: -35}} as AWS encodes it. */
    private static final byte[] ES384_PROTECTED = {(byte) 0xa1, 0x01, 0x38, 0x22};

    private final byte[] protectedHeader;
    private final CborValue.MapValue unprotectedHeader;
    private final byte[] payload;
    private final byte[] signature;
    private final boolean tagged;

    private CoseSign1(byte[] protectedHeader, CborValue.MapValue unprotectedHeader, byte[] payload, byte[] signature,
            boolean tagged) {
        this.protectedHeader = protectedHeader;
        this.unprotectedHeader = unprotectedHeader;
        this.payload = payload;
        this.signature = signature;
        this.tagged = tagged;
    }

    /**
     * Parses the framing only: optional tag 18, an array of exactly four items with the types above, no trailing
     * bytes. Header contents and the signature length are checked by {@link #requireEs384()}.
     */
    public static CoseSign1 parse(byte[] data) {
        CborValue top;
        try {
            top = CborReader.decode(data, CborReader.DEFAULT_MAX_DEPTH);
        } catch (CborException e) {
            throw new CoseException(CoseException.Code.MALFORMED, "not well-formed CBOR: " + e.getMessage(), e);
        }
        boolean tagged = false;
        if (top instanceof CborValue.Tag t) {
            if (t.tag() != TAG) {
                throw new CoseException(CoseException.Code.MALFORMED,
                        "expected COSE_Sign1 untagged or with tag 18, found tag " + Long.toUnsignedString(t.tag()));
            }
            tagged = true;
            top = t.content();
        }
        if (!(top instanceof CborValue.Array a) || a.size() != 4) {
            throw new CoseException(CoseException.Code.MALFORMED, "expected COSE_Sign1 as an array of 4 items, found "
                    + (top instanceof CborValue.Array a2 ? "an array of " + a2.size() : "a " + top.typeName()));
        }
        byte[] prot = requireBytes(a.get(0), "protected header");
        if (!(a.get(1) instanceof CborValue.MapValue unprot)) {
            throw new CoseException(CoseException.Code.MALFORMED, "expected the unprotected header as a map, found a "
                    + a.get(1).typeName());
        }
        byte[] payload = requireBytes(a.get(2), "payload");
        byte[] sig = requireBytes(a.get(3), "signature");
        return new CoseSign1(prot, unprot, payload, sig, tagged);
    }

    private static byte[] requireBytes(CborValue v, String what) {
        if (!(v instanceof CborValue.Bytes b)) {
            throw new CoseException(CoseException.Code.MALFORMED, "expected the " + what + " as a byte string, found a "
                    + v.typeName());
        }
        return b.bytes();
    }

    /**
     * Requires the ES384 profile used by Nitro attestation and EIF signatures: protected header exactly
     * {@code {1: -35}}, empty unprotected header, 96-byte signature.
     */
    public CoseSign1 requireEs384() {
        CborValue.MapValue m = protectedHeaderMap();
        CborValue alg = m.get(1);
        if (alg == null) {
            throw new CoseException(CoseException.Code.UNSUPPORTED_ALGORITHM,
                    "expected protected header {1: -35} (ES384), found no algorithm");
        }
        if (!alg.equals(CborValue.integer(ALG_ES384))) {
            throw new CoseException(CoseException.Code.UNSUPPORTED_ALGORITHM,
                    "expected algorithm -35 (ES384), found " + alg);
        }
        if (m.size() != 1) {
            throw new CoseException(CoseException.Code.MALFORMED,
                    "expected protected header exactly {1: -35}, found " + m.size() + " entries");
        }
        if (unprotectedHeader.size() != 0) {
            throw new CoseException(CoseException.Code.MALFORMED,
                    "expected an empty unprotected header, found " + unprotectedHeader.size() + " entries");
        }
        if (signature.length != Es384.SIGNATURE_LENGTH) {
            throw new CoseException(CoseException.Code.MALFORMED,
                    "expected a 96-byte ES384 signature (r || s), found " + signature.length + " bytes");
        }
        return this;
    }

    /** The decoded protected header map (an empty byte string counts as the empty map). */
    public CborValue.MapValue protectedHeaderMap() {
        CborValue header;
        try {
            header = protectedHeader.length == 0 ? new CborValue.MapValue(Map.of()) : CborReader.decode(protectedHeader, 2);
        } catch (CborException e) {
            throw new CoseException(CoseException.Code.MALFORMED, "protected header is not well-formed CBOR: " + e.getMessage());
        }
        if (!(header instanceof CborValue.MapValue m)) {
            throw new CoseException(CoseException.Code.MALFORMED, "expected the protected header to hold a map, found a "
                    + header.typeName());
        }
        return m;
    }

    /** The integer algorithm of the protected header (key 1). */
    public long algorithm() {
        CborValue alg = protectedHeaderMap().get(1);
        try {
            if (alg instanceof CborValue.UnsignedInt u) {
                return u.longValueExact();
            }
            if (alg instanceof CborValue.NegativeInt n) {
                return n.longValueExact();
            }
        } catch (CborException e) {
            throw new CoseException(CoseException.Code.UNSUPPORTED_ALGORITHM, "expected an algorithm identifier that fits "
                    + "64 signed bits, found " + alg);
        }
        throw new CoseException(CoseException.Code.UNSUPPORTED_ALGORITHM, "expected an integer algorithm in the protected header, found "
                + (alg == null ? "none" : alg.toString()));
    }

    /**
     * {@code ["Signature1", protected, h'', payload]} encoded with shortest heads around the bytes exactly as
     * received (RFC 8152 §4.4).
     */
    public byte[] sigStructure() {
        return new CborWriter(payload.length + protectedHeader.length + 32)
                .startArray(4).text("Signature1").bytes(protectedHeader).bytes(new byte[0]).bytes(payload)
                .toByteArray();
    }

    /** SHA-384 of {@link #sigStructure()}, computed without copying the payload. */
    public byte[] sigStructureDigest() {
        SHA384Digest md = new SHA384Digest();
        byte[] head = new CborWriter(32).startArray(4).text("Signature1").bytes(protectedHeader).bytes(new byte[0])
                .toByteArray();
        md.update(head, 0, head.length);
        byte[] bstr = bstrHead(payload.length);
        md.update(bstr, 0, bstr.length);
        md.update(payload, 0, payload.length);
        return Es384.finish(md);
    }

    /** Verifies the ES384 signature with {@code key}; throws {@link CoseException} with SIGNATURE_INVALID otherwise. */
    public void verifyEs384(Es384.PublicKeyHandle key) {
        requireEs384();
        if (!key.verifyRawDigest(sigStructureDigest(), signature)) {
            throw new CoseException(CoseException.Code.SIGNATURE_INVALID,
                    "the ES384 signature does not verify with the given key over the Sig_structure");
        }
    }

    /**
     * Signs {@code payload} as an untagged ES384 COSE_Sign1 with protected header {@code {1: -35}} and an empty
     * unprotected map — the form of Nitro attestation documents and of the EIF signature section
     * (docs/spec/eif-format.md §6.2).
     */
    public static byte[] signEs384(byte[] payload, PrivateKey key) {
        return sign(ES384_PROTECTED, payload, key).encode(false);
    }

    /** Signs with an arbitrary protected header (tests of odd documents); the signature is ES384. */
    public static CoseSign1 sign(byte[] protectedHeader, byte[] payload, PrivateKey key) {
        CoseSign1 unsigned = new CoseSign1(protectedHeader.clone(), new CborValue.MapValue(Map.of()), payload.clone(),
                new byte[0], false);
        byte[] sig = Es384.signRaw(unsigned.sigStructure(), key);
        return new CoseSign1(unsigned.protectedHeader, unsigned.unprotectedHeader, unsigned.payload, sig, false);
    }

    /** Encodes with definite lengths and shortest heads, optionally with tag 18. */
    public byte[] encode(boolean withTag) {
        CborWriter w = new CborWriter(payload.length + 160);
        if (withTag) {
            w.tag(TAG);
        }
        return w.startArray(4).bytes(protectedHeader).value(unprotectedHeader).bytes(payload).bytes(signature)
                .toByteArray();
    }

    /** The protected header bytes exactly as received (a copy). */
    public byte[] protectedHeader() {
        return protectedHeader.clone();
    }

    public CborValue.MapValue unprotectedHeader() {
        return unprotectedHeader;
    }

    /** The payload bytes exactly as received (a copy). */
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload length without copying. */
    public int payloadLength() {
        return payload.length;
    }

    /** The raw signature bytes (a copy). */
    public byte[] signature() {
        return signature.clone();
    }

    /** Whether the input carried tag 18. */
    public boolean tagged() {
        return tagged;
    }

    /** Decodes the payload as CBOR (the caller interprets it). */
    public CborValue decodePayload(int maxDepth) {
        return CborReader.decode(payload, maxDepth);
    }

    private static byte[] bstrHead(int len) {
        if (len < 24) {
            return new byte[] {(byte) (0x40 | len)};
        } else if (len <= 0xff) {
            return new byte[] {0x58, (byte) len};
        } else if (len <= 0xffff) {
            return new byte[] {0x59, (byte) (len >>> 8), (byte) len};
        }
        return new byte[] {0x5a, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
    }
}

package dev.attested.attestation;

import dev.attested.attestation.AttestationException.Code;
import dev.attested.internal.cbor.CborException;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cose.CoseException;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.pcr.Pcr;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The fields of an attestation document that has <strong>not</strong> been verified: framing and payload schema
 * are checked, signatures, certificates and time are not. Use it to display a document, to read the timestamp
 * before choosing how to verify, or to read emulator documents (QEMU signs nothing, alg -1). Never base a trust
 * decision on it — {@link AttestationVerifier} returns a {@link VerifiedAttestation} for that.
 */
public final class UnverifiedDocument {
    /** Largest payload accepted (docs/spec/attestation-document.md §3.2). */
    public static final int MAX_PAYLOAD = 16384;
    /** Largest document accepted: payload plus framing and a signature, with room for non-shortest heads. */
    public static final int MAX_DOCUMENT = MAX_PAYLOAD + 1024;
    /** Upper bound for certificate, cabundle entry and optional field lengths. */
    public static final int MAX_FIELD = 1024;
    /** Upper bound of cabundle entries. */
    public static final int MAX_CABUNDLE = 10;
    /** PCR indices are 0..31; a document holds at most this many PCRs. */
    public static final int MAX_PCRS = 32;
    private static final int PAYLOAD_DEPTH = 8;

    private final CoseSign1 cose;
    private final String moduleId;
    private final String digest;
    private final long timestampMillis;
    private final SortedMap<Integer, Pcr> pcrs;
    private final byte[] certificate;
    private final List<byte[]> cabundle;
    private final byte[] publicKey;
    private final byte[] userData;
    private final byte[] nonce;

    private UnverifiedDocument(CoseSign1 cose, String moduleId, String digest, long timestampMillis,
            SortedMap<Integer, Pcr> pcrs, byte[] certificate, List<byte[]> cabundle, byte[] publicKey, byte[] userData,
            byte[] nonce) {
        this.cose = cose;
        this.moduleId = moduleId;
        this.digest = digest;
        this.timestampMillis = timestampMillis;
        this.pcrs = Collections.unmodifiableSortedMap(pcrs);
        this.certificate = certificate;
        this.cabundle = cabundle;
        this.publicKey = publicKey;
        this.userData = userData;
        this.nonce = nonce;
    }

    /**
     * Parses framing and payload with any algorithm in the protected header (emulator documents included).
     *
     * @throws AttestationException MALFORMED_CBOR, MALFORMED_COSE or SCHEMA_VIOLATION
     */
    public static UnverifiedDocument parse(byte[] document) {
        return parse(document, false);
    }

    /** Parses and requires the ES384 profile of genuine documents; used by the verifier. */
    static UnverifiedDocument parseEs384(byte[] document) {
        return parse(document, true);
    }

    private static UnverifiedDocument parse(byte[] document, boolean requireEs384) {
        if (document == null || document.length == 0) {
            throw new AttestationException(Code.MALFORMED_CBOR, "expected a COSE_Sign1 document, found no bytes.");
        }
        if (document.length > MAX_DOCUMENT) {
            throw new AttestationException(Code.DOCUMENT_TOO_LARGE, "expected a document of at most " + MAX_DOCUMENT
                    + " bytes, found " + document.length + " bytes.");
        }
        CoseSign1 cose;
        try {
            cose = CoseSign1.parse(document);
            if (requireEs384) {
                cose.requireEs384();
            } else {
                cose.algorithm();
            }
        } catch (CoseException e) {
            throw coseFailure(e);
        }
        int len = cose.payloadLength();
        if (len == 0 || len > MAX_PAYLOAD) {
            throw new AttestationException(Code.MALFORMED_COSE, "expected a payload of 1.." + MAX_PAYLOAD
                    + " bytes, found " + len + ".");
        }
        CborValue payload;
        try {
            payload = cose.decodePayload(PAYLOAD_DEPTH);
        } catch (CborException e) {
            throw new AttestationException(Code.MALFORMED_CBOR, "expected the payload as one well-formed CBOR item, found "
                    + e.detailClause() + ".", e);
        }
        return fromPayload(cose, payload);
    }

    static AttestationException coseFailure(CoseException e) {
        if (e.getCause() instanceof CborException c) {
            return new AttestationException(Code.MALFORMED_CBOR, "expected one well-formed CBOR item, found " + c.detailClause() + ".", e);
        }
        if (e.code() == CoseException.Code.UNSUPPORTED_ALGORITHM) {
            return new AttestationException(Code.UNSUPPORTED_ALGORITHM, e.detailClause() + ".", e);
        }
        return new AttestationException(Code.MALFORMED_COSE, e.detailClause() + ".", e);
    }

    private static UnverifiedDocument fromPayload(CoseSign1 cose, CborValue payload) {
        if (!(payload instanceof CborValue.MapValue map)) {
            throw schema("expected the payload to be a map, found a " + payload.typeName());
        }
        for (CborValue key : map.entries().keySet()) {
            if (!(key instanceof CborValue.Text)) {
                throw schema("expected text keys in the payload map, found a " + key.typeName() + " key " + key);
            }
        }
        String moduleId = text(map, "module_id");
        if (moduleId.isEmpty()) {
            throw schema("expected a non-empty module_id, found an empty text");
        }
        String digest = text(map, "digest");
        if (!"SHA384".equals(digest)) {
            throw schema("expected digest \"SHA384\", found \"" + digest + "\"");
        }
        long timestampMillis = timestampMillis(required(map, "timestamp"));
        SortedMap<Integer, Pcr> pcrs = pcrs(required(map, "pcrs"));
        byte[] certificate = bytes(required(map, "certificate"), "certificate", 1);
        CborValue bundle = required(map, "cabundle");
        if (!(bundle instanceof CborValue.Array arr) || arr.size() < 1 || arr.size() > MAX_CABUNDLE) {
            throw schema("expected cabundle as an array of 1.." + MAX_CABUNDLE + " certificates, found "
                    + (bundle instanceof CborValue.Array a ? a.size() + " entries" : "a " + bundle.typeName()));
        }
        List<byte[]> cabundle = new ArrayList<>(arr.size());
        for (int i = 0; i < arr.size(); i++) {
            cabundle.add(bytes(arr.get(i), "cabundle[" + i + "]", 1));
        }
        byte[] publicKey = optional(map, "public_key");
        if (publicKey != null && publicKey.length == 0) {
            publicKey = null;
        }
        return new UnverifiedDocument(cose, moduleId, digest, timestampMillis, pcrs, certificate, List.copyOf(cabundle),
                publicKey, optional(map, "user_data"), optional(map, "nonce"));
    }

    /** Milliseconds since the epoch: an unsigned integer 1..2<sup>63</sup>-1 (compared as the unsigned value it is). */
    private static long timestampMillis(CborValue ts) {
        if (ts instanceof CborValue.UnsignedInt u && !u.isAtMost(0)) {
            try {
                return u.longValueExact();
            } catch (CborException e) {
                // beyond 2^63-1: reported below
            }
        }
        throw schema("expected timestamp as an unsigned integer 1.." + Long.MAX_VALUE
                + " (milliseconds since the epoch), found " + (ts instanceof CborValue.UnsignedInt ? ts : "a " + ts.typeName() + " " + ts));
    }

    private static SortedMap<Integer, Pcr> pcrs(CborValue v) {
        if (!(v instanceof CborValue.MapValue m) || m.size() < 1 || m.size() > MAX_PCRS) {
            throw schema("expected pcrs as a map of 1.." + MAX_PCRS + " entries, found "
                    + (v instanceof CborValue.MapValue mm ? mm.size() + " entries" : "a " + v.typeName()));
        }
        SortedMap<Integer, Pcr> out = new TreeMap<>();
        for (Map.Entry<CborValue, CborValue> e : m.entries().entrySet()) {
            int index = pcrIndex(e.getKey());
            if (!(e.getValue() instanceof CborValue.Bytes b) || b.length() != Pcr.LENGTH) {
                throw schema("expected PCR" + index + " as 48 bytes (SHA-384), found "
                        + (e.getValue() instanceof CborValue.Bytes bb ? bb.length() + " bytes" : "a " + e.getValue().typeName()));
            }
            if (out.put(index, Pcr.of(b.bytes())) != null) {
                throw schema("expected each PCR index once, found PCR" + index + " twice");
            }
        }
        return out;
    }

    /**
     * A PCR index: an unsigned integer 0..{@value #MAX_PCRS}-1. Compared as the unsigned value it is, so that
     * 2<sup>63</sup> or 2<sup>64</sup>-1 can never be truncated onto PCR0.
     */
    private static int pcrIndex(CborValue key) {
        if (key instanceof CborValue.UnsignedInt k) {
            try {
                return k.intAtMost(MAX_PCRS - 1);
            } catch (CborException e) {
                throw schema("expected PCR indices 0.." + (MAX_PCRS - 1) + ", found " + k);
            }
        }
        throw schema("expected PCR indices 0.." + (MAX_PCRS - 1) + " as unsigned integers, found a " + key.typeName() + " " + key);
    }

    private static CborValue required(CborValue.MapValue map, String key) {
        CborValue v = map.get(key);
        if (v == null) {
            throw schema("expected the mandatory field " + key + ", found it absent");
        }
        return v;
    }

    private static String text(CborValue.MapValue map, String key) {
        CborValue v = required(map, key);
        if (!(v instanceof CborValue.Text t)) {
            throw schema("expected " + key + " as a text string, found a " + v.typeName());
        }
        return t.value();
    }

    private static byte[] bytes(CborValue v, String what, int min) {
        if (!(v instanceof CborValue.Bytes b)) {
            throw schema("expected " + what + " as a byte string, found a " + v.typeName());
        }
        if (b.length() < min || b.length() > MAX_FIELD) {
            throw schema("expected " + what + " of " + min + ".." + MAX_FIELD + " bytes, found " + b.length());
        }
        return b.bytes();
    }

    private static byte[] optional(CborValue.MapValue map, String key) {
        CborValue v = map.get(key);
        if (v == null || v instanceof CborValue.Null) {
            return null;
        }
        return bytes(v, key, 0);
    }

    private static AttestationException schema(String detail) {
        return new AttestationException(Code.SCHEMA_VIOLATION, detail + ".");
    }

    CoseSign1 cose() {
        return cose;
    }

    byte[] certificateUnsafe() {
        return certificate;
    }

    List<byte[]> cabundleUnsafe() {
        return cabundle;
    }

    byte[] publicKeyUnsafe() {
        return publicKey;
    }

    byte[] userDataUnsafe() {
        return userData;
    }

    byte[] nonceUnsafe() {
        return nonce;
    }

    public String moduleId() {
        return moduleId;
    }

    public String digest() {
        return digest;
    }

    /** The document's own claim of when it was made (UTC, milliseconds). */
    public Instant timestamp() {
        return Instant.ofEpochMilli(timestampMillis);
    }

    public long timestampMillis() {
        return timestampMillis;
    }

    /** All PCRs of the document, by index. */
    public SortedMap<Integer, Pcr> pcrs() {
        return pcrs;
    }

    public Optional<Pcr> pcr(int index) {
        return Optional.ofNullable(pcrs.get(index));
    }

    /** True when PCR0, PCR1 and PCR2 are all zero (attestation-document.md §7). */
    public boolean isDebugMode() {
        for (int i = 0; i <= 2; i++) {
            Pcr p = pcrs.get(i);
            if (p == null || !p.isZero()) {
                return false;
            }
        }
        return true;
    }

    /** DER of the leaf certificate (a copy). */
    public byte[] certificate() {
        return certificate.clone();
    }

    /** DER certificates of the bundle, root first (copies). */
    public List<byte[]> cabundle() {
        List<byte[]> out = new ArrayList<>(cabundle.size());
        cabundle.forEach(c -> out.add(c.clone()));
        return out;
    }

    /** Empty when null, absent or zero-length. */
    public Optional<byte[]> publicKey() {
        return Optional.ofNullable(publicKey).map(byte[]::clone);
    }

    /** Empty when null or absent; a zero-length value is present. */
    public Optional<byte[]> userData() {
        return Optional.ofNullable(userData).map(byte[]::clone);
    }

    /** Empty when null or absent; a zero-length value is present. */
    public Optional<byte[]> nonce() {
        return Optional.ofNullable(nonce).map(byte[]::clone);
    }

    /** The COSE algorithm of the protected header (-35 for genuine documents, -1 for QEMU's). */
    public long algorithm() {
        return cose.algorithm();
    }
}

package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.testkit.SimulatedNitroPki;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutation test of the verifier: at least 10,000 mutants of real and simulated documents per run — bit flips, byte
 * changes, truncation, appended bytes, re-framing, length-header inflation, cut and duplicated ranges, field
 * swaps. Oracle: no mutant whose signed bytes (Sig_structure and signature) differ from the original's is
 * accepted, and nothing but {@link AttestationException} escapes the verifier.
 *
 * <p>Runs in its own surefire execution with {@code -Xmx64m} (see attestation-core/pom.xml).
 */
class AttestationMutationTest {
    private static final int MUTANTS_PER_SOURCE = 1300;
    private static final long SEED = 20250601L;

    private record Source(String name, byte[] document, AttestationVerifier verifier) {}

    private static final Expectations DEBUG_OK = Expectations.builder().anyImage().allowDebugMode().build();

    @Test
    void noMutantWithChangedSignedBytesIsAcceptedAndOnlyAttestationExceptionEscapes() {
        if (Boolean.getBoolean("attested.mutation.requireSmallHeap")) {
            assertTrue(Runtime.getRuntime().maxMemory() <= 64L * 1024 * 1024,
                    "the mutation execution runs with -Xmx64m, found max heap " + Runtime.getRuntime().maxMemory());
        }
        List<Source> sources = sources();
        Random random = new Random(SEED);
        int total = 0;
        int accepted = 0;
        Map<AttestationException.Code, Integer> codes = new java.util.EnumMap<>(AttestationException.Code.class);
        List<String> failures = new ArrayList<>();
        for (Source s : sources) {
            byte[] original = s.document;
            byte[] signedBytes = signedBytes(original);
            VerifiedAttestation reference = s.verifier.verify(original, DEBUG_OK);
            List<int[]> heads = heads(original);
            for (int i = 0; i < MUTANTS_PER_SOURCE; i++) {
                Mutant m = mutate(original, heads, random);
                total++;
                try {
                    VerifiedAttestation v = s.verifier.verify(m.bytes, DEBUG_OK);
                    accepted++;
                    byte[] after = signedBytes(m.bytes);
                    if (!Arrays.equals(after, signedBytes)) {
                        failures.add(s.name + " " + m.kind + ": accepted although its signed bytes changed");
                    } else if (!v.moduleId().equals(reference.moduleId()) || !v.timestamp().equals(reference.timestamp())
                            || !v.pcrs().equals(reference.pcrs())
                            || !Arrays.equals(v.nonce().orElse(null), reference.nonce().orElse(null))) {
                        failures.add(s.name + " " + m.kind + ": accepted with other fields than the original");
                    }
                } catch (AttestationException e) {
                    codes.merge(e.code(), 1, Integer::sum);
                } catch (Throwable t) {
                    failures.add(s.name + " " + m.kind + ": " + t);
                }
            }
        }
        System.out.printf("mutation test: %d mutants, %d accepted (signed bytes unchanged), rejections %s%n", total,
                accepted, codes);
        assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.subList(0, Math.min(5, failures.size())));
        assertTrue(total >= 10_000, "at least 10,000 mutants, ran " + total);
    }

    @Test
    void theOriginalsVerify() {
        for (Source s : sources()) {
            s.verifier.verify(s.document, DEBUG_OK);
        }
    }

    private static List<Source> sources() {
        List<Source> out = new ArrayList<>();
        AttestationVerifier aws = AttestationVerifier.builder().atDocumentTime().build();
        for (Fixtures f : Fixtures.values()) {
            out.add(new Source(f.name(), f.bytes(), aws));
        }
        SimulatedNitroPki pki = SimulatedNitroPki.create(Instant.parse("2025-06-01T00:00:00Z"), 11);
        AttestationVerifier sim = AttestationVerifier.builder().trustAnchor(pki.root()).atDocumentTime().build();
        out.add(new Source("sim-indefinite", pki.documentBuilder().indefinitePayloadMap(true).nonce(new byte[32])
                .userData(new byte[0]).sign(), sim));
        out.add(new Source("sim-tagged", pki.documentBuilder().tagged(true).publicKey(new byte[91]).sign(), sim));
        out.add(new Source("sim-17-pcrs", pki.documentBuilder().pcr(16, new byte[48]).userData(new byte[1024])
                .indefiniteUnprotectedMap(true).sign(), sim));
        out.add(new Source("sim-plain", pki.documentBuilder().sign(), sim));
        return out;
    }

    /** Sig_structure + signature, or null when the bytes do not even parse as COSE_Sign1. */
    private static byte[] signedBytes(byte[] doc) {
        try {
            CoseSign1 c = CoseSign1.parse(doc);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(c.sigStructure());
            out.writeBytes(c.signature());
            return out.toByteArray();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private record Mutant(String kind, byte[] bytes) {}

    private static Mutant mutate(byte[] d, List<int[]> heads, Random r) {
        switch (r.nextInt(10)) {
            case 0: {
                byte[] m = d.clone();
                int pos = r.nextInt(m.length);
                m[pos] ^= (byte) (1 << r.nextInt(8));
                return new Mutant("bit flip at " + pos, m);
            }
            case 1: {
                byte[] m = d.clone();
                int pos = r.nextInt(m.length);
                m[pos] = (byte) r.nextInt(256);
                return new Mutant("byte set at " + pos, m);
            }
            case 2: {
                int len = r.nextInt(d.length);
                return new Mutant("truncated to " + len, Arrays.copyOf(d, len));
            }
            case 3: {
                byte[] m = Arrays.copyOf(d, d.length + 1 + r.nextInt(8));
                for (int i = d.length; i < m.length; i++) {
                    m[i] = (byte) r.nextInt(256);
                }
                return new Mutant("appended " + (m.length - d.length), m);
            }
            case 4:
            case 5:
                return inflate(d, heads.get(r.nextInt(heads.size())), r);
            case 6:
                return reframe(d, r);
            case 7:
                return swapFields(d, r);
            case 8: {
                int from = r.nextInt(d.length);
                int len = 1 + r.nextInt(Math.min(64, d.length - from));
                byte[] m = new byte[d.length - len];
                System.arraycopy(d, 0, m, 0, from);
                System.arraycopy(d, from + len, m, from, d.length - from - len);
                return new Mutant("cut " + len + " at " + from, m);
            }
            default: {
                int from = r.nextInt(d.length);
                int len = 1 + r.nextInt(Math.min(64, d.length - from));
                byte[] m = new byte[d.length + len];
                System.arraycopy(d, 0, m, 0, from + len);
                System.arraycopy(d, from, m, from + len, d.length - from);
                return new Mutant("duplicated " + len + " at " + from, m);
            }
        }
    }

    /** Enlarges the argument of one CBOR head (length or count) in place or by widening it. */
    private static Mutant inflate(byte[] d, int[] head, Random r) {
        int pos = head[0];
        int argBytes = head[1];
        int ib = d[pos] & 0xff;
        int major = ib & 0xe0;
        byte[] m;
        switch (r.nextInt(3)) {
            case 0: { // +1..+16 in the existing width (wrapping is fine: still a different header)
                m = d.clone();
                if (argBytes == 0) {
                    m[pos] = (byte) (major | Math.min(23, (ib & 0x1f) + 1 + r.nextInt(4)));
                } else {
                    int last = pos + argBytes;
                    m[last] = (byte) ((m[last] & 0xff) + 1 + r.nextInt(16));
                }
                return new Mutant("inflated head at " + pos, m);
            }
            case 1: { // maximum value of the existing width
                m = d.clone();
                if (argBytes == 0) {
                    m[pos] = (byte) (major | 23);
                } else {
                    Arrays.fill(m, pos + 1, pos + 1 + argBytes, (byte) 0xff);
                }
                return new Mutant("maxed head at " + pos, m);
            }
            default: { // widen to an 8-byte argument of 2^31 - 1 or 2^63 - 1
                long value = r.nextBoolean() ? Integer.MAX_VALUE : Long.MAX_VALUE;
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(d, 0, pos);
                out.write(major | 27);
                for (int i = 7; i >= 0; i--) {
                    out.write((int) (value >>> (8 * i)) & 0xff);
                }
                out.write(d, pos + 1 + argBytes, d.length - pos - 1 - argBytes);
                return new Mutant("widened head at " + pos, out.toByteArray());
            }
        }
    }

    /** Re-frames the COSE array: tag changes, indefinite forms, non-shortest heads, wrong item counts. */
    private static Mutant reframe(byte[] d, Random r) {
        CoseSign1 c = CoseSign1.parse(d);
        byte[] prot = c.protectedHeader();
        byte[] payload = c.payload();
        byte[] sig = c.signature();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int kind = r.nextInt(8);
        switch (kind) {
            case 0: // tag 18 added or removed: signed bytes unchanged
                if (c.tagged()) {
                    out.writeBytes(c.encode(false));
                } else {
                    out.writeBytes(c.encode(true));
                }
                break;
            case 1: // another tag
                out.write(0xd0 | r.nextInt(8));
                out.writeBytes(c.encode(false));
                break;
            case 2: // indefinite-length outer array
                out.write(0x9f);
                out.writeBytes(Arrays.copyOfRange(c.encode(false), 1, c.encode(false).length));
                out.write(0xff);
                break;
            case 3: // payload with a non-shortest 4-byte length head
                out.writeBytes(new CborWriter().startArray(4).bytes(prot).startMap(0).toByteArray());
                out.write(0x5a);
                out.write(payload.length >>> 24);
                out.write(payload.length >>> 16);
                out.write(payload.length >>> 8);
                out.write(payload.length);
                out.writeBytes(payload);
                out.writeBytes(new CborWriter().bytes(sig).toByteArray());
                break;
            case 4: // three or five items
                boolean five = r.nextBoolean();
                CborWriter w = new CborWriter().startArray(five ? 5 : 3).bytes(prot).startMap(0).bytes(payload);
                if (five) {
                    w.bytes(sig).nul();
                }
                out.writeBytes(w.toByteArray());
                break;
            case 5: // payload as an indefinite-length byte string of two chunks
                int split = 1 + r.nextInt(payload.length - 1);
                out.writeBytes(new CborWriter().startArray(4).bytes(prot).startMap(0).toByteArray());
                out.write(0x5f);
                out.writeBytes(new CborWriter().bytes(Arrays.copyOf(payload, split))
                        .bytes(Arrays.copyOfRange(payload, split, payload.length)).toByteArray());
                out.write(0xff);
                out.writeBytes(new CborWriter().bytes(sig).toByteArray());
                break;
            case 6: // items swapped
                out.writeBytes(new CborWriter().startArray(4).bytes(payload).startMap(0).bytes(prot).bytes(sig).toByteArray());
                break;
            default: // payload wrapped in an array instead of a byte string
                out.writeBytes(new CborWriter().startArray(4).bytes(prot).startMap(0).startArray(1).bytes(payload)
                        .bytes(sig).toByteArray());
        }
        return new Mutant("reframed " + kind, out.toByteArray());
    }

    /** Swaps two payload fields' values (or two cabundle entries, or two PCRs) and keeps the old signature. */
    private static Mutant swapFields(byte[] d, Random r) {
        CoseSign1 c = CoseSign1.parse(d);
        CborValue.MapValue payload = (CborValue.MapValue) CborReader.decode(c.payload());
        List<CborValue> keys = new ArrayList<>(payload.entries().keySet());
        Map<CborValue, CborValue> m = new LinkedHashMap<>(payload.entries());
        String kind;
        int choice = r.nextInt(4);
        if (choice == 0) {
            CborValue.Array bundle = (CborValue.Array) payload.get("cabundle");
            List<CborValue> items = new ArrayList<>(bundle.items());
            int a = r.nextInt(items.size());
            int b = r.nextInt(items.size());
            CborValue leaf = m.get(CborValue.text("certificate"));
            m.put(CborValue.text("certificate"), items.get(a));
            items.set(a, leaf);
            if (a != b) {
                CborValue t = items.get(b);
                items.set(b, items.get(a));
                items.set(a, t);
            }
            m.put(CborValue.text("cabundle"), new CborValue.Array(items));
            kind = "leaf and cabundle[" + a + "] swapped";
        } else if (choice == 1) {
            CborValue.MapValue pcrs = (CborValue.MapValue) payload.get("pcrs");
            Map<CborValue, CborValue> p = new LinkedHashMap<>(pcrs.entries());
            List<CborValue> idx = new ArrayList<>(p.keySet());
            CborValue a = idx.get(r.nextInt(4) == 0 ? 4 : r.nextInt(idx.size()));
            CborValue b = idx.get(r.nextInt(idx.size()));
            CborValue t = p.get(a);
            p.put(a, p.get(b));
            p.put(b, t);
            m.put(CborValue.text("pcrs"), new CborValue.MapValue(p));
            kind = "PCRs " + a + " and " + b + " swapped";
        } else if (choice == 2) {
            java.util.Collections.shuffle(keys, r);
            Map<CborValue, CborValue> reordered = new LinkedHashMap<>();
            keys.forEach(k -> reordered.put(k, m.get(k)));
            m.clear();
            m.putAll(reordered);
            kind = "payload keys reordered";
        } else {
            CborValue a = keys.get(r.nextInt(keys.size()));
            CborValue b = keys.get(r.nextInt(keys.size()));
            CborValue t = m.get(a);
            m.put(a, m.get(b));
            m.put(b, t);
            kind = a + " and " + b + " swapped";
        }
        byte[] newPayload = CborWriter.encode(new CborValue.MapValue(m));
        byte[] doc = new CborWriter().startArray(4).bytes(c.protectedHeader()).startMap(0).bytes(newPayload)
                .bytes(c.signature()).toByteArray();
        return new Mutant(kind, doc);
    }

    /** Offsets and argument widths of every CBOR head in the document, including those inside the payload. */
    private static List<int[]> heads(byte[] d) {
        List<int[]> out = new ArrayList<>();
        walk(d, 0, out, true);
        return out;
    }

    private static int walk(byte[] d, int pos, List<int[]> out, boolean top) {
        int ib = d[pos] & 0xff;
        int major = ib >>> 5;
        int info = ib & 0x1f;
        int argBytes = info < 24 ? 0 : info == 24 ? 1 : info == 25 ? 2 : info == 26 ? 4 : info == 27 ? 8 : 0;
        if (info == 31) {
            out.add(new int[] {pos, 0});
            int p = pos + 1;
            while ((d[p] & 0xff) != 0xff) {
                p = walk(d, p, out, false);
            }
            return p + 1;
        }
        long arg = info < 24 ? info : 0;
        for (int i = 0; i < argBytes; i++) {
            arg = (arg << 8) | (d[pos + 1 + i] & 0xff);
        }
        if (major != 7) {
            out.add(new int[] {pos, argBytes});
        }
        int p = pos + 1 + argBytes;
        switch (major) {
            case 2:
                if (top && arg > 100) {
                    // the payload byte string holds CBOR too; record its heads
                    try {
                        CborReader.decode(d, p, (int) arg, 16);
                        walk(d, p, out, false);
                    } catch (RuntimeException e) {
                        // not CBOR content (signature, certificate)
                    }
                }
                return p + (int) arg;
            case 3:
                return p + (int) arg;
            case 4:
                for (long i = 0; i < arg; i++) {
                    p = walk(d, p, out, top);
                }
                return p;
            case 5:
                for (long i = 0; i < 2 * arg; i++) {
                    p = walk(d, p, out, false);
                }
                return p;
            case 6:
                return walk(d, p, out, top);
            default:
                return p;
        }
    }
}

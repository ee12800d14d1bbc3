package dev.attested.testkit;

import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.pcr.Pcr;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Issues attestation documents (docs/spec/attestation-document.md §2–§3) signed by a {@link SimulatedNitroPki}:
 * untagged ES384 COSE_Sign1 over a payload map with the nine keys in AWS's order, {@code null} for absent optional
 * fields.
 */
public final class SimulatedAttestationDocument {
    private SimulatedAttestationDocument() {}

    static Builder builder(SimulatedNitroPki pki) {
        return new Builder(pki);
    }

    /** Fields and knobs of one document. Defaults: a production-looking document one minute into the chain's life. */
    public static final class Builder {
        private static final byte[] ES384_PROTECTED = {(byte) 0xa1, 0x01, 0x38, 0x22};

        private final SimulatedNitroPki pki;
        private String moduleId;
        private String digest = "SHA384";
        private long timestampMillis;
        private final TreeMap<Integer, byte[]> pcrs = new TreeMap<>();
        private byte[] publicKey;
        private byte[] userData;
        private byte[] nonce;
        private byte[] certificate;
        private List<byte[]> cabundle;
        private PrivateKey signingKey;
        private byte[] protectedHeader = ES384_PROTECTED;
        private boolean tagged;
        private boolean indefinitePayloadMap;
        private boolean indefiniteUnprotectedMap;
        private final Map<String, CborValue> overrides = new LinkedHashMap<>();
        private final Set<String> omitted = new HashSet<>();

        private Builder(SimulatedNitroPki pki) {
            this.pki = pki;
            this.moduleId = pki.moduleId();
            this.timestampMillis = pki.notBefore().plusSeconds(60).toEpochMilli();
            for (int i = 0; i < 16; i++) {
                pcrs.put(i, new byte[Pcr.LENGTH]);
            }
            pcrs.put(0, Pcr.ofContent(bytes("simulated enclave image")).toByteArray());
            pcrs.put(1, Pcr.ofContent(bytes("simulated kernel and bootstrap")).toByteArray());
            pcrs.put(2, Pcr.ofContent(bytes("simulated application")).toByteArray());
            pcrs.put(4, Pcr.ofParentInstanceId(pki.instanceId()).toByteArray());
            this.certificate = der(pki.leaf());
            this.cabundle = new ArrayList<>();
            for (X509Certificate c : pki.cabundle()) {
                cabundle.add(der(c));
            }
            this.signingKey = pki.leafKey();
        }

        public Builder moduleId(String moduleId) {
            this.moduleId = moduleId;
            return this;
        }

        public Builder digest(String digest) {
            this.digest = digest;
            return this;
        }

        public Builder timestamp(Instant timestamp) {
            this.timestampMillis = timestamp.toEpochMilli();
            return this;
        }

        public Builder timestampMillis(long millis) {
            this.timestampMillis = millis;
            return this;
        }

        /** Sets one PCR (any length, so tests can produce wrong sizes). */
        public Builder pcr(int index, byte[] value) {
            pcrs.put(index, value.clone());
            return this;
        }

        public Builder pcr(int index, Pcr value) {
            return pcr(index, value.toByteArray());
        }

        /** Replaces the whole PCR map (e.g. only the locked PCRs an NSM reports). Values may have any length. */
        public Builder pcrs(Map<Integer, byte[]> values) {
            pcrs.clear();
            values.forEach((k, v) -> pcrs.put(k, v.clone()));
            return this;
        }

        /** Removes one PCR entry from the map. */
        public Builder removePcr(int index) {
            pcrs.remove(index);
            return this;
        }

        /** Debug mode as AWS reports it: PCR0, PCR1, PCR2 and PCR8 all zero. */
        public Builder debugMode() {
            for (int i : new int[] {0, 1, 2, 8}) {
                pcrs.put(i, new byte[Pcr.LENGTH]);
            }
            return this;
        }

        public Builder publicKey(byte[] publicKey) {
            this.publicKey = publicKey == null ? null : publicKey.clone();
            return this;
        }

        public Builder userData(byte[] userData) {
            this.userData = userData == null ? null : userData.clone();
            return this;
        }

        public Builder nonce(byte[] nonce) {
            this.nonce = nonce == null ? null : nonce.clone();
            return this;
        }

        /** Replaces the leaf certificate bytes placed in the document (the signing key stays unless changed too). */
        public Builder certificate(byte[] der) {
            this.certificate = der.clone();
            return this;
        }

        /** Replaces the cabundle (root first). */
        public Builder cabundle(List<byte[]> ders) {
            this.cabundle = new ArrayList<>(ders);
            return this;
        }

        /** The cabundle DER entries currently set (copies, root first). */
        public List<byte[]> cabundleDer() {
            List<byte[]> out = new ArrayList<>();
            cabundle.forEach(c -> out.add(c.clone()));
            return out;
        }

        /** Signs with another key than the PKI's leaf key. */
        public Builder signingKey(PrivateKey key) {
            this.signingKey = key;
            return this;
        }

        /** Raw protected-header bytes (the content of the bstr); AWS: {@code a1 01 38 22}. */
        public Builder protectedHeader(byte[] header) {
            this.protectedHeader = header.clone();
            return this;
        }

        /** Prefix the document with CBOR tag 18 (AWS: untagged). */
        public Builder tagged(boolean tagged) {
            this.tagged = tagged;
            return this;
        }

        /** Encode the payload map as indefinite-length ({@code bf ... ff}), as AWS has done since mid-2025. */
        public Builder indefinitePayloadMap(boolean indefinite) {
            this.indefinitePayloadMap = indefinite;
            return this;
        }

        /** Encode the (empty) unprotected header as {@code bf ff}. */
        public Builder indefiniteUnprotectedMap(boolean indefinite) {
            this.indefiniteUnprotectedMap = indefinite;
            return this;
        }

        /**
         * Puts a raw value, given as one encoded CBOR item, under a payload key: replaces a standard field in place,
         * or appends an unknown key.
         */
        public Builder field(String key, byte[] encodedCbor) {
            return field(key, CborReader.decode(encodedCbor));
        }

        Builder field(String key, CborValue value) {
            overrides.put(key, value);
            omitted.remove(key);
            return this;
        }

        /** Leaves a key out of the payload map entirely. */
        public Builder omit(String key) {
            omitted.add(key);
            return this;
        }

        /** The encoded payload map. */
        public byte[] payload() {
            Map<String, CborValue> fields = new LinkedHashMap<>();
            fields.put("module_id", CborValue.text(moduleId));
            fields.put("digest", CborValue.text(digest));
            fields.put("timestamp", CborValue.integer(timestampMillis));
            Map<CborValue, CborValue> pcrMap = new LinkedHashMap<>();
            pcrs.forEach((k, v) -> pcrMap.put(CborValue.integer(k), CborValue.bytes(v)));
            fields.put("pcrs", new CborValue.MapValue(pcrMap));
            fields.put("certificate", CborValue.bytes(certificate));
            List<CborValue> bundle = new ArrayList<>();
            cabundle.forEach(c -> bundle.add(CborValue.bytes(c)));
            fields.put("cabundle", new CborValue.Array(bundle));
            fields.put("public_key", orNull(publicKey));
            fields.put("user_data", orNull(userData));
            fields.put("nonce", orNull(nonce));
            fields.putAll(overrides);
            omitted.forEach(fields::remove);
            CborWriter w = new CborWriter(5000);
            if (indefinitePayloadMap) {
                w.startIndefiniteMap();
            } else {
                w.startMap(fields.size());
            }
            fields.forEach((k, v) -> w.text(k).value(v));
            if (indefinitePayloadMap) {
                w.end();
            }
            return w.toByteArray();
        }

        /** The signed COSE_Sign1 document bytes. */
        public byte[] sign() {
            CoseSign1 signed = CoseSign1.sign(protectedHeader, payload(), signingKey);
            CborWriter w = new CborWriter(6000);
            if (tagged) {
                w.tag(CoseSign1.TAG);
            }
            w.startArray(4).bytes(signed.protectedHeader());
            if (indefiniteUnprotectedMap) {
                w.startIndefiniteMap().end();
            } else {
                w.startMap(0);
            }
            return w.bytes(signed.payload()).bytes(signed.signature()).toByteArray();
        }

        private static CborValue orNull(byte[] b) {
            return b == null ? CborValue.NULL : CborValue.bytes(b);
        }

        private static byte[] bytes(String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        private static byte[] der(X509Certificate c) {
            try {
                return c.getEncoded();
            } catch (CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

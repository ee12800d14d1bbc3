package dev.attested.internal.cose;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.WNafUtil;

/**
 * ECDSA P-384 with SHA-384 on Bouncy Castle's optimised secp384r1 curve (several times faster than the JDK's
 * SunEC, see {@code PERFORMANCE.md}). Signatures are deterministic (RFC 6979); verification accepts high-S values,
 * as about half of genuine attestation documents carry one.
 */
public final class Es384 {
    /** Length of a raw {@code r || s} signature. */
    public static final int SIGNATURE_LENGTH = 96;

    static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp384r1");
    static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(),
            CURVE.getH(), CURVE.getSeed());
    private static final int FIELD_BYTES = 48;

    private Es384() {}

    /** A P-384 public key prepared for fast repeated verification (keep and reuse the instance). */
    public static final class PublicKeyHandle {
        private final ECPublicKeyParameters params;
        private final byte[] encodedPoint;

        private PublicKeyHandle(ECPublicKeyParameters params, byte[] encodedPoint) {
            this.params = params;
            this.encodedPoint = encodedPoint;
        }

        /** Verifies a raw 96-byte {@code r || s} signature over SHA-384({@code message}). */
        public boolean verifyRaw(byte[] message, byte[] rawSignature) {
            return verifyRawDigest(sha384(message), rawSignature);
        }

        /** Verifies a raw 96-byte {@code r || s} signature over an already computed SHA-384 digest. */
        public boolean verifyRawDigest(byte[] digest, byte[] rawSignature) {
            if (rawSignature == null || rawSignature.length != SIGNATURE_LENGTH) {
                return false;
            }
            BigInteger r = new BigInteger(1, Arrays.copyOfRange(rawSignature, 0, FIELD_BYTES));
            BigInteger s = new BigInteger(1, Arrays.copyOfRange(rawSignature, FIELD_BYTES, SIGNATURE_LENGTH));
            return verify(digest, r, s);
        }

        /** Verifies a DER {@code SEQUENCE {r, s}} signature (the X.509 form) over SHA-384({@code message}). */
        public boolean verifyDer(byte[] message, byte[] derSignature) {
            BigInteger[] rs = decodeDer(derSignature);
            return rs != null && verify(sha384(message), rs[0], rs[1]);
        }

        private boolean verify(byte[] digest, BigInteger r, BigInteger s) {
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, params);
            return verifier.verifySignature(digest, r, s);
        }

        /** The uncompressed point {@code 04 || x || y}. */
        public byte[] encodedPoint() {
            return encodedPoint.clone();
        }
    }

    /** Prepares a JCA public key; it must be an EC key on P-384. */
    public static PublicKeyHandle publicKey(PublicKey key) {
        return publicKeyFromSpki(key.getEncoded());
    }

    /** Prepares a DER SubjectPublicKeyInfo; it must name id-ecPublicKey with the secp384r1 curve. */
    public static PublicKeyHandle publicKeyFromSpki(byte[] spki) {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(readDer(spki));
        } catch (java.io.IOException | RuntimeException e) {
            throw new CoseException(CoseException.Code.UNSUPPORTED_KEY, "not a valid P-384 public key: " + e.getMessage(), e);
        }
        return publicKeyFromSpki(info);
    }

    /** Prepares a SubjectPublicKeyInfo; it must name id-ecPublicKey with the secp384r1 curve. */
    public static PublicKeyHandle publicKeyFromSpki(SubjectPublicKeyInfo info) {
        try {
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getAlgorithm().getAlgorithm())) {
                throw new CoseException(CoseException.Code.UNSUPPORTED_KEY,
                        "expected an EC public key, found algorithm " + info.getAlgorithm().getAlgorithm());
            }
            ASN1Encodable curveParams = info.getAlgorithm().getParameters();
            if (!(curveParams instanceof ASN1ObjectIdentifier oid) || !SECObjectIdentifiers.secp384r1.equals(oid)) {
                throw new CoseException(CoseException.Code.UNSUPPORTED_KEY,
                        "expected the named curve secp384r1 (P-384), found " + curveParams);
            }
            byte[] point = info.getPublicKeyData().getOctets();
            ECPoint q = DOMAIN.getCurve().decodePoint(point).normalize();
            return new PublicKeyHandle(new ECPublicKeyParameters(q, DOMAIN), q.getEncoded(false));
        } catch (CoseException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CoseException(CoseException.Code.UNSUPPORTED_KEY, "not a valid P-384 public key: " + e.getMessage(), e);
        }
    }

    /** Signs SHA-384({@code message}) with a P-384 private key; returns raw {@code r || s} (96 bytes). */
    public static byte[] signRaw(byte[] message, PrivateKey key) {
        BigInteger[] rs = sign(sha384(message), key);
        byte[] out = new byte[SIGNATURE_LENGTH];
        toFixed(rs[0], out, 0);
        toFixed(rs[1], out, FIELD_BYTES);
        return out;
    }

    /** Signs SHA-384({@code message}) with a P-384 private key; returns DER {@code SEQUENCE {r, s}}. */
    public static byte[] signDer(byte[] message, PrivateKey key) {
        BigInteger[] rs = sign(sha384(message), key);
        try {
            return new DERSequence(new ASN1Encodable[] {new ASN1Integer(rs[0]), new ASN1Integer(rs[1])}).getEncoded();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("DER encoding of an ECDSA signature failed", e);
        }
    }

    private static BigInteger[] sign(byte[] digest, PrivateKey key) {
        if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 384) {
            throw new CoseException(CoseException.Code.UNSUPPORTED_KEY, "ES384 needs an EC P-384 private key, got "
                    + (key == null ? "null" : key.getAlgorithm()));
        }
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA384Digest()));
        signer.init(true, new ECPrivateKeyParameters(ec.getS(), DOMAIN));
        return signer.generateSignature(digest);
    }

    /**
     * What the first verification would otherwise set up on its caller's thread: the digests' service registry
     * and the generator's precomputed multiples, at the window width {@code ECDSASigner}'s verification asks for
     * with a scalar of the group order's size (Bouncy Castle keeps them with the curve's generator).
     */
    public static void prepare() {
        finish(new SHA384Digest());
        WNafUtil.precompute(DOMAIN.getG(), WNafUtil.getWindowSize(DOMAIN.getN().bitLength(), 8), true);
    }

    /** SHA-384 of {@code data} (Bouncy Castle's digest: no JCA provider is initialised for it). */
    public static byte[] sha384(byte[] data) {
        SHA384Digest d = new SHA384Digest();
        d.update(data, 0, data.length);
        return finish(d);
    }

    /** The digest of what {@code d} was fed. */
    static byte[] finish(SHA384Digest d) {
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    /**
     * Reads exactly one ASN.1 object from {@code der}, as {@link ASN1Primitive#fromByteArray} does (extra bytes are an
     * error), with Bouncy Castle's limits: no length beyond the input, at most 64 constructed levels deep.
     */
    public static ASN1Primitive readDer(byte[] der) throws java.io.IOException {
        try (ASN1InputStream input = new ASN1InputStream(der)) {
            ASN1Primitive p = input.readObject();
            if (p == null) {
                throw new java.io.IOException("no ASN.1 object");
            }
            if (input.available() != 0) {
                throw new java.io.IOException("Extra data detected in stream");
            }
            return p;
        }
    }

    private static void toFixed(BigInteger v, byte[] out, int offset) {
        byte[] b = v.toByteArray();
        int start = b.length > FIELD_BYTES ? b.length - FIELD_BYTES : 0;
        int len = b.length - start;
        System.arraycopy(b, start, out, offset + FIELD_BYTES - len, len);
    }

    private static BigInteger[] decodeDer(byte[] der) {
        try {
            ASN1Primitive p = readDer(der);
            if (!(p instanceof ASN1Sequence seq) || seq.size() != 2) {
                return null;
            }
            if (!Arrays.equals(p.getEncoded("DER"), der)) {
                return null;
            }
            return new BigInteger[] {
                ASN1Integer.getInstance(seq.getObjectAt(0)).getValue(),
                ASN1Integer.getInstance(seq.getObjectAt(1)).getValue()
            };
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}

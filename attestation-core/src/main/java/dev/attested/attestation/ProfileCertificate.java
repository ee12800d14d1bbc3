package dev.attested.attestation;

import dev.attested.internal.cose.CoseException;
import dev.attested.internal.cose.Es384;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * An X.509 certificate read with Bouncy Castle's ASN.1 classes for the verifier's profile path, which needs no JCA
 * provider: only a certificate of the narrow form AWS's chains take parses here, and everything else makes
 * {@link #parse} return null so that the JDK's {@code CertificateFactory} and PKIX validator decide as before. The
 * form: strict DER (the input equals Bouncy Castle's re-encoding), version 3 without unique identifiers,
 * ecdsa-with-SHA384 without parameters (the same inside and outside the TBSCertificate), a P-384 key, DER validity
 * times with whole seconds in UTC, names the JDK's {@link X500Principal} parses, and only these extensions, each
 * parsed and strictly DER: basicConstraints, keyUsage and non-critical subjectKeyIdentifier,
 * authorityKeyIdentifier and cRLDistributionPoints. The fields mean what {@link java.security.cert.X509Certificate}'s getters return for
 * the same bytes.
 */
final class ProfileCertificate {
    /** RFC 5280 keyUsage bit numbers, as in {@link java.security.cert.X509Certificate#getKeyUsage()}. */
    static final int DIGITAL_SIGNATURE = 0;
    static final int KEY_CERT_SIGN = 5;

    final byte[] der;
    final byte[] tbs;
    /** The DER {@code SEQUENCE {r, s}} signature. */
    final byte[] signature;
    final byte[] issuerDer;
    final byte[] subjectDer;
    final X500Principal issuer;
    final X500Principal subject;
    final Instant notBefore;
    final Instant notAfter;
    /** As {@code X509Certificate.getBasicConstraints()}: -1 for an end entity, else the path length or MAX_VALUE. */
    final int basicConstraints;
    /** The keyUsage bits, or null without the extension. */
    final byte[] keyUsage;
    /** Whether any extension other than basicConstraints and keyUsage is critical. */
    final boolean otherCriticalExtension;
    final Es384.PublicKeyHandle key;

    private ProfileCertificate(byte[] der, byte[] tbs, byte[] signature, byte[] issuerDer, byte[] subjectDer,
            Instant notBefore, Instant notAfter, int basicConstraints, byte[] keyUsage, boolean otherCriticalExtension,
            Es384.PublicKeyHandle key) {
        this.der = der;
        this.tbs = tbs;
        this.signature = signature;
        this.issuerDer = issuerDer;
        this.subjectDer = subjectDer;
        this.issuer = new X500Principal(issuerDer);
        this.subject = new X500Principal(subjectDer);
        this.notBefore = notBefore;
        this.notAfter = notAfter;
        this.basicConstraints = basicConstraints;
        this.keyUsage = keyUsage;
        this.otherCriticalExtension = otherCriticalExtension;
        this.key = key;
    }

    /** The certificate, or null when it is not of the form described above (the JCA path then decides). */
    static ProfileCertificate parse(byte[] der) {
        try {
            return parseStrict(der);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static ProfileCertificate parseStrict(byte[] der) throws IOException {
        // Equality with the definite-length re-encoding rules out other length forms and trailing bytes; the
        // extensions are checked against their DER below, the times for their one DER form in instant(), and the
        // names are kept as the bytes received.
        ASN1Primitive parsed = Es384.readDer(der);
        if (!Arrays.equals(parsed.getEncoded(ASN1Encoding.DL), der)) {
            return null;
        }
        Certificate c = Certificate.getInstance(parsed);
        ASN1Sequence tbsSeq = ASN1Sequence.getInstance(((ASN1Sequence) parsed).getObjectAt(0));
        TBSCertificate t = c.getTBSCertificate();
        if (t.getVersionNumber() != 3 || t.getIssuerUniqueId() != null || t.getSubjectUniqueId() != null
                || tbsSeq.size() != 8 || !(tbsSeq.getObjectAt(7) instanceof ASN1TaggedObject ext)
                || ext.getTagNo() != 3) {
            return null;
        }
        if (!isEcdsaSha384(c.getSignatureAlgorithm()) || !isEcdsaSha384(t.getSignature())) {
            return null;
        }
        ASN1BitString sig = c.getSignature();
        if (sig.getPadBits() != 0) {
            return null;
        }
        Instant notBefore = instant(t.getStartDate());
        Instant notAfter = instant(t.getEndDate());
        if (notBefore == null || notAfter == null) {
            return null;
        }
        Es384.PublicKeyHandle key;
        try {
            key = Es384.publicKeyFromSpki(t.getSubjectPublicKeyInfo());
        } catch (CoseException e) {
            return null;
        }
        Extensions extensions = t.getExtensions();
        if (extensions == null || !Arrays.equals(extensions.getEncoded(ASN1Encoding.DER),
                ext.getBaseObject().toASN1Primitive().getEncoded(ASN1Encoding.DL))) {
            return null; // e.g. an explicit critical FALSE, or TRUE not encoded as FF
        }
        int basicConstraints = -1;
        byte[] keyUsage = null;
        boolean otherCritical = false;
        for (ASN1ObjectIdentifier oid : extensions.getExtensionOIDs()) {
            Extension e = extensions.getExtension(oid);
            byte[] value = e.getExtnValue().getOctets();
            ASN1Primitive content = Es384.readDer(value);
            if (Extension.basicConstraints.equals(oid)) {
                BasicConstraints bc = BasicConstraints.getInstance(content);
                if (!strict(bc.toASN1Primitive(), value)) {
                    return null;
                }
                if (bc.isCA()) {
                    java.math.BigInteger len = bc.getPathLenConstraint();
                    if (len == null) {
                        basicConstraints = Integer.MAX_VALUE;
                    } else if (len.signum() >= 0 && len.bitLength() < 31) {
                        basicConstraints = len.intValue();
                    } else {
                        return null;
                    }
                } else if (bc.getPathLenConstraint() != null) {
                    return null;
                }
            } else if (Extension.keyUsage.equals(oid)) {
                KeyUsage ku = KeyUsage.getInstance(content);
                ASN1BitString bits = ASN1BitString.getInstance(ku.toASN1Primitive());
                if (!strict(bits, value)) {
                    return null;
                }
                keyUsage = bits.getBytes();
            } else if (Extension.subjectKeyIdentifier.equals(oid) && !e.isCritical()) {
                if (!strict(SubjectKeyIdentifier.getInstance(content).toASN1Primitive(), value)) {
                    return null;
                }
                continue;
            } else if (Extension.authorityKeyIdentifier.equals(oid) && !e.isCritical()) {
                if (!strict(AuthorityKeyIdentifier.getInstance(content).toASN1Primitive(), value)) {
                    return null;
                }
                continue;
            } else if (Extension.cRLDistributionPoints.equals(oid) && !e.isCritical()) {
                // where to fetch CRLs: the JDK's validator does not read it with revocation checking off
                if (!strict(CRLDistPoint.getInstance(content).toASN1Primitive(), value)) {
                    return null;
                }
                continue;
            } else {
                return null; // any other extension: not shown here
            }
        }
        for (ASN1ObjectIdentifier oid : extensions.getCriticalExtensionOIDs()) {
            otherCritical |= !Extension.basicConstraints.equals(oid) && !Extension.keyUsage.equals(oid);
        }
        // version, serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo, [3] extensions
        byte[] issuer = tbsSeq.getObjectAt(3).toASN1Primitive().getEncoded(ASN1Encoding.DL);
        byte[] subject = tbsSeq.getObjectAt(5).toASN1Primitive().getEncoded(ASN1Encoding.DL);
        byte[] tbs = tbsSeq.getEncoded(ASN1Encoding.DL);
        return new ProfileCertificate(der, tbs, sig.getOctets(), issuer, subject, notBefore,
                notAfter, basicConstraints, keyUsage, otherCritical, key);
    }

    private static boolean isEcdsaSha384(AlgorithmIdentifier a) {
        return X9ObjectIdentifiers.ecdsa_with_SHA384.equals(a.getAlgorithm()) && a.getParameters() == null;
    }

    private static boolean strict(ASN1Primitive parsed, byte[] value) throws IOException {
        return Arrays.equals(parsed.getEncoded(ASN1Encoding.DER), value);
    }

    /**
     * A DER UTCTime {@code YYMMDDHHMMSSZ} (years 1950..2049) or GeneralizedTime {@code YYYYMMDDHHMMSSZ} as an
     * instant; null for any other form.
     */
    static Instant instant(Time time) {
        try {
            byte[] enc = time.toASN1Primitive().getEncoded(ASN1Encoding.DL);
            int tag = enc[0];
            String s = new String(enc, 2, enc.length - 2, StandardCharsets.US_ASCII);
            if (enc[1] != s.length() || !s.matches("[0-9]+Z")) {
                return null;
            }
            int year;
            int rest;
            if (tag == 0x17 && s.length() == 13) {
                year = Integer.parseInt(s.substring(0, 2));
                year += year < 50 ? 2000 : 1900;
                rest = 2;
            } else if (tag == 0x18 && s.length() == 15) {
                year = Integer.parseInt(s.substring(0, 4));
                rest = 4;
            } else {
                return null;
            }
            return LocalDateTime.of(year, num(s, rest), num(s, rest + 2), num(s, rest + 4), num(s, rest + 6),
                    num(s, rest + 8)).toInstant(ZoneOffset.UTC);
        } catch (IOException | DateTimeException e) {
            return null;
        }
    }

    private static int num(String s, int at) {
        return Integer.parseInt(s.substring(at, at + 2));
    }

    /** Whether keyUsage bit {@code bit} (0 = digitalSignature) is set; false without the extension. */
    boolean hasKeyUsage(int bit) {
        return keyUsage != null && bit / 8 < keyUsage.length && (keyUsage[bit / 8] & (0x80 >> (bit % 8))) != 0;
    }

    /** Lower-case hex SHA-256 of the DER, with Bouncy Castle's digest. */
    String sha256Hex() {
        return sha256Hex(der);
    }

    static String sha256Hex(byte[] data) {
        SHA256Digest d = new SHA256Digest();
        d.update(data, 0, data.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return HexFormat.of().formatHex(out);
    }
}

package dev.attested.testkit;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A test PKI shaped like AWS's Nitro Enclaves PKI (docs/spec/attestation-document.md §5.2): a P-384 root, regional,
 * zonal and instance CA and a 3-hour leaf, with the same extensions, criticality and lifetimes. It issues real ES384
 * COSE_Sign1 attestation documents through {@link #documentBuilder()}.
 *
 * <p>Everything is derived from the seed (keys, serials, identifiers, RFC 6979 signatures), so the same seed and
 * start instant give byte-identical certificates and documents. Never use it outside tests and simulators: the
 * private keys are predictable by design.
 */
public final class SimulatedNitroPki {
    /** Key usages of the leaf as AWS issues it: digitalSignature and nonRepudiation (non-critical). */
    public static final int LEAF_KEY_USAGE = KeyUsage.digitalSignature | KeyUsage.nonRepudiation;
    /** Key usages of the root, regional and zonal CAs. */
    public static final int CA_KEY_USAGE = KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign;
    /** Key usage of the instance CA: keyCertSign only. */
    public static final int INSTANCE_CA_KEY_USAGE = KeyUsage.keyCertSign;

    private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp384r1");
    private static final ECParameterSpec JCA_SPEC = jcaSpec();

    private final Builder config;
    private final String instanceId;
    private final String enclaveId;
    private final KeyPair rootKeys;
    private final KeyPair regionalKeys;
    private final KeyPair zonalKeys;
    private final KeyPair instanceKeys;
    private final KeyPair leafKeys;
    private final X509Certificate root;
    private final X509Certificate regional;
    private final X509Certificate zonal;
    private final X509Certificate instanceCa;
    private final X509Certificate leaf;

    private SimulatedNitroPki(Builder b) {
        this.config = b;
        HexFormat hex = HexFormat.of();
        this.instanceId = b.instanceId != null ? b.instanceId : "i-0" + hex.formatHex(derive("instance", 8));
        this.enclaveId = "enc" + hex.formatHex(derive("enclave", 8));
        this.rootKeys = keyPair("root");
        this.regionalKeys = keyPair("regional");
        this.zonalKeys = keyPair("zonal");
        this.instanceKeys = keyPair("instance-ca");
        this.leafKeys = keyPair("leaf");
        Instant nb = b.notBefore;
        String region = b.region;
        X500Name rootName = name(null, null, "aws.nitro-enclaves");
        X500Name regionalName = name(null, null, hex.formatHex(derive("regional-name", 8)) + "." + region + ".aws.nitro-enclaves");
        X500Name zonalName = name("WA", "Seattle",
                hex.formatHex(derive("zonal-name", 8)) + ".zonal." + region + ".aws.nitro-enclaves");
        X500Name instanceName = name("Washington", "Seattle", instanceId + "." + region + ".aws.nitro-enclaves");
        X500Name leafName = name("Washington", "Seattle", moduleId() + "." + region + ".aws");
        try {
            this.root = cert("root", rootName, rootName, rootKeys.getPublic(), rootKeys.getPrivate(), null, nb,
                    nb.plus(Duration.ofDays(365L * 30)), new BasicConstraints(true), CA_KEY_USAGE, true, null);
            this.regional = cert("regional", rootName, regionalName, regionalKeys.getPublic(), rootKeys.getPrivate(),
                    rootKeys.getPublic(), nb, nb.plus(Duration.ofDays(20)), new BasicConstraints(2), CA_KEY_USAGE, true,
                    "http://crl.simulated-nitro.invalid/regional.crl");
            this.zonal = cert("zonal", regionalName, zonalName, zonalKeys.getPublic(), regionalKeys.getPrivate(),
                    regionalKeys.getPublic(), nb, nb.plus(Duration.ofDays(5)), new BasicConstraints(1), CA_KEY_USAGE, true,
                    "http://crl.simulated-nitro.invalid/zonal.crl");
            this.instanceCa = cert("instance-ca", zonalName, instanceName, instanceKeys.getPublic(),
                    zonalKeys.getPrivate(), zonalKeys.getPublic(), nb, nb.plus(Duration.ofDays(1)),
                    b.instanceCaPathLen == null ? new BasicConstraints(true) : new BasicConstraints(b.instanceCaPathLen),
                    b.instanceCaKeyUsage, true, null);
            this.leaf = cert("leaf", instanceName, leafName, leafKeys.getPublic(), instanceKeys.getPrivate(), null,
                    nb, nb.plus(b.leafLifetime), new BasicConstraints(b.leafIsCa), b.leafKeyUsage, false, null);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot create the simulated Nitro PKI", e);
        }
    }

    /** A PKI whose certificates all start at {@code notBefore} (the leaf then lives 3 hours), derived from {@code seed}. */
    public static SimulatedNitroPki create(Instant notBefore, long seed) {
        return builder().notBefore(notBefore).seed(seed).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options, including knobs that make the chain deviate from AWS's for negative tests. */
    public static final class Builder {
        private Instant notBefore = Instant.parse("2025-01-01T00:00:00Z");
        private long seed = 1;
        private String region = "us-east-1";
        private String instanceId;
        private Duration leafLifetime = Duration.ofHours(3);
        private int leafKeyUsage = LEAF_KEY_USAGE;
        private boolean leafIsCa;
        private Integer instanceCaPathLen = 0;
        private int instanceCaKeyUsage = INSTANCE_CA_KEY_USAGE;

        private Builder() {}

        public Builder notBefore(Instant notBefore) {
            this.notBefore = Objects.requireNonNull(notBefore);
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        /** EC2 instance id such as {@code i-0123456789abcdef0} (default: derived from the seed). */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder leafLifetime(Duration lifetime) {
            this.leafLifetime = lifetime;
            return this;
        }

        /** Key usage bits of the leaf ({@link KeyUsage} constants); AWS: digitalSignature | nonRepudiation. */
        public Builder leafKeyUsage(int bits) {
            this.leafKeyUsage = bits;
            return this;
        }

        /** Issue the leaf with basicConstraints CA:TRUE (AWS: CA:FALSE). */
        public Builder leafIsCa(boolean ca) {
            this.leafIsCa = ca;
            return this;
        }

        /** pathLen of the instance CA, or null for none (AWS: 0). */
        public Builder instanceCaPathLen(Integer pathLen) {
            this.instanceCaPathLen = pathLen;
            return this;
        }

        /** Key usage bits of the instance CA (AWS: keyCertSign). */
        public Builder instanceCaKeyUsage(int bits) {
            this.instanceCaKeyUsage = bits;
            return this;
        }

        public SimulatedNitroPki build() {
            return new SimulatedNitroPki(this);
        }
    }

    /** A builder for a document signed by this PKI's leaf, pre-filled with plausible production values. */
    public SimulatedAttestationDocument.Builder documentBuilder() {
        return SimulatedAttestationDocument.builder(this);
    }

    public X509Certificate root() {
        return root;
    }

    public X509Certificate regional() {
        return regional;
    }

    public X509Certificate zonal() {
        return zonal;
    }

    public X509Certificate instanceCa() {
        return instanceCa;
    }

    public X509Certificate leaf() {
        return leaf;
    }

    /** {@code [root, regional, zonal, instance]}: root first, as in documents. */
    public List<X509Certificate> cabundle() {
        return List.of(root, regional, zonal, instanceCa);
    }

    /** The leaf's private key: what the NSM signs documents with. */
    public PrivateKey leafKey() {
        return leafKeys.getPrivate();
    }

    /** The instance CA's private key (to issue extra leaves in tests). */
    public PrivateKey instanceCaKey() {
        return instanceKeys.getPrivate();
    }

    public String instanceId() {
        return instanceId;
    }

    /** {@code <instance id>-<enclave id>}, the document's module_id. */
    public String moduleId() {
        return instanceId + "-" + enclaveId;
    }

    public String region() {
        return config.region;
    }

    /** Start of every certificate's validity. */
    public Instant notBefore() {
        return config.notBefore;
    }

    /** End of the leaf's validity (the end of the window in which documents verify). */
    public Instant leafNotAfter() {
        return leaf.getNotAfter().toInstant();
    }

    /**
     * A leaf issued by this PKI's instance CA for another key (same subject), e.g. to model the leaf rotation
     * or a second enclave.
     */
    public X509Certificate issueLeaf(PublicKey key, Instant notBefore, Duration lifetime) {
        try {
            return cert("leaf-" + notBefore, X500Name.getInstance(instanceCa.getSubjectX500Principal().getEncoded()),
                    X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded()), key, instanceKeys.getPrivate(),
                    null, notBefore, notBefore.plus(lifetime), new BasicConstraints(false), LEAF_KEY_USAGE, false, null);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot issue a leaf", e);
        }
    }

    /** A deterministic P-384 key pair derived from this PKI's seed and {@code label}. */
    public KeyPair keyPair(String label) {
        BigInteger n = CURVE.getN();
        BigInteger d = new BigInteger(1, derive("key:" + label, 48)).mod(n.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        ECPoint q = CURVE.getG().multiply(d).normalize();
        try {
            KeyFactory kf = KeyFactory.getInstance("EC");
            PrivateKey priv = kf.generatePrivate(new ECPrivateKeySpec(d, JCA_SPEC));
            PublicKey pub = kf.generatePublic(new ECPublicKeySpec(new java.security.spec.ECPoint(
                    q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), JCA_SPEC));
            return new KeyPair(pub, priv);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a P-384 key", e);
        }
    }

    private byte[] derive(String label, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-384");
            md.update("dev.attested simulated nitro pki\0".getBytes(StandardCharsets.US_ASCII));
            md.update(ByteBuffer.allocate(8).putLong(config.seed).array());
            md.update(label.getBytes(StandardCharsets.UTF_8));
            byte[] h = md.digest();
            byte[] out = new byte[length];
            System.arraycopy(h, 0, out, 0, Math.min(length, h.length));
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate cert(String label, X500Name issuer, X500Name subject, PublicKey subjectKey,
            PrivateKey issuerKey, PublicKey issuerPublic, Instant notBefore, Instant notAfter, BasicConstraints bc,
            int keyUsage, boolean keyUsageCritical, String crlUrl) throws GeneralSecurityException, java.io.IOException {
        byte[] serialBytes = derive("serial:" + label, 16);
        serialBytes[0] &= 0x7f;
        serialBytes[0] |= 0x01;
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuer, new BigInteger(1, serialBytes),
                Date.from(notBefore), Date.from(notAfter), subject,
                SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, bc);
        if (keyUsage != 0) {
            b.addExtension(Extension.keyUsage, keyUsageCritical, new KeyUsage(keyUsage));
        }
        if (!label.startsWith("leaf")) {
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
            if (issuerPublic != null) {
                b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerPublic));
            }
        }
        if (crlUrl != null) {
            b.addExtension(Extension.cRLDistributionPoints, false, new CRLDistPoint(new DistributionPoint[] {
                new DistributionPoint(new DistributionPointName(new GeneralNames(
                        new GeneralName(GeneralName.uniformResourceIdentifier, crlUrl))), null, null)}));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(new Es384ContentSigner(issuerKey)));
    }

    private static X500Name name(String state, String locality, String cn) {
        X500NameBuilder nb = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "US");
        if (state != null) {
            nb.addRDN(BCStyle.ST, state);
        }
        if (locality != null) {
            nb.addRDN(BCStyle.L, locality);
        }
        return nb.addRDN(BCStyle.O, "Amazon").addRDN(BCStyle.OU, "AWS").addRDN(BCStyle.CN, cn).build();
    }

    private static ECParameterSpec jcaSpec() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec("secp384r1"));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secp384r1 is required", e);
        }
    }
}

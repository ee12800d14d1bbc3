package dev.attested.eif;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Keys and self-signed certificates written as PEM files, as a user would pass them to the signer. */
final class SigningFixtures {
    static final Instant NOT_BEFORE = Instant.parse("2025-01-01T00:00:00Z");
    static final Instant NOT_AFTER = Instant.parse("2027-01-01T00:00:00Z");
    static final Instant DURING = Instant.parse("2026-01-01T00:00:00Z");

    private SigningFixtures() {}

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    /** A self-signed certificate for {@code subject} (signed with {@code issuer}'s key), as PEM text. */
    static String certificatePem(KeyPair subject, KeyPair issuer, Instant notBefore, Instant notAfter) throws Exception {
        X500Name name = new X500Name("C=US, O=Example Corp, CN=enclave-signing");
        String alg = issuer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA";
        X509CertificateHolder holder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(7), Date.from(notBefore),
                Date.from(notAfter), name, subject.getPublic())
                .build(new JcaContentSignerBuilder(alg).build(issuer.getPrivate()));
        return pem(holder);
    }

    static String pem(Object o) throws Exception {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
        return w.toString();
    }

    /** PKCS#8 {@code PRIVATE KEY} PEM. */
    static String pkcs8(java.security.PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** SEC1 {@code EC PRIVATE KEY} PEM with the named curve and public key, as openssl writes it. */
    static String sec1(KeyPair kp) throws Exception {
        java.security.interfaces.ECPrivateKey k = (java.security.interfaces.ECPrivateKey) kp.getPrivate();
        byte[] point = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded())
                .getPublicKeyData().getBytes();
        var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(384, k.getS(), new org.bouncycastle.asn1.DERBitString(point),
                new org.bouncycastle.asn1.x9.X962Parameters(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp384r1));
        return "-----BEGIN EC PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(sec1.getEncoded())
                + "\n-----END EC PRIVATE KEY-----\n";
    }

    static Path write(Path dir, String name, String text) throws Exception {
        return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.US_ASCII));
    }

    /** key.pem + cert.pem for a fresh P-384 key valid during 2025–2026. */
    static Path[] p384(Path dir) throws Exception {
        KeyPair kp = ec("secp384r1");
        return new Path[] {write(dir, "key.pem", pkcs8(kp.getPrivate())),
                write(dir, "cert.pem", certificatePem(kp, kp, NOT_BEFORE, NOT_AFTER))};
    }
}

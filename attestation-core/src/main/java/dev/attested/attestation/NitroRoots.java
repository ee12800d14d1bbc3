package dev.attested.attestation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/** Trust anchors for Nitro attestation documents. */
public final class NitroRoots {
    /** SHA-256 of the DER of the AWS Nitro Enclaves Root-G1 certificate (not of AWS's download zip). */
    public static final String AWS_G1_SHA256 = "641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b";

    private static final String AWS_G1_RESOURCE = "aws-nitro-enclaves-root-g1.pem";
    private static volatile X509Certificate awsG1;
    private static volatile byte[] awsG1Der;

    private NitroRoots() {}

    /**
     * The DER of Root-G1 from the library's code ({@link AwsRootG1}), checked against {@link #AWS_G1_SHA256} with
     * Bouncy Castle's SHA-256 when first used: the verifier's default trust anchor, with no resource read and no
     * JCA provider. The caller must not modify the array.
     */
    static byte[] awsG1Der() {
        byte[] der = awsG1Der;
        if (der == null) {
            der = pinned(AwsRootG1.der());
            awsG1Der = der;
        }
        return der;
    }

    /** {@code der} when its SHA-256 is {@link #AWS_G1_SHA256}; otherwise IllegalStateException (the jar was modified). */
    static byte[] pinned(byte[] der) {
        String found = ProfileCertificate.sha256Hex(der);
        if (!AWS_G1_SHA256.equals(found)) {
            throw new IllegalStateException("bundled Root-G1 does not match the pinned SHA-256 " + AWS_G1_SHA256
                    + " (found " + found + "); the library jar was modified");
        }
        return der;
    }

    /**
     * The bundled AWS Nitro Enclaves Root-G1 ({@code CN=aws.nitro-enclaves}, commercial partition, valid
     * 2019-10-28..2049-10-28), checked against the pinned fingerprint {@link #AWS_G1_SHA256} when loaded.
     */
    public static X509Certificate awsG1() {
        X509Certificate root = awsG1;
        if (root == null) {
            try (InputStream in = NitroRoots.class.getResourceAsStream(AWS_G1_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled resource " + AWS_G1_RESOURCE + " is missing");
                }
                root = single(parsePem(in.readAllBytes(), "bundled " + AWS_G1_RESOURCE));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!AWS_G1_SHA256.equals(sha256Hex(root))) {
                throw new IllegalStateException("bundled Root-G1 does not match the pinned SHA-256 " + AWS_G1_SHA256
                        + " (found " + sha256Hex(root) + "); the library jar was modified");
            }
            awsG1 = root;
        }
        return root;
    }

    /** Reads one or more PEM (or DER) certificates from a file, e.g. a root for another partition or a test root. */
    public static List<X509Certificate> read(Path file) {
        try {
            return parsePem(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read root certificate " + file, e);
        }
    }

    /** Parses PEM or DER bytes into certificates; {@code source} names them in errors. */
    public static List<X509Certificate> parsePem(byte[] pemOrDer, String source) {
        try {
            Collection<? extends java.security.cert.Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pemOrDer));
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no certificate found in " + source);
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM/DER X.509 certificate: " + source + " (" + e.getMessage() + ")", e);
        }
    }

    /** Lower-case hex SHA-256 of the certificate's DER: the fingerprint to compare with {@link #AWS_G1_SHA256}. */
    public static String sha256Hex(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate single(List<X509Certificate> certs) {
        if (certs.size() != 1) {
            throw new IllegalStateException("expected one root certificate, found " + certs.size());
        }
        return certs.get(0);
    }
}

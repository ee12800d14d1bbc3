package dev.attested.pcr;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * One SHA-384 platform configuration register value (48 bytes).
 *
 * <p>Nitro PCRs start as 48 zero bytes and are only ever <em>extended</em>: {@code new = SHA384(old || data)}.
 * The EIF measurements (PCR0/1/2) and PCR8 extend with the SHA-384 digest of their content; PCR3 and PCR4
 * extend with the raw role ARN / instance id bytes (see docs/spec/kms-attestation.md §6.2).
 */
public final class Pcr {
    /** Length of a SHA-384 PCR in bytes. */
    public static final int LENGTH = 48;

    private static final HexFormat HEX = HexFormat.of();
    private static final Pcr ZERO = new Pcr(new byte[LENGTH]);

    private final byte[] value;

    private Pcr(byte[] value) {
        this.value = value;
    }

    /** The all-zero register: the initial value, and what debug-mode enclaves report for PCR0/1/2. */
    public static Pcr zero() {
        return ZERO;
    }

    /** Wraps 48 bytes (copied). */
    public static Pcr of(byte[] value) {
        if (value == null || value.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-384 PCR is " + LENGTH + " bytes, got "
                    + (value == null ? "null" : value.length));
        }
        return new Pcr(value.clone());
    }

    /**
     * Parses 96 hex digits. Upper case is accepted; a {@code 0x} prefix, separators or any other length are
     * rejected, because such values never match a KMS condition.
     */
    public static Pcr ofHex(String hex) {
        if (hex == null || hex.length() != LENGTH * 2) {
            throw new IllegalArgumentException("a SHA-384 PCR is " + (LENGTH * 2) + " hex digits, got "
                    + (hex == null ? "null" : hex.length() + " characters"));
        }
        try {
            return new Pcr(HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex PCR value: " + hex, e);
        }
    }

    /**
     * {@code SHA384(0^48 || SHA384(content))}: the EIF measurement of one content stream
     * (docs/spec/eif-format.md §5.1).
     */
    public static Pcr ofContent(byte[] content) {
        return zero().extend(sha384(content));
    }

    /** {@code SHA384(0^48 || digest)} for a SHA-384 digest computed elsewhere (streaming measurement). */
    public static Pcr ofContentDigest(byte[] sha384Digest) {
        if (sha384Digest.length != LENGTH) {
            throw new IllegalArgumentException("a SHA-384 digest is 48 bytes, got " + sha384Digest.length);
        }
        return zero().extend(sha384Digest);
    }

    /**
     * {@link #ofContent} of a file's content, read as a stream (any size, constant memory).
     *
     * @throws java.io.UncheckedIOException when the file cannot be read
     */
    public static Pcr ofFile(java.nio.file.Path file) {
        MessageDigest sha384;
        try {
            sha384 = MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] buffer = new byte[1 << 16];
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha384.update(buffer, 0, n);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
        return ofContentDigest(sha384.digest());
    }

    /** PCR3: {@code SHA384(0^48 || UTF-8(role ARN))}; the ARN must include the role path. */
    public static Pcr ofParentRoleArn(String roleArn) {
        if (roleArn == null || !roleArn.startsWith("arn:") || !roleArn.contains(":role/")) {
            throw new IllegalArgumentException("PCR3 takes an IAM role ARN (arn:<partition>:iam::<account>:role/<path/>name), got "
                    + roleArn + ". Use the role's ARN with its path (iam:GetRole), not the instance-profile or STS ARN.");
        }
        return zero().extend(roleArn.getBytes(StandardCharsets.UTF_8));
    }

    /** PCR4: {@code SHA384(0^48 || ASCII(instance id))}, e.g. {@code i-084e1dd2f1b2c529b}. */
    public static Pcr ofParentInstanceId(String instanceId) {
        if (instanceId == null || !instanceId.matches("i-[0-9a-f]{8,17}")) {
            throw new IllegalArgumentException("PCR4 takes an EC2 instance id such as i-084e1dd2f1b2c529b, got " + instanceId);
        }
        return zero().extend(instanceId.getBytes(StandardCharsets.US_ASCII));
    }

    /** PCR8: {@code SHA384(0^48 || SHA384(DER of the signing certificate))} — not the certificate's fingerprint. */
    public static Pcr ofSigningCertificate(byte[] certificateDer) {
        return ofContent(certificateDer);
    }

    /** PCR8 of an X.509 certificate. */
    public static Pcr ofSigningCertificate(X509Certificate certificate) {
        try {
            return ofSigningCertificate(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot DER-encode the signing certificate", e);
        }
    }

    /** {@code SHA384(this || data)}. */
    public Pcr extend(byte[] data) {
        MessageDigest md = newSha384();
        md.update(value);
        md.update(data);
        return new Pcr(md.digest());
    }

    /** True for the all-zero value. */
    public boolean isZero() {
        for (byte b : value) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the 48 bytes. */
    public byte[] toByteArray() {
        return value.clone();
    }

    /** Lower-case hex, 96 digits: the form KMS conditions and manifests use. */
    public String hex() {
        return HEX.formatHex(value).toLowerCase(Locale.ROOT);
    }

    /** Constant-time comparison with raw bytes. */
    public boolean matches(byte[] other) {
        return other != null && MessageDigest.isEqual(value, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pcr p && MessageDigest.isEqual(value, p.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return hex();
    }

    static byte[] sha384(byte[] content) {
        return newSha384().digest(content);
    }

    static MessageDigest newSha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-384 is required of every Java platform", e);
        }
    }
}

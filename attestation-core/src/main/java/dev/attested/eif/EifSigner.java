package dev.attested.eif;

import dev.attested.internal.cbor.CborWriter;
import dev.attested.internal.cose.CoseException;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.internal.cose.Es384;
import dev.attested.pcr.Pcr;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPrivateKey;
import java.time.Instant;
import dev.attested.internal.io.AtomicFiles;
import dev.attested.internal.io.FileDigest;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Date;
import java.util.Objects;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Signs PCR0 of an EIF the way nitro-cli does (docs/spec/eif-format.md §6): a P-384 key and its X.509 certificate, a
 * COSE_Sign1 (ES384) over the serde_cbor encoding of {@code PcrInfo{register_index: 0, register_value: PCR0}}, stored
 * with the certificate's PEM text in the signature section; PCR8 is the measurement of the certificate's DER.
 *
 * <p>ECDSA here is deterministic (RFC 6979 nonces), so signing the same image with the same key gives the same
 * bytes — signed EIFs stay reproducible.
 */
public final class EifSigner {
    private static final java.security.Provider BOUNCY_CASTLE = new org.bouncycastle.jce.provider.BouncyCastleProvider();

    private final PrivateKey key;
    private final byte[] certificatePem;
    private final X509Certificate certificate;
    private final Pcr pcr8;

    private EifSigner(PrivateKey key, byte[] certificatePem, X509Certificate certificate) {
        this.key = key;
        this.certificatePem = certificatePem;
        this.certificate = certificate;
        this.pcr8 = Pcr.ofSigningCertificate(certificate);
    }

    /**
     * Reads a PEM private key (SEC1 {@code EC PRIVATE KEY} or PKCS#8 {@code PRIVATE KEY}, unencrypted) and a PEM
     * certificate, and checks that the key is P-384, that it belongs to the certificate, and that the certificate
     * is valid at {@code at} (use the build's timestamp, not the wall clock, for reproducible builds).
     */
    public static EifSigner fromPem(Path privateKeyPem, Path certificatePem, Instant at) {
        return of(readKey(privateKeyPem), read(certificatePem, EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID,
                "signing certificate"), at);
    }

    /** A signer from a key and the certificate file's bytes (PEM), with the checks of {@link #fromPem}. */
    public static EifSigner of(PrivateKey key, byte[] certificatePem, Instant at) {
        Objects.requireNonNull(at, "at");
        X509Certificate cert = parseCertificate(certificatePem);
        if (!(cert.getPublicKey() instanceof ECKey ecPub) || ecPub.getParams().getCurve().getField().getFieldSize() != 384) {
            throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID, "the signing certificate's key is "
                    + describe(cert.getPublicKey()) + "; Nitro image signing uses EC P-384 certificates");
        }
        if (!(key instanceof ECPrivateKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 384) {
            throw new EifException(EifException.Code.EIF_SIGNING_KEY_INVALID, "the signing key is " + describe(key)
                    + "; use an EC P-384 key (openssl ecparam -name secp384r1 -genkey)");
        }
        byte[] probe = "eif-signing-key-check".getBytes(StandardCharsets.US_ASCII);
        boolean matches;
        try {
            matches = Es384.publicKey(cert.getPublicKey()).verifyRaw(probe, Es384.signRaw(probe, key));
        } catch (CoseException e) {
            throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID,
                    "the signing certificate's public key is not a usable P-384 key: " + e.getMessage(), e);
        }
        if (!matches) {
            throw new EifException(EifException.Code.EIF_SIGNING_KEY_MISMATCH, "the private key does not belong to the certificate "
                    + cert.getSubjectX500Principal().getName() + "; give the key the certificate was issued for");
        }
        try {
            cert.checkValidity(Date.from(at));
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_EXPIRED, "the signing certificate is valid from "
                    + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ", not at " + at
                    + "; Nitro refuses to run images signed with a certificate outside its validity. Issue a new certificate");
        }
        return new EifSigner(key, certificatePem.clone(), cert);
    }

    /** PCR8 of images signed by this signer. */
    public Pcr pcr8() {
        return pcr8;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The signature section data for an image with this PCR0. */
    public byte[] signatureSection(Pcr pcr0) {
        byte[] cose = CoseSign1.signEs384(pcrInfo(0, pcr0.toByteArray()), key);
        return signatureSection(certificatePem, cose);
    }

    /**
     * Signs an existing EIF like {@code nitro-cli sign-eif}: the signature section is appended (replacing the
     * existing one when the image is already signed and that section is last), the tables and the CRC are
     * updated, and the result is written to {@code target} atomically ({@code target} may be {@code source}).
     * The source must be structurally sound with a correct CRC.
     */
    public EifWriter.WrittenEif sign(Path source, Path target) {
        EifImage image = EifReader.inspect(source);
        if (!image.crcValid()) {
            image.requireIntact();
        }
        List<EifImage.Section> sections = image.sections();
        int kept = sections.size();
        if (image.signed()) {
            EifImage.Section last = sections.get(sections.size() - 1);
            if (last.type() != EifSectionType.SIGNATURE) {
                throw new EifException(EifException.Code.EIF_BAD_SECTION, "the existing signature section of " + source
                        + " is not the last section; rebuild the image instead of re-signing it");
            }
            kept--;
        }
        long cut = kept == sections.size() ? image.header().impliedFileLength() : sections.get(kept).offset();
        byte[] signature = signatureSection(image.measurements().pcr0());
        List<Long> offsets = new ArrayList<>(image.header().sectionOffsets().subList(0, kept));
        List<Long> sizes = new ArrayList<>(image.header().sectionSizes().subList(0, kept));
        offsets.add(cut);
        sizes.add((long) signature.length);
        Path tmp = null;
        try {
            tmp = AtomicFiles.newTempSibling(target);
            long crc;
            EifHeader header;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 Measurer m = new Measurer()) {
                in.position(EifHeader.LENGTH);
                out.position(EifHeader.LENGTH);
                if (!m.copy(in, cut - EifHeader.LENGTH, Measurer.Region.UNMEASURED, out)) {
                    throw new EifException(EifException.Code.EIF_TRUNCATED, source + " became shorter while it was signed");
                }
                m.update(EifWriter.sectionHeader(EifSectionType.SIGNATURE, signature.length), Measurer.Region.UNMEASURED, out);
                m.update(signature, Measurer.Region.UNMEASURED, out);
                EifHeader old = image.header();
                header = new EifHeader(old.version(), old.architecture(), old.defaultMemory(), old.defaultCpus(), offsets, sizes, 0);
                crc = EifWriter.headerCrcThen(header, m.crc(), m.crcLength());
                header = header.withCrc(crc);
                out.position(0);
                Measurer.writeFully(out, header.encode(), EifHeader.LENGTH);
            }
            String sha256 = FileDigest.sha256(tmp);
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
            return new EifWriter.WrittenEif(target, header.impliedFileLength(), crc, sha256,
                    image.measurements().withPcr8(pcr8));
        } catch (IOException e) {
            throw new EifException(EifException.Code.EIF_IO, "cannot write the signed EIF " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure matters more
                }
            }
        }
    }

    /**
     * serde_cbor's encoding of {@code PcrInfo{register_index, register_value}}: a map of two text keys, the value
     * as an array of one uint per byte (not a byte string, eif-format.md §6.1).
     */
    public static byte[] pcrInfo(int registerIndex, byte[] registerValue) {
        CborWriter w = new CborWriter(32 + registerValue.length * 2)
                .startMap(2).text("register_index").uint(registerIndex).text("register_value");
        return uintArray(w, registerValue).toByteArray();
    }

    /** The signature section: {@code [{signing_certificate: [uint…], signature: [uint…]}]} (eif-format.md §6.3). */
    public static byte[] signatureSection(byte[] certificateFileBytes, byte[] coseSign1) {
        CborWriter w = new CborWriter(16 + 2 * (certificateFileBytes.length + coseSign1.length))
                .startArray(1).startMap(2).text("signing_certificate");
        uintArray(w, certificateFileBytes).text("signature");
        return uintArray(w, coseSign1).toByteArray();
    }

    private static CborWriter uintArray(CborWriter w, byte[] bytes) {
        w.startArray(bytes.length);
        for (byte b : bytes) {
            w.uint(Byte.toUnsignedInt(b));
        }
        return w;
    }

    /** The first {@code CERTIFICATE} block of PEM text (or DER bytes) as an X.509 certificate. */
    static X509Certificate parseCertificate(byte[] pemOrDer) {
        byte[] der = pemOrDer;
        String text = new String(pemOrDer, StandardCharsets.ISO_8859_1);
        int begin = text.indexOf("-----BEGIN CERTIFICATE-----");
        if (begin >= 0) {
            int end = text.indexOf("-----END CERTIFICATE-----", begin);
            if (end < 0) {
                throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID,
                        "the certificate PEM has a BEGIN CERTIFICATE line but no END CERTIFICATE line");
            }
            try {
                // line breaks and blanks only: a lenient (MIME) decoder would skip any stray byte in the PEM
                der = Base64.getDecoder().decode(text.substring(begin + 27, end).replaceAll("[\\r\\n\\t ]", ""));
            } catch (IllegalArgumentException e) {
                throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID, "the certificate PEM is not valid Base64");
            }
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new EifException(EifException.Code.EIF_SIGNING_CERTIFICATE_INVALID,
                    "not an X.509 certificate in PEM or DER form: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) {
        byte[] pem = read(file, EifException.Code.EIF_SIGNING_KEY_INVALID, "signing key");
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            parsed = parser.readObject();
            // "openssl ecparam -genkey" writes an EC PARAMETERS block first; the key follows it
            while (parsed instanceof org.bouncycastle.asn1.ASN1ObjectIdentifier) {
                parsed = parser.readObject();
            }
        } catch (IOException | RuntimeException e) {
            throw new EifException(EifException.Code.EIF_SIGNING_KEY_INVALID, "cannot parse the signing key " + file
                    + " as PEM: " + e.getMessage(), e);
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BOUNCY_CASTLE);
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
        } catch (IOException | RuntimeException e) {
            throw new EifException(EifException.Code.EIF_SIGNING_KEY_INVALID, "cannot use the signing key " + file
                    + ": " + e.getMessage(), e);
        }
        throw new EifException(EifException.Code.EIF_SIGNING_KEY_INVALID, "the signing key " + file + " holds "
                + (parsed == null ? "no PEM object" : "a " + parsed.getClass().getSimpleName())
                + "; give an unencrypted EC private key (BEGIN EC PRIVATE KEY or BEGIN PRIVATE KEY)");
    }

    private static byte[] read(Path file, EifException.Code code, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new EifException(code, "the " + what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new EifException(code, "cannot read the " + what + " file " + file + ": " + e);
        }
    }

    private static String describe(java.security.Key key) {
        if (key == null) {
            return "missing";
        }
        if (key instanceof ECKey ec) {
            return "an EC key on a " + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve";
        }
        return "a " + key.getAlgorithm() + " key";
    }
}

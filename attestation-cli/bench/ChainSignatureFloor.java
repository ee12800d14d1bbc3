import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.UnverifiedDocument;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;

/**
 * The benchmark's floor for a JVM verifier: decodes every document of a directory and checks, on all CPUs, only
 * the ECDSA P-384 signatures of its certificate chain (each certificate by its issuer's key). No COSE signature, no
 * profile, validity or PCR checks, no command line: a strict subset of the work of a verifier, so a verifier built
 * on the same primitive cannot finish sooner as a whole process. The primitive is the argument:
 * <ul>
 *   <li>{@code bc}: Bouncy Castle's secp384r1 and the JDK's SHA-384 (the primitives attested's verifier uses);
 *   <li>{@code jdk}: the JDK's own {@code SHA384withECDSA} (SunEC);
 *   <li>{@code openssl}: the platform's OpenSSL ({@code libcrypto.so.3}, what the Python baseline calls), through
 *       the Java 22+ foreign function API ({@code --enable-native-access=ALL-UNNAMED}).
 * </ul>
 * Usage: {@code ChainSignatureFloor bc|jdk|openssl DIR}; prints "N of M chain signatures verify".
 */
public final class ChainSignatureFloor {
    private interface Primitive {
        boolean verifies(Certificate issuer, Certificate c) throws Throwable;
    }

    public static void main(String[] args) throws Exception {
        Primitive primitive = switch (args[0]) {
            case "bc" -> Bc::verifies;
            case "jdk" -> Jdk::verifies;
            case "openssl" -> Openssl::verifies;
            default -> throw new IllegalArgumentException("usage: ChainSignatureFloor bc|jdk|openssl DIR");
        };
        List<Certificate[]> pairs = new ArrayList<>();
        for (Path p : AttestationDocuments.list(Path.of(args[1]))) {
            UnverifiedDocument d = UnverifiedDocument.parse(AttestationDocuments.decode(AttestationDocuments.read(p)));
            List<byte[]> chain = new ArrayList<>(d.cabundle());
            chain.add(d.certificate());
            for (int i = 1; i < chain.size(); i++) {
                pairs.add(new Certificate[] {Certificate.getInstance(chain.get(i - 1)), Certificate.getInstance(chain.get(i))});
            }
        }
        long ok = pairs.parallelStream().filter(pair -> {
            try {
                return primitive.verifies(pair[0], pair[1]);
            } catch (Throwable e) {
                return false;
            }
        }).count();
        System.out.println(ok + " of " + pairs.size() + " chain signatures verify");
        System.exit(ok == pairs.size() ? 0 : 1);
    }

    private static final class Bc {
        private static final X9ECParameters P384 = CustomNamedCurves.getByName("secp384r1");
        private static final ECDomainParameters DOMAIN = new ECDomainParameters(P384.getCurve(), P384.getG(),
                P384.getN(), P384.getH());

        static boolean verifies(Certificate issuer, Certificate c) throws Exception {
            ECPublicKeyParameters key = new ECPublicKeyParameters(
                    DOMAIN.getCurve().decodePoint(issuer.getSubjectPublicKeyInfo().getPublicKeyData().getOctets()), DOMAIN);
            ASN1Sequence rs = ASN1Sequence.getInstance(c.getSignature().getOctets());
            BigInteger r = ASN1Integer.getInstance(rs.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
            byte[] digest = MessageDigest.getInstance("SHA-384").digest(c.getTBSCertificate().getEncoded("DER"));
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, key);
            return verifier.verifySignature(digest, r, s);
        }
    }

    private static final class Jdk {
        static boolean verifies(Certificate issuer, Certificate c) throws Exception {
            Signature s = Signature.getInstance("SHA384withECDSA");
            s.initVerify(KeyFactory.getInstance("EC").generatePublic(
                    new X509EncodedKeySpec(issuer.getSubjectPublicKeyInfo().getEncoded("DER"))));
            s.update(c.getTBSCertificate().getEncoded("DER"));
            return s.verify(c.getSignature().getOctets());
        }
    }

    /** EVP_DigestVerify (OpenSSL 1.1.1 and 3.x) over the issuer's SubjectPublicKeyInfo, as Python's cryptography does. */
    private static final class Openssl {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final SymbolLookup CRYPTO = SymbolLookup.libraryLookup("libcrypto.so.3", Arena.global());
        private static final MethodHandle D2I_PUBKEY = handle("d2i_PUBKEY",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        private static final MethodHandle PKEY_FREE = handle("EVP_PKEY_free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        private static final MethodHandle CTX_NEW = handle("EVP_MD_CTX_new", FunctionDescriptor.of(ValueLayout.ADDRESS));
        private static final MethodHandle CTX_FREE = handle("EVP_MD_CTX_free", FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));
        private static final MethodHandle SHA384 = handle("EVP_sha384", FunctionDescriptor.of(ValueLayout.ADDRESS));
        private static final MethodHandle VERIFY_INIT = handle("EVP_DigestVerifyInit", FunctionDescriptor.of(
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS));
        private static final MethodHandle VERIFY = handle("EVP_DigestVerify", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

        private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(CRYPTO.find(name).orElseThrow(), descriptor);
        }

        static boolean verifies(Certificate issuer, Certificate c) throws Throwable {
            byte[] spki = issuer.getSubjectPublicKeyInfo().getEncoded("DER");
            byte[] tbs = c.getTBSCertificate().getEncoded("DER");
            byte[] signature = c.getSignature().getOctets();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment cursor = arena.allocate(ValueLayout.ADDRESS);
                cursor.set(ValueLayout.ADDRESS, 0, arena.allocateFrom(ValueLayout.JAVA_BYTE, spki));
                MemorySegment key = (MemorySegment) D2I_PUBKEY.invokeExact(MemorySegment.NULL, cursor, (long) spki.length);
                if (key.equals(MemorySegment.NULL)) {
                    return false;
                }
                MemorySegment ctx = (MemorySegment) CTX_NEW.invokeExact();
                try {
                    MemorySegment md = (MemorySegment) SHA384.invokeExact();
                    return (int) VERIFY_INIT.invokeExact(ctx, MemorySegment.NULL, md, MemorySegment.NULL, key) == 1
                            && (int) VERIFY.invokeExact(ctx, arena.allocateFrom(ValueLayout.JAVA_BYTE, signature),
                                    (long) signature.length, arena.allocateFrom(ValueLayout.JAVA_BYTE, tbs), (long) tbs.length) == 1;
                } finally {
                    CTX_FREE.invokeExact(ctx);
                    PKEY_FREE.invokeExact(key);
                }
            }
        }
    }
}

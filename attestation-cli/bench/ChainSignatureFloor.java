import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.UnverifiedDocument;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.MessageDigest;
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
 * the ECDSA P-384 signatures of its certificate chain (each certificate by its issuer's key), with the primitives
 * the verifier uses (Bouncy Castle's secp384r1, the JDK's SHA-384). No COSE signature, no profile, validity or PCR
 * checks, no command line: a strict subset of the work of a verifier built on these primitives, so such a verifier
 * cannot finish sooner as a whole process than this one. Prints "N of M chain signatures verify".
 */
public final class ChainSignatureFloor {
    private static final X9ECParameters P384 = CustomNamedCurves.getByName("secp384r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P384.getCurve(), P384.getG(), P384.getN(),
            P384.getH());

    public static void main(String[] args) throws Exception {
        List<Certificate[]> pairs = new ArrayList<>();
        for (Path p : AttestationDocuments.list(Path.of(args[0]))) {
            UnverifiedDocument d = UnverifiedDocument.parse(AttestationDocuments.decode(AttestationDocuments.read(p)));
            List<byte[]> chain = new ArrayList<>(d.cabundle());
            chain.add(d.certificate());
            for (int i = 1; i < chain.size(); i++) {
                pairs.add(new Certificate[] {Certificate.getInstance(chain.get(i - 1)), Certificate.getInstance(chain.get(i))});
            }
        }
        long ok = pairs.parallelStream().filter(pair -> verifies(pair[0], pair[1])).count();
        System.out.println(ok + " of " + pairs.size() + " chain signatures verify");
        System.exit(ok == pairs.size() ? 0 : 1);
    }

    private static boolean verifies(Certificate issuer, Certificate c) {
        try {
            ECPublicKeyParameters key = new ECPublicKeyParameters(
                    DOMAIN.getCurve().decodePoint(issuer.getSubjectPublicKeyInfo().getPublicKeyData().getOctets()), DOMAIN);
            ASN1Sequence rs = ASN1Sequence.getInstance(c.getSignature().getOctets());
            BigInteger r = ASN1Integer.getInstance(rs.getObjectAt(0)).getValue();
            BigInteger s = ASN1Integer.getInstance(rs.getObjectAt(1)).getValue();
            byte[] digest = MessageDigest.getInstance("SHA-384").digest(c.getTBSCertificate().getEncoded("DER"));
            ECDSASigner verifier = new ECDSASigner();
            verifier.init(false, key);
            return verifier.verifySignature(digest, r, s);
        } catch (Exception e) {
            return false;
        }
    }
}

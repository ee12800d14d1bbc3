import dev.attested.attestation.AttestationDocuments;
import dev.attested.attestation.UnverifiedDocument;
import dev.attested.internal.cose.Es384;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x509.Certificate;

/**
 * The benchmark's floor for a JVM verifier: decodes every document of a directory and checks, on all CPUs, only
 * the ECDSA P-384 signatures of its certificate chain (each certificate by its issuer's key), with the same
 * Bouncy Castle code the verifier uses. No COSE signature, no profile, validity or PCR checks, no command line:
 * a strict subset of the work of a complete verifier built on this signature code, so such a verifier cannot
 * finish sooner as a whole process than this one. Prints "N of M chain signatures verify".
 */
public final class ChainSignatureFloor {
    public static void main(String[] args) throws Exception {
        List<byte[][]> work = new ArrayList<>();
        for (Path p : AttestationDocuments.list(Path.of(args[0]))) {
            UnverifiedDocument d = UnverifiedDocument.parse(AttestationDocuments.decode(AttestationDocuments.read(p)));
            List<byte[]> chain = new ArrayList<>(d.cabundle());
            chain.add(d.certificate());
            for (int i = 1; i < chain.size(); i++) {
                Certificate issuer = Certificate.getInstance(chain.get(i - 1));
                Certificate c = Certificate.getInstance(chain.get(i));
                work.add(new byte[][] {issuer.getSubjectPublicKeyInfo().getEncoded(),
                        c.getTBSCertificate().getEncoded("DER"), c.getSignature().getOctets()});
            }
        }
        long ok = work.parallelStream().filter(w -> Es384.publicKeyFromSpki(w[0]).verifyDer(w[1], w[2])).count();
        System.out.println(ok + " of " + work.size() + " chain signatures verify");
        System.exit(ok == work.size() ? 0 : 1);
    }
}

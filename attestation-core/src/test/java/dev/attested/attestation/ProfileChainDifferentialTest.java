package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.attested.internal.cose.Es384;
import dev.attested.testkit.SimulatedNitroPki;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CertificatePolicies;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.asn1.x509.PolicyConstraints;
import org.bouncycastle.asn1.x509.PolicyInformation;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/**
 * The verifier's own chain check ({@link AttestationVerifier#withinProfile}) against the JDK's PKIX validator, an
 * independent implementation of RFC 5280 path validation: over generated root → 3 intermediates → leaf chains
 * with random defects (CA flags, path lengths, key usage, critical and constraint extensions, names, signers,
 * signature algorithms), whatever the own check accepts PKIX must accept too. The own check may leave a chain to
 * PKIX; it must never accept one PKIX refuses.
 */
class ProfileChainDifferentialTest {
    private static final Instant AT = Instant.parse("2026-06-01T00:00:00Z");
    private static final SimulatedNitroPki KEYS = SimulatedNitroPki.create(AT.minusSeconds(86_400), 7);
    private static final ASN1ObjectIdentifier UNKNOWN = new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.1");

    enum Defect {
        NOT_CA, PATH_LEN_ZERO, NO_BASIC_CONSTRAINTS, NO_KEY_USAGE, NO_KEY_CERT_SIGN, KEY_USAGE_NOT_CRITICAL,
        UNKNOWN_CRITICAL, UNKNOWN_NON_CRITICAL, NAME_CONSTRAINTS, POLICIES, POLICY_CONSTRAINTS, WRONG_ISSUER_NAME,
        WRONG_SIGNER, SHA256_SIGNATURE,
        /** Informational and benign: both checks accept it. */
        CRL_DISTRIBUTION_POINTS,
        /** basicConstraints encoded with a redundant long-form length: not DER, so never on the profile path. */
        BER_BASIC_CONSTRAINTS
    }

    private record Ca(X500Name name, KeyPair keys, X509Certificate cert) {}

    @Test
    void whatTheOwnCheckAcceptsPkixAcceptsToo() throws Exception {
        Random random = new Random(20261203);
        KeyPair[] keys = new KeyPair[6];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = KEYS.keyPair("k" + i);
        }
        Map<Defect, int[]> seen = new EnumMap<>(Defect.class); // defect alone → {own accepted, pkix accepted, cases}
        int ownAccepted = 0;
        int pkixOnly = 0;
        for (int round = 0; round < 300; round++) {
            // certificate 0 is the root, 1..3 the intermediates; most chains get no defect or one
            Defect[] defects = new Defect[4];
            int count = round % 3 == 0 ? 0 : 1 + (round % 7 == 0 ? 1 : 0);
            for (int d = 0; d < count; d++) {
                defects[random.nextInt(4)] = Defect.values()[random.nextInt(Defect.values().length)];
            }
            List<Ca> cas = new ArrayList<>();
            Ca issuer = null;
            for (int i = 0; i < 4; i++) {
                X500Name name = new X500Name("C=US, O=Amazon, OU=AWS, CN=ca" + i + ".test");
                Ca ca = issue(name, keys[i], issuer, true, defects[i], keys[5], random);
                cas.add(ca);
                issuer = ca;
            }
            X509Certificate leaf = issue(new X500Name("C=US, O=Amazon, OU=AWS, CN=leaf.test"), keys[4], issuer, false,
                    null, keys[5], random).cert();

            List<AttestationVerifier.Ca> intermediates = new ArrayList<>();
            for (int i = 1; i < 4; i++) {
                intermediates.add(new AttestationVerifier.Ca(cas.get(i).cert(), Es384.publicKey(cas.get(i).cert().getPublicKey())));
            }
            AttestationVerifier.Ca anchor = new AttestationVerifier.Ca(cas.get(0).cert(),
                    Es384.publicKey(cas.get(0).cert().getPublicKey()));
            boolean own = AttestationVerifier.withinProfile(anchor, intermediates);
            boolean pkix = pkix(cas, leaf);
            if (own && !pkix) {
                fail("round " + round + ": the own check accepts a chain PKIX refuses; defects (root first) "
                        + java.util.Arrays.toString(defects));
            }
            ownAccepted += own ? 1 : 0;
            pkixOnly += pkix && !own ? 1 : 0;
            if (count == 1) {
                for (Defect d : defects) {
                    if (d != null) {
                        int[] s = seen.computeIfAbsent(d, k -> new int[3]);
                        s[0] += own ? 1 : 0;
                        s[1] += pkix ? 1 : 0;
                        s[2]++;
                    }
                }
            }
        }
        // The generator must exercise both sides: clean chains the own check accepts, and defects PKIX refuses.
        assertTrue(ownAccepted >= 100, "own check accepted only " + ownAccepted + " chains");
        assertTrue(seen.keySet().containsAll(Set.of(Defect.values())), "not every defect was generated alone: " + seen.keySet());
        for (Defect d : List.of(Defect.NOT_CA, Defect.WRONG_ISSUER_NAME, Defect.WRONG_SIGNER, Defect.UNKNOWN_CRITICAL,
                Defect.NO_KEY_CERT_SIGN)) {
            assertTrue(seen.get(d)[1] < seen.get(d)[2], d + " never made PKIX refuse: the generator does not apply it");
        }
        assertTrue(pkixOnly > 0, "the own check never left a chain to PKIX");
    }

    @Test
    void aCleanChainIsWithinTheProfileAndEachDefectOnTheMiddleCaTakesItOut() throws Exception {
        KeyPair[] keys = {KEYS.keyPair("a"), KEYS.keyPair("b"), KEYS.keyPair("c"), KEYS.keyPair("d"), KEYS.keyPair("e")};
        assertTrue(ownCheck(keys, null));
        for (Defect d : Defect.values()) {
            if (d != Defect.UNKNOWN_NON_CRITICAL && d != Defect.KEY_USAGE_NOT_CRITICAL && d != Defect.CRL_DISTRIBUTION_POINTS
                    && d != Defect.BER_BASIC_CONSTRAINTS) {
                assertFalse(ownCheck(keys, d), d + " on the middle CA is still within the profile");
            }
        }
        assertTrue(ownCheck(keys, Defect.UNKNOWN_NON_CRITICAL), "a non-critical unknown extension changes nothing");
        assertTrue(ownCheck(keys, Defect.CRL_DISTRIBUTION_POINTS));
    }

    /**
     * Every generated chain, with a leaf that may carry a defect too, as a signed document through the verifier's
     * profile path (Bouncy Castle's ASN.1, no JCA) and through the JCA path alone: the same verdict, code and
     * message each time; and the profile path's own chain check never accepts what the JCA path's check or PKIX
     * refuses.
     */
    @Test
    void theProfilePathDecidesEveryGeneratedDocumentAsTheJcaPath() throws Exception {
        Random random = new Random(20261204);
        KeyPair[] keys = new KeyPair[6];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = KEYS.keyPair("k" + i);
        }
        Expectations any = Expectations.builder().anyImage().build();
        int rounds = 240;
        int accepted = 0;
        int profileAccepted = 0;
        Map<String, Integer> rejections = new java.util.TreeMap<>();
        AttestationVerifier profilePathTotal = null;
        long jcaDecided = 0;
        for (int round = 0; round < rounds; round++) {
            Defect[] defects = new Defect[5]; // 0 the root, 1..3 the intermediates, 4 the leaf
            int count = round % 3 == 0 ? 0 : 1 + (round % 5 == 0 ? 1 : 0);
            for (int d = 0; d < count; d++) {
                defects[random.nextInt(5)] = Defect.values()[random.nextInt(Defect.values().length)];
            }
            List<Ca> cas = new ArrayList<>();
            Ca issuer = null;
            for (int i = 0; i < 4; i++) {
                Ca ca = issue(new X500Name("C=US, O=Amazon, OU=AWS, CN=ca" + i + ".test"), keys[i], issuer, true,
                        defects[i], keys[5], random);
                cas.add(ca);
                issuer = ca;
            }
            X509Certificate leaf = issue(new X500Name("C=US, O=Amazon, OU=AWS, CN=leaf.test"), keys[4], issuer, false,
                    defects[4], keys[5], random).cert();
            List<byte[]> bundle = new ArrayList<>();
            for (Ca ca : cas) {
                bundle.add(ca.cert().getEncoded());
            }
            byte[] doc = KEYS.documentBuilder().timestamp(AT).certificate(leaf.getEncoded()).cabundle(bundle)
                    .signingKey(keys[4].getPrivate()).sign();
            AttestationVerifier withProfile = AttestationVerifier.builder().trustAnchor(cas.get(0).cert()).at(AT).build();
            AttestationVerifier jcaOnly = AttestationVerifier.builder().trustAnchor(cas.get(0).cert()).at(AT)
                    .profilePath(false).build();
            String viaProfile = outcome(withProfile, doc, any);
            String viaJca = outcome(jcaOnly, doc, any);
            assertEquals(viaJca, viaProfile, "round " + round + ", defects (root, 3 CAs, leaf) " + java.util.Arrays.toString(defects));
            boolean profileDecided = withProfile.jcaVerifications() == 0;
            jcaDecided += withProfile.jcaVerifications();
            if (viaJca.equals("ok")) {
                accepted++;
                profileAccepted += profileDecided ? 1 : 0;
            } else {
                rejections.merge(viaJca.substring(0, viaJca.indexOf(':')), 1, Integer::sum);
                assertFalse(profileDecided, "round " + round + ": a rejection must come from the JCA path");
            }
            // The chain check alone, on whatever ProfileCertificate reads.
            List<ProfileCertificate> read = new ArrayList<>();
            for (Ca ca : cas) {
                read.add(ProfileCertificate.parse(ca.cert().getEncoded()));
            }
            if (!read.contains(null) && AttestationVerifier.withinProfile(read.get(0), read.subList(1, 4))) {
                List<AttestationVerifier.Ca> jcaCas = new ArrayList<>();
                for (Ca ca : cas) {
                    jcaCas.add(new AttestationVerifier.Ca(ca.cert(), Es384.publicKey(ca.cert().getPublicKey())));
                }
                assertTrue(AttestationVerifier.withinProfile(jcaCas.get(0), jcaCas.subList(1, 4)), "round " + round);
                // PKIX checks the leaf too: with a clean leaf, the chain the profile path accepts must pass
                assertTrue(defects[4] != null || pkix(cas, leaf), "round " + round
                        + ": the profile path accepts a chain PKIX refuses; " + java.util.Arrays.toString(defects));
            }
        }
        // Both sides are exercised: most clean documents stay on the profile path, defects reach the JCA path.
        assertTrue(profileAccepted >= rounds / 3, "profile path accepted only " + profileAccepted + " of " + accepted);
        assertTrue(accepted > profileAccepted, "no accepted document was left to the JCA path");
        assertTrue(rejections.containsKey("CHAIN_INVALID"), rejections.toString());
        assertTrue(jcaDecided > 0);
    }

    /** "ok", or the rejection's code and message. */
    private static String outcome(AttestationVerifier v, byte[] doc, Expectations ex) {
        try {
            v.verify(doc, ex);
            return "ok";
        } catch (AttestationException e) {
            return e.code() + ": " + e.getMessage();
        }
    }

    private static boolean ownCheck(KeyPair[] keys, Defect middle) throws Exception {
        Random random = new Random(1);
        List<AttestationVerifier.Ca> intermediates = new ArrayList<>();
        Ca issuer = null;
        AttestationVerifier.Ca anchor = null;
        for (int i = 0; i < 4; i++) {
            Ca ca = issue(new X500Name("CN=ca" + i), keys[i], issuer, true, i == 2 ? middle : null, keys[4], random);
            AttestationVerifier.Ca handle = new AttestationVerifier.Ca(ca.cert(), Es384.publicKey(ca.cert().getPublicKey()));
            if (i == 0) {
                anchor = handle;
            } else {
                intermediates.add(handle);
            }
            issuer = ca;
        }
        return AttestationVerifier.withinProfile(anchor, intermediates);
    }

    private static boolean pkix(List<Ca> cas, X509Certificate leaf) throws GeneralSecurityException {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf);
        for (int i = cas.size() - 1; i >= 1; i--) {
            path.add(cas.get(i).cert());
        }
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(cas.get(0).cert(), null)));
        params.setRevocationEnabled(false);
        params.setDate(java.util.Date.from(AT));
        try {
            CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (java.security.cert.CertPathValidatorException e) {
            return false;
        }
    }

    /** A certificate for {@code name}/{@code keys} issued by {@code issuer} (self-signed when null), with one defect. */
    private static Ca issue(X500Name name, KeyPair keys, Ca issuer, boolean ca, Defect defect, KeyPair stranger,
            Random random) throws Exception {
        X500Name issuerName = issuer == null ? name : issuer.name();
        PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
        if (defect == Defect.WRONG_ISSUER_NAME) {
            issuerName = new X500Name("C=US, O=Elsewhere, CN=not-the-issuer");
        }
        if (defect == Defect.WRONG_SIGNER) {
            signer = stranger.getPrivate();
        }
        X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, BigInteger.valueOf(1 + random.nextInt(1 << 30)),
                java.util.Date.from(AT.minusSeconds(3600)), java.util.Date.from(AT.plusSeconds(3600)), name,
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
        if (defect == Defect.BER_BASIC_CONSTRAINTS) {
            byte[] der = (ca ? new BasicConstraints(true) : new BasicConstraints(false)).getEncoded("DER");
            byte[] ber = new byte[der.length + 1];
            ber[0] = der[0];
            ber[1] = (byte) 0x81; // the same length in the long form
            System.arraycopy(der, 1, ber, 2, der.length - 1);
            b.addExtension(Extension.basicConstraints, true, ber);
        } else if (defect != Defect.NO_BASIC_CONSTRAINTS) {
            BasicConstraints bc = !ca || defect == Defect.NOT_CA ? new BasicConstraints(false)
                    : defect == Defect.PATH_LEN_ZERO ? new BasicConstraints(0) : new BasicConstraints(true);
            b.addExtension(Extension.basicConstraints, true, bc);
        }
        if (defect != Defect.NO_KEY_USAGE) {
            int bits = !ca ? KeyUsage.digitalSignature
                    : defect == Defect.NO_KEY_CERT_SIGN ? KeyUsage.digitalSignature | KeyUsage.cRLSign
                    : KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature;
            b.addExtension(Extension.keyUsage, defect != Defect.KEY_USAGE_NOT_CRITICAL, new KeyUsage(bits));
        }
        if (defect == Defect.CRL_DISTRIBUTION_POINTS) {
            b.addExtension(Extension.cRLDistributionPoints, false, new org.bouncycastle.asn1.x509.CRLDistPoint(
                    new org.bouncycastle.asn1.x509.DistributionPoint[] {new org.bouncycastle.asn1.x509.DistributionPoint(
                        new org.bouncycastle.asn1.x509.DistributionPointName(new org.bouncycastle.asn1.x509.GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, "http://crl.test/ca.crl"))), null, null)}));
        }
        if (defect == Defect.UNKNOWN_CRITICAL || defect == Defect.UNKNOWN_NON_CRITICAL) {
            b.addExtension(UNKNOWN, defect == Defect.UNKNOWN_CRITICAL, new DEROctetString(new byte[] {1, 2, 3}));
        }
        if (defect == Defect.NAME_CONSTRAINTS) {
            b.addExtension(Extension.nameConstraints, true, new NameConstraints(new GeneralSubtree[] {
                new GeneralSubtree(new GeneralName(new X500Name("C=US, O=Elsewhere")))}, null));
        }
        if (defect == Defect.POLICIES) {
            b.addExtension(Extension.certificatePolicies, false,
                    new CertificatePolicies(new PolicyInformation(new ASN1ObjectIdentifier("1.3.6.1.4.1.99999.2"))));
        }
        if (defect == Defect.POLICY_CONSTRAINTS) {
            b.addExtension(Extension.policyConstraints, true, new PolicyConstraints(BigInteger.ZERO, null));
        }
        org.bouncycastle.operator.ContentSigner contentSigner = defect == Defect.SHA256_SIGNATURE
                ? new JcaContentSignerBuilder("SHA256withECDSA").build(signer) : new JcaContentSignerBuilder("SHA384withECDSA").build(signer);
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(contentSigner));
        assertEquals(name, X500Name.getInstance(cert.getSubjectX500Principal().getEncoded()));
        return new Ca(name, keys, cert);
    }
}

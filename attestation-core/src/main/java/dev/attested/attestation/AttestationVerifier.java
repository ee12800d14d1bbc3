package dev.attested.attestation;

import dev.attested.attestation.AttestationException.Code;
import dev.attested.attestation.VerifiedAttestation.TimeMode;
import dev.attested.internal.cose.CoseException;
import dev.attested.internal.cose.Es384;
import dev.attested.pcr.Pcr;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.PKIXReason;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

/**
 * Verifies Nitro Enclaves attestation documents (docs/spec/attestation-document.md §9): framing and schema, the
 * certificate path leaf → cabundle (reversed) → pinned trust anchor at the verification instant, the ES384 COSE
 * signature, freshness, debug mode and the caller's {@link Expectations}. It returns a {@link VerifiedAttestation} or
 * throws one {@link AttestationException}; it never returns a partial result.
 *
 * <p>Instances are immutable apart from a bounded cache and safe to share between threads. Intermediate chains
 * are validated the first time their exact bytes are seen: by the verifier's own check when they keep to the
 * profile AWS's chains follow ({@link #withinProfile}), otherwise by the JDK's PKIX validator; afterwards a document
 * from the same instance costs the leaf certificate's signature and the COSE signature (Bouncy Castle's fast
 * P-384), while the validity of every certificate at the verification instant is still checked each time.
 *
 * <p>Certificates of the narrow form AWS issues are read with Bouncy Castle's ASN.1 classes
 * ({@link ProfileCertificate}) and checked without any JCA provider (the profile path, which also uses the
 * default Root-G1 from code rather than the JDK certificate); everything else, and every document the profile
 * path does not accept, is decided by the JDK path ({@code CertificateFactory}, the own profile check or PKIX),
 * which words every error. {@code ProfileChainDifferentialTest} holds the two paths to the same answers.
 */
public final class AttestationVerifier {
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    private static final String ECDSA_WITH_SHA384 = "1.2.840.10045.4.3.3";
    /** basicConstraints and keyUsage: the only critical extensions of a leaf, and of a CA on the own path check. */
    private static final Set<String> ALLOWED_CRITICAL_EXTENSIONS = Set.of("2.5.29.19", "2.5.29.15");
    /** nameConstraints, policyConstraints, inhibitAnyPolicy, certificatePolicies, policyMappings. */
    private static final List<String> LEAF_DEPENDENT_CA_EXTENSIONS = List.of("2.5.29.30", "2.5.29.36", "2.5.29.54",
            "2.5.29.32", "2.5.29.33");
    private static final int CHAIN_CACHE_SIZE = 64;
    private static final int LEAF_CACHE_SIZE = 256;

    private final List<Anchor> anchors;
    private final TimeMode timeMode;
    private final Clock clock;
    private final Instant fixedInstant;
    private final Duration maxAge;
    private final Duration clockSkew;
    private final Lru<ChainKey, ValidatedChain> chains = new Lru<>(CHAIN_CACHE_SIZE);
    private final Lru<BytesKey, Leaf> leaves = new Lru<>(LEAF_CACHE_SIZE);
    private final java.util.concurrent.atomic.AtomicLong fullPathValidations = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong pkixValidations = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong jcaVerifications = new java.util.concurrent.atomic.AtomicLong();
    /** The certificates of the profile path (Bouncy Castle's ASN.1, no JCA), cached like {@link #chains}/{@link #leaves}. */
    private final Lru<ChainKey, List<ProfileCertificate>> profileChains = new Lru<>(CHAIN_CACHE_SIZE);
    private final Lru<BytesKey, ProfileCertificate> profileLeaves = new Lru<>(LEAF_CACHE_SIZE);
    private final boolean profilePath;

    private AttestationVerifier(Builder b) {
        List<Anchor> list = new ArrayList<>();
        if (b.anchors.isEmpty()) {
            list.add(Anchor.awsG1());
        }
        for (X509Certificate c : b.anchors) {
            list.add(new Anchor(encoded(c), c));
        }
        this.anchors = List.copyOf(list);
        this.profilePath = b.profilePath;
        this.timeMode = b.timeMode;
        this.clock = b.clock;
        this.fixedInstant = b.fixedInstant;
        this.maxAge = b.maxAge;
        this.clockSkew = b.clockSkew;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Does now, once per process, the set-up that the first verification would otherwise do on its caller's
     * thread: Bouncy Castle's digests and their service registry (which starts {@code java.util.logging}), the
     * P-384 generator's table of multiples, and the bundled Root-G1 read and checked against its pin. It verifies
     * and decides nothing, and calling it is never required; a short-lived process (the attested command line)
     * runs it on a second thread while it parses its arguments and reads its inputs. Thread-safe.
     *
     * @throws IllegalStateException if the bundled root does not match its pin (as the first verification would)
     */
    public static void prepare() {
        Anchor.awsG1(); // first: a verifier's construction needs it
        Es384.prepare();
    }

    /**
     * Verifies one document against {@code expectations}, which name the accepted image(s) or explicitly waive
     * the image check ({@link Expectations.Builder#anyImage()}).
     *
     * @throws AttestationException with the code of the first check that failed
     */
    public VerifiedAttestation verify(byte[] document, Expectations expectations) {
        Objects.requireNonNull(expectations, "expectations");
        UnverifiedDocument doc = UnverifiedDocument.parseEs384(document);
        Instant at = instantFor(doc);
        List<ProfileCertificate> profile = profilePath ? profilePath(doc, at) : null;
        if (profile != null) {
            ProfileCertificate leaf = profile.get(0);
            Expectations.PcrSet matched = checkDocument(doc, expectations, at, leaf.notBefore, leaf.notAfter);
            return VerifiedAttestation.ofProfilePath(doc, profile, at, timeMode, matched);
        }
        // Outside the profile path (or rejected there): the JCA path decides, and words any error.
        jcaVerifications.incrementAndGet();
        Leaf leaf = leaf(doc.certificateUnsafe());
        try {
            doc.cose().verifyEs384(leaf.key);
        } catch (CoseException e) {
            throw new AttestationException(Code.SIGNATURE_INVALID, "expected an ES384 signature by the leaf certificate's "
                    + "key over the Sig_structure, found one that does not verify.", e);
        }
        ValidatedChain chain = validateChain(doc.cabundleUnsafe(), leaf, at);
        Expectations.PcrSet matched = checkDocument(doc, expectations, at, leaf.notBefore, leaf.notAfter);
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf.cert);
        for (int i = chain.intermediates.size() - 1; i >= 0; i--) {
            path.add(chain.intermediates.get(i).cert);
        }
        path.add(chain.anchor.cert());
        return VerifiedAttestation.ofCertificates(doc, path, at, timeMode, matched);
    }

    /** The checks after the certificates: the timestamp inside the leaf's validity, freshness, debug mode, expectations. */
    private Expectations.PcrSet checkDocument(UnverifiedDocument doc, Expectations expectations, Instant at,
            Instant leafNotBefore, Instant leafNotAfter) {
        Instant ts = doc.timestamp();
        if (ts.isBefore(leafNotBefore) || ts.isAfter(leafNotAfter)) {
            throw new AttestationException(Code.CERT_NOT_VALID_AT_TIME, "expected the document timestamp inside the leaf's validity "
                    + leafNotBefore + " .. " + leafNotAfter + ", found " + ts + ".");
        }
        if (timeMode == TimeMode.NOW) {
            checkFreshness(ts, at);
        }
        if (doc.isDebugMode() && !expectations.debugModeAllowed()) {
            throw new AttestationException(Code.DEBUG_MODE,
                    "expected a production enclave, found PCR0, PCR1 and PCR2 all zero (debug mode).");
        }
        return checkExpectations(doc, expectations);
    }

    /**
     * The profile path: the certificates read with Bouncy Castle's ASN.1 classes ({@link ProfileCertificate}),
     * the leaf, its signature over the COSE document and the chain to a trusted anchor checked as the JCA path
     * checks them, within {@link #withinProfile(ProfileCertificate, List)}; no JCA provider is used. Returns the
     * path (leaf first, anchor last) when every certificate check passes, or null when anything is not shown
     * here: the JCA path then decides from scratch, so it also words every error.
     */
    private List<ProfileCertificate> profilePath(UnverifiedDocument doc, Instant at) {
        byte[] leafDer = doc.certificateUnsafe();
        BytesKey leafKey = new BytesKey(leafDer);
        ProfileCertificate leaf = profileLeaves.get(leafKey);
        if (leaf == null) {
            leaf = ProfileCertificate.parse(leafDer);
            if (leaf == null || leaf.basicConstraints != -1 || !leaf.hasKeyUsage(ProfileCertificate.DIGITAL_SIGNATURE)
                    || leaf.otherCriticalExtension) {
                return null;
            }
            profileLeaves.put(leafKey, leaf);
        }
        try {
            doc.cose().verifyEs384(leaf.key);
        } catch (CoseException e) {
            return null;
        }
        List<byte[]> bundle = doc.cabundleUnsafe();
        int anchorIndex = anchorIndex(bundle.get(0));
        if (anchorIndex < 0 || anchors.get(anchorIndex).profile == null) {
            return null;
        }
        ProfileCertificate anchor = anchors.get(anchorIndex).profile;
        ChainKey key = new ChainKey(anchorIndex, bundle.subList(1, bundle.size()));
        List<ProfileCertificate> intermediates = profileChains.get(key);
        boolean firstSight = intermediates == null;
        if (firstSight) {
            intermediates = new ArrayList<>();
            for (int i = 1; i < bundle.size(); i++) {
                ProfileCertificate c = ProfileCertificate.parse(bundle.get(i));
                if (c == null) {
                    return null;
                }
                intermediates.add(c);
            }
            intermediates = List.copyOf(intermediates);
        }
        Instant notBeforeLimit = timeMode == TimeMode.NOW ? at.plus(clockSkew) : at;
        if (!inWindow(anchor, at, notBeforeLimit) || !inWindow(leaf, at, notBeforeLimit)) {
            return null;
        }
        for (ProfileCertificate c : intermediates) {
            if (!inWindow(c, at, notBeforeLimit)) {
                return null;
            }
        }
        ProfileCertificate issuer = intermediates.isEmpty() ? anchor : intermediates.get(intermediates.size() - 1);
        if (!Arrays.equals(leaf.issuerDer, issuer.subjectDer) || !issuer.key.verifyDer(leaf.tbs, leaf.signature)) {
            return null;
        }
        if (firstSight) {
            if (!withinProfile(anchor, intermediates)) {
                return null;
            }
            fullPathValidations.incrementAndGet();
            profileChains.put(key, intermediates);
        }
        List<ProfileCertificate> path = new ArrayList<>(intermediates.size() + 2);
        path.add(leaf);
        for (int i = intermediates.size() - 1; i >= 0; i--) {
            path.add(intermediates.get(i));
        }
        path.add(anchor);
        return path;
    }

    /** The index of the trusted anchor whose DER is {@code der} (cabundle[0]), or -1. */
    private int anchorIndex(byte[] der) {
        for (int i = 0; i < anchors.size(); i++) {
            if (Arrays.equals(anchors.get(i).der, der)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean inWindow(ProfileCertificate c, Instant at, Instant notBeforeLimit) {
        return !c.notBefore.isAfter(notBeforeLimit) && !c.notAfter.isBefore(at);
    }

    /**
     * {@link #withinProfile(Ca, List)} on certificates read by {@link ProfileCertificate}, which admits only
     * basicConstraints, keyUsage and non-critical informational extensions (so no name or policy constraints,
     * policies or mappings): issuer and subject names are compared as DER bytes, a stricter test than the
     * JDK's {@code X500Principal.equals}. True implies {@link #withinProfile(Ca, List)} is true for the same bytes.
     */
    static boolean withinProfile(ProfileCertificate anchor, List<ProfileCertificate> intermediates) {
        if (!profileCa(anchor, intermediates.size())) {
            return false;
        }
        ProfileCertificate issuer = anchor;
        for (int i = 0; i < intermediates.size(); i++) {
            ProfileCertificate c = intermediates.get(i);
            if (!profileCa(c, intermediates.size() - 1 - i) || c.issuerDer.length <= 2
                    || !Arrays.equals(c.issuerDer, issuer.subjectDer) || !issuer.key.verifyDer(c.tbs, c.signature)) {
                return false;
            }
            issuer = c;
        }
        return true;
    }

    private static boolean profileCa(ProfileCertificate c, int casBelow) {
        return c.basicConstraints >= casBelow && c.hasKeyUsage(ProfileCertificate.KEY_CERT_SIGN) && !c.otherCriticalExtension;
    }

    /** The default Root-G1 as the profile path read it (once per process), or null if it is not of that form. */
    static ProfileCertificate awsG1Profile() {
        return Anchor.awsG1().profile;
    }

    /** How many documents the JCA path decided (outside the profile path, or rejected there). */
    long jcaVerifications() {
        return jcaVerifications.get();
    }

    /** How many documents needed a full validation of their intermediate chain because it was not cached. */
    long fullPathValidations() {
        return fullPathValidations.get();
    }

    /** How many of those full validations the JDK's PKIX validator made (chains outside {@link #withinProfile}). */
    long pkixValidations() {
        return pkixValidations.get();
    }

    private Instant instantFor(UnverifiedDocument doc) {
        switch (timeMode) {
            case DOCUMENT_TIMESTAMP:
                return doc.timestamp();
            case FIXED_INSTANT:
                return fixedInstant;
            default:
                return clock.instant();
        }
    }

    private void checkFreshness(Instant ts, Instant now) {
        Duration age = Duration.between(ts, now);
        if (age.compareTo(maxAge) > 0) {
            throw new AttestationException(Code.DOCUMENT_TOO_OLD, "expected a document at most " + maxAge
                    + " old, found one from " + ts + " (" + age + " before " + now + ").");
        }
        if (age.negated().compareTo(clockSkew) > 0) {
            throw new AttestationException(Code.DOCUMENT_FROM_FUTURE, "expected a timestamp no later than " + now
                    + " + " + clockSkew + " skew, found " + ts + ".");
        }
    }

    // ---- certificates -------------------------------------------------------------------------------------

    private Leaf leaf(byte[] der) {
        BytesKey key = new BytesKey(der);
        Leaf cached = leaves.get(key);
        if (cached != null) {
            return cached;
        }
        X509Certificate cert = parseCertificate(der, "leaf certificate");
        Es384.PublicKeyHandle handle;
        try {
            handle = Es384.publicKey(cert.getPublicKey());
        } catch (CoseException e) {
            throw new AttestationException(Code.CHAIN_INVALID, "expected the leaf certificate to hold a P-384 key, found: "
                    + e.detailClause() + ".", e);
        }
        Leaf leaf = new Leaf(cert, handle, cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                tbs(cert), cert.getSignature(), leafProfileProblem(cert));
        leaves.put(key, leaf);
        return leaf;
    }

    private ValidatedChain validateChain(List<byte[]> bundle, Leaf leaf, Instant at) {
        int anchorIndex = anchorIndex(bundle.get(0));
        if (anchorIndex < 0) {
            throw new AttestationException(Code.UNTRUSTED_ROOT, "expected cabundle[0] to be a trusted root ("
                    + describeAnchors() + "), found a certificate with SHA-256 " + sha256(bundle.get(0)) + ".");
        }
        Anchor anchor = anchors.get(anchorIndex);
        ChainKey key = new ChainKey(anchorIndex, bundle.subList(1, bundle.size()));
        ValidatedChain chain = chains.get(key);
        boolean firstSight = chain == null;
        if (firstSight) {
            chain = parseIntermediates(anchor, bundle);
        }
        checkValidity(chain, leaf, at);
        checkLeaf(leaf, chain.issuerOfLeaf());
        if (firstSight) {
            fullPathValidations.incrementAndGet();
            if (!withinProfile(chain.anchorCa, chain.intermediates)) {
                pkix(chain, leaf, at);
            }
            if (leafIndependent(chain)) {
                chains.put(key, chain);
            }
        }
        return chain;
    }

    /**
     * Whether what PKIX established for this chain holds for any end-entity leaf: true unless an intermediate
     * carries name or policy constraints, which PKIX applies to the leaf (AWS's intermediates carry none; a chain
     * that does is simply validated in full for every document).
     */
    private static boolean leafIndependent(ValidatedChain chain) {
        for (Ca ca : chain.intermediates) {
            for (String oid : LEAF_DEPENDENT_CA_EXTENSIONS) {
                if (ca.cert.getExtensionValue(oid) != null) {
                    return false;
                }
            }
        }
        return true;
    }

    private ValidatedChain parseIntermediates(Anchor anchor, List<byte[]> bundle) {
        List<Ca> intermediates = new ArrayList<>();
        for (int i = 1; i < bundle.size(); i++) {
            X509Certificate c = parseCertificate(bundle.get(i), "cabundle[" + i + "]");
            if (!ECDSA_WITH_SHA384.equals(c.getSigAlgOID())) {
                throw new AttestationException(Code.CHAIN_INVALID, "expected cabundle[" + i
                        + "] signed with ecdsa-with-SHA384, found " + c.getSigAlgName() + ".");
            }
            try {
                intermediates.add(new Ca(c, Es384.publicKey(c.getPublicKey())));
            } catch (CoseException e) {
                throw new AttestationException(Code.CHAIN_INVALID, "expected cabundle[" + i + "] to hold a P-384 key, found: "
                        + e.detailClause() + ".", e);
            }
        }
        Es384.PublicKeyHandle anchorKey = null;
        try {
            anchorKey = Es384.publicKey(anchor.cert().getPublicKey());
        } catch (CoseException e) {
            // a non-P-384 anchor can still anchor P-384 intermediates through PKIX; it cannot sign a leaf directly
        }
        Ca anchorCa = new Ca(anchor.cert(), anchorKey);
        return new ValidatedChain(anchor, anchorCa, List.copyOf(intermediates));
    }

    private void checkValidity(ValidatedChain chain, Leaf leaf, Instant at) {
        Instant notBeforeLimit = timeMode == TimeMode.NOW ? at.plus(clockSkew) : at;
        checkWindow("the trust anchor " + chain.anchorCa.cert.getSubjectX500Principal(), chain.anchorCa.notBefore,
                chain.anchorCa.notAfter, at, notBeforeLimit);
        for (int i = 0; i < chain.intermediates.size(); i++) {
            Ca ca = chain.intermediates.get(i);
            checkWindow("cabundle[" + (i + 1) + "] " + ca.cert.getSubjectX500Principal(), ca.notBefore, ca.notAfter, at,
                    notBeforeLimit);
        }
        checkWindow("the leaf " + leaf.cert.getSubjectX500Principal(), leaf.notBefore, leaf.notAfter, at, notBeforeLimit);
    }

    private static void checkWindow(String what, Instant notBefore, Instant notAfter, Instant at, Instant notBeforeLimit) {
        if (notBefore.isAfter(notBeforeLimit) || notAfter.isBefore(at)) {
            throw new AttestationException(Code.CERT_NOT_VALID_AT_TIME, "expected " + what + " to be valid at " + at
                    + ", found it valid " + notBefore + " .. " + notAfter + ".");
        }
    }

    private static void checkLeaf(Leaf leaf, Ca issuer) {
        if (leaf.profileProblem != null) {
            throw new AttestationException(Code.CHAIN_INVALID, leaf.profileProblem);
        }
        X509Certificate c = leaf.cert;
        if (!c.getIssuerX500Principal().equals(issuer.cert.getSubjectX500Principal())) {
            throw new AttestationException(Code.CHAIN_INVALID, "expected the leaf issued by "
                    + issuer.cert.getSubjectX500Principal() + ", found issuer " + c.getIssuerX500Principal() + ".");
        }
        if (!issuer.verifier().verifyDer(leaf.tbs, leaf.signature)) {
            throw new AttestationException(Code.CHAIN_INVALID, "expected the leaf certificate signed by "
                    + issuer.cert.getSubjectX500Principal() + ", found a signature that does not verify.");
        }
    }

    /** The leaf checks that depend only on the leaf itself (attestation-document.md §9 step 7). */
    private static String leafProfileProblem(X509Certificate c) {
        if (!ECDSA_WITH_SHA384.equals(c.getSigAlgOID())) {
            return "expected the leaf signed with ecdsa-with-SHA384, found " + c.getSigAlgName() + ".";
        }
        if (c.getBasicConstraints() != -1) {
            return "expected the leaf to be an end entity (CA:FALSE), found a CA certificate.";
        }
        boolean[] ku = c.getKeyUsage();
        if (ku == null || !ku[0]) {
            return "expected the leaf's keyUsage to include digitalSignature, found " + (ku == null ? "no keyUsage" : "it missing") + ".";
        }
        Set<String> critical = c.getCriticalExtensionOIDs();
        if (critical != null) {
            for (String oid : critical) {
                if (!ALLOWED_CRITICAL_EXTENSIONS.contains(oid)) {
                    return "expected only basicConstraints and keyUsage as critical leaf extensions, found critical " + oid + ".";
                }
            }
        }
        return null;
    }

    /**
     * Whether the intermediates link the anchor to the leaf's issuer within the profile AWS's chains follow, shown
     * here without the JDK's PKIX validator (whose start-up and SunEC signatures dominate a short run): every
     * intermediate names its predecessor as issuer and carries an ECDSA-SHA384 signature (strict DER, no
     * parameters) by the predecessor's P-384 key; the anchor and every intermediate are CAs whose keyUsage
     * includes keyCertSign and whose pathLenConstraint admits every CA below them, self-issued ones included; no
     * certificate of the path has a critical extension other than basicConstraints and keyUsage, nor name or
     * policy constraints, policies or policy mappings. Validity windows, the leaf and its signature are checked by
     * the caller. True means PKIX accepts the path too (the differential test holds both to that); false only
     * means "not shown here": PKIX then decides, and words the error.
     */
    static boolean withinProfile(Ca anchor, List<Ca> intermediates) {
        if (!profileCa(anchor.cert, intermediates.size())) {
            return false;
        }
        Ca issuer = anchor;
        for (int i = 0; i < intermediates.size(); i++) {
            Ca ca = intermediates.get(i);
            X509Certificate c = ca.cert;
            if (issuer.key == null || !profileCa(c, intermediates.size() - 1 - i) || c.getSigAlgParams() != null
                    || !ECDSA_WITH_SHA384.equals(c.getSigAlgOID())
                    || c.getIssuerX500Principal().getEncoded().length <= 2
                    || !c.getIssuerX500Principal().equals(issuer.cert.getSubjectX500Principal())) {
                return false;
            }
            byte[] tbs;
            try {
                tbs = c.getTBSCertificate();
            } catch (GeneralSecurityException e) {
                return false;
            }
            if (!issuer.key.verifyDer(tbs, c.getSignature())) {
                return false;
            }
            issuer = ca;
        }
        return true;
    }

    /** A CA certificate that may have {@code casBelow} CA certificates below it, with nothing PKIX would add. */
    private static boolean profileCa(X509Certificate c, int casBelow) {
        if (c.getBasicConstraints() < casBelow) { // -1 for an end entity, Integer.MAX_VALUE without a limit
            return false;
        }
        boolean[] ku = c.getKeyUsage();
        if (ku == null || ku.length <= 5 || !ku[5]) { // keyCertSign
            return false;
        }
        Set<String> critical = c.getCriticalExtensionOIDs();
        if (critical != null && !ALLOWED_CRITICAL_EXTENSIONS.containsAll(critical)) {
            return false;
        }
        for (String oid : LEAF_DEPENDENT_CA_EXTENSIONS) {
            if (c.getExtensionValue(oid) != null) {
                return false;
            }
        }
        return true;
    }

    private void pkix(ValidatedChain chain, Leaf leaf, Instant at) {
        List<X509Certificate> path = new ArrayList<>();
        path.add(leaf.cert);
        for (int i = chain.intermediates.size() - 1; i >= 0; i--) {
            path.add(chain.intermediates.get(i).cert);
        }
        // Every window was checked above (with the skew allowance); PKIX checks signatures, names and constraints.
        Instant date = at;
        for (X509Certificate c : path) {
            Instant nb = c.getNotBefore().toInstant();
            if (date.isBefore(nb)) {
                date = nb;
            }
        }
        pkixValidations.incrementAndGet();
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(chain.anchor.cert(), null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(date));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (CertPathValidatorException e) {
            String where = e.getIndex() >= 0 && e.getIndex() < path.size()
                    ? " at " + (e.getIndex() == 0 ? "the leaf" : "cabundle[" + (path.size() - e.getIndex()) + "]")
                    : "";
            if (e.getReason() == PKIXReason.NO_TRUST_ANCHOR) {
                // cabundle[0] is the trusted root, so the intermediates do not link up to it
                throw new AttestationException(Code.CHAIN_INVALID, "expected cabundle[1] issued by the trusted root "
                        + chain.anchor.cert().getSubjectX500Principal() + ", found no path to it: " + e.getMessage() + ".", e);
            }
            if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                    || e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                throw new AttestationException(Code.CERT_NOT_VALID_AT_TIME, e.getMessage() + where + ".", e);
            }
            throw new AttestationException(Code.CHAIN_INVALID, "expected a valid certificate path to the trusted root, found"
                    + where + ": " + e.getMessage() + ".", e);
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Code.CHAIN_INVALID, "the certificate path could not be validated: " + e.getMessage() + ".", e);
        }
    }

    private static X509Certificate parseCertificate(byte[] der, String what) {
        try {
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            if (!Arrays.equals(c.getEncoded(), der)) {
                throw new AttestationException(Code.CHAIN_INVALID, "expected " + what
                        + " as exactly one DER X.509 certificate, found extra or re-encoded bytes.");
            }
            return c;
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof AttestationException ae) {
                throw ae;
            }
            throw new AttestationException(Code.CHAIN_INVALID, "expected " + what + " as a DER X.509 certificate, found bytes "
                    + "that do not parse: " + e.getMessage() + ".", e);
        }
    }

    private static byte[] tbs(X509Certificate c) {
        try {
            return c.getTBSCertificate();
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Code.CHAIN_INVALID, "cannot encode the leaf's TBSCertificate.", e);
        }
    }

    private static byte[] encoded(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trust anchor cannot be encoded", e);
        }
    }

    private String describeAnchors() {
        StringBuilder sb = new StringBuilder();
        for (Anchor a : anchors) {
            if (sb.length() > 0) {
                sb.append(" or ");
            }
            sb.append(a.cert().getSubjectX500Principal()).append(" SHA-256 ").append(sha256(a.der));
        }
        return sb.toString();
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- expectations -------------------------------------------------------------------------------------

    /** Checks every expectation; returns the accepted PCR set the document matched, or null with {@code anyImage()}. */
    private static Expectations.PcrSet checkExpectations(UnverifiedDocument doc, Expectations ex) {
        Expectations.PcrSet matched = null;
        if (!ex.anyImage()) {
            List<Expectations.PcrSet> sets = ex.pcrSets();
            matched = ex.firstMatch(doc.pcrs()).orElse(null);
            if (matched == null) {
                List<String> mismatches = new ArrayList<>();
                for (Expectations.PcrSet set : sets) {
                    mismatches.add((sets.size() == 1 ? "" : set.release() + ": ") + pcrMismatch(doc, set.pcrs()));
                }
                String detail = sets.size() == 1 ? mismatches.get(0) + " (" + sets.get(0).release() + ")"
                        : "no accepted PCR set matches (" + sets.size() + " sets); " + String.join("; ", mismatches);
                throw new AttestationException(Code.PCR_MISMATCH, detail + ".");
            }
        }
        requireEqual(Code.NONCE_MISMATCH, "nonce", ex.nonceUnsafe(), doc.nonceUnsafe());
        requireEqual(Code.USER_DATA_MISMATCH, "user_data", ex.userDataUnsafe(), doc.userDataUnsafe());
        requireEqual(Code.PUBLIC_KEY_MISMATCH, "public_key", ex.publicKeyUnsafe(), doc.publicKeyUnsafe());
        return matched;
    }

    private static String pcrMismatch(UnverifiedDocument doc, SortedMap<Integer, Pcr> set) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<Integer, Pcr> e : set.entrySet()) {
            Pcr found = doc.pcrs().get(e.getKey());
            if (!e.getValue().equals(found)) {
                out.add("PCR" + e.getKey() + " expected " + e.getValue().hex() + ", found "
                        + (found == null ? "absent" : found.hex()));
            }
        }
        return String.join(", ", out);
    }

    private static void requireEqual(Code code, String field, byte[] expected, byte[] found) {
        if (expected == null) {
            return;
        }
        if (found == null || !org.bouncycastle.util.Arrays.constantTimeAreEqual(expected, found)) {
            throw new AttestationException(code, "expected " + field + " " + shortHex(expected) + " (" + expected.length
                    + " bytes), found " + (found == null ? "none" : shortHex(found) + " (" + found.length + " bytes)") + ".");
        }
    }

    private static String shortHex(byte[] b) {
        String h = HexFormat.of().formatHex(b, 0, Math.min(b.length, 64));
        return b.length > 64 ? h + "…" : h;
    }

    // ---- value types and cache ----------------------------------------------------------------------------

    /**
     * A trust anchor: its DER, read for the profile path ({@code profile}, null when not of its form), and the JCA
     * certificate, which for the default Root-G1 is made only when the JCA path needs it.
     */
    private static final class Anchor {
        final byte[] der;
        final ProfileCertificate profile;
        private volatile X509Certificate cert;

        Anchor(byte[] der, X509Certificate cert) {
            this.der = der;
            this.cert = cert;
            this.profile = ProfileCertificate.parse(der);
        }

        /**
         * Read and checked against its pin once per process (an anchor is immutable but for its lazy JCA copy); a
         * thread that asks while another reads it waits for that one rather than reading it too.
         */
        private static Anchor awsG1;

        static synchronized Anchor awsG1() {
            if (awsG1 == null) {
                awsG1 = new Anchor(NitroRoots.awsG1Der(), null);
            }
            return awsG1;
        }

        X509Certificate cert() {
            X509Certificate c = cert;
            if (c == null) {
                c = NitroRoots.awsG1(); // the same bytes, from the bundled resource with the same pin
                cert = c;
            }
            return c;
        }
    }

    /** {@code profileProblem}: why the leaf's own fields (not its issuer) disqualify it, or null; a pure function of its bytes. */
    private record Leaf(X509Certificate cert, Es384.PublicKeyHandle key, Instant notBefore, Instant notAfter, byte[] tbs,
            byte[] signature, String profileProblem) {}

    static final class Ca {
        final X509Certificate cert;
        final Es384.PublicKeyHandle key;
        final Instant notBefore;
        final Instant notAfter;

        Ca(X509Certificate cert, Es384.PublicKeyHandle key) {
            this.cert = cert;
            this.key = key;
            this.notBefore = cert.getNotBefore().toInstant();
            this.notAfter = cert.getNotAfter().toInstant();
        }

        Es384.PublicKeyHandle verifier() {
            if (key == null) {
                throw new AttestationException(Code.CHAIN_INVALID, "expected a P-384 trust anchor key to verify the leaf.");
            }
            return key;
        }
    }

    private record ValidatedChain(Anchor anchor, Ca anchorCa, List<Ca> intermediates) {
        /** The certificate that must have issued the leaf: the last intermediate, or the anchor itself. */
        Ca issuerOfLeaf() {
            return intermediates.isEmpty() ? anchorCa : intermediates.get(intermediates.size() - 1);
        }
    }

    private static final class BytesKey {
        private final byte[] bytes;
        private final int hash;

        BytesKey(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BytesKey k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class ChainKey {
        private final int anchor;
        private final byte[][] ders;
        private final int hash;

        ChainKey(int anchor, List<byte[]> ders) {
            this.anchor = anchor;
            this.ders = ders.toArray(new byte[0][]);
            this.hash = 31 * anchor + Arrays.deepHashCode(this.ders);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ChainKey k && k.hash == hash && k.anchor == anchor && Arrays.deepEquals(k.ders, ders);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private static final class Lru<K, V> {
        private final LinkedHashMap<K, V> map;

        Lru(int capacity) {
            this.map = new LinkedHashMap<>(16, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                    return size() > capacity;
                }
            };
        }

        synchronized V get(K key) {
            return map.get(key);
        }

        synchronized void put(K key, V value) {
            map.put(key, value);
        }
    }

    // ---- builder ------------------------------------------------------------------------------------------

    /** Configures trust anchors and the verification instant. */
    public static final class Builder {
        private final List<X509Certificate> anchors = new ArrayList<>();
        private TimeMode timeMode = TimeMode.NOW;
        private Clock clock = Clock.systemUTC();
        private Instant fixedInstant;
        private Duration maxAge = DEFAULT_MAX_AGE;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private boolean profilePath = true;

        private Builder() {}

        /** Tests: false sends every document through the JCA path (the differential tests compare the two). */
        Builder profilePath(boolean enabled) {
            this.profilePath = enabled;
            return this;
        }

        /** Adds a trusted root (default when none is added: {@link NitroRoots#awsG1()}). */
        public Builder trustAnchor(X509Certificate root) {
            anchors.add(Objects.requireNonNull(root));
            return this;
        }

        public Builder trustAnchors(Collection<X509Certificate> roots) {
            roots.forEach(this::trustAnchor);
            return this;
        }

        /** Verify at this clock's current instant, requiring documents at most {@link #maxAge} old (the default mode). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            this.timeMode = TimeMode.NOW;
            return this;
        }

        /** Verify every certificate at a fixed instant (no age check). */
        public Builder at(Instant instant) {
            this.fixedInstant = Objects.requireNonNull(instant);
            this.timeMode = TimeMode.FIXED_INSTANT;
            return this;
        }

        /**
         * Verify each document at its own timestamp, for archived documents and audits. This gives <strong>no
         * replay protection</strong>: a genuine document verifies this way forever, and leaked leaf keys are never
         * revoked. Bind documents to a fresh nonce when trust depends on freshness.
         */
        public Builder atDocumentTime() {
            this.timeMode = TimeMode.DOCUMENT_TIMESTAMP;
            return this;
        }

        /** Maximum document age in clock mode (default 5 minutes). */
        public Builder maxAge(Duration maxAge) {
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("maxAge must not be negative: " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /** How far a document's timestamp or a certificate's notBefore may lie ahead of the clock (default 30 s). */
        public Builder clockSkew(Duration skew) {
            if (skew.isNegative()) {
                throw new IllegalArgumentException("clock skew must not be negative: " + skew);
            }
            this.clockSkew = skew;
            return this;
        }

        public AttestationVerifier build() {
            return new AttestationVerifier(this);
        }
    }
}

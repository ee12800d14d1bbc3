package dev.attested.attestation;

import dev.attested.pcr.Pcr;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A document that passed every check of {@link AttestationVerifier}: framing, schema, certificate path to a
 * trusted root at the verification instant, COSE signature, freshness, debug mode and the expectations. Only the
 * verifier creates instances. It carries the one answer to "which image is this": the release it matched
 * ({@link #matchedRelease()}, {@link #matchedPcrs()}), or {@link #imageChecked()} false when none was expected.
 */
public final class VerifiedAttestation {
    private final UnverifiedDocument document;
    /** The path as the profile path read it (leaf first), or null when the JCA path verified the document. */
    private final List<ProfileCertificate> profileChain;
    private volatile List<X509Certificate> chain;
    private final Instant verifiedAt;
    private final TimeMode timeMode;
    private final Expectations.PcrSet matched;

    /** {@code matched}: the accepted PCR set the document matched, or null when the caller chose {@code anyImage()}. */
    private VerifiedAttestation(UnverifiedDocument document, List<ProfileCertificate> profileChain,
            List<X509Certificate> chain, Instant verifiedAt, TimeMode timeMode, Expectations.PcrSet matched) {
        this.document = document;
        this.profileChain = profileChain;
        this.chain = chain;
        this.verifiedAt = verifiedAt;
        this.timeMode = timeMode;
        this.matched = matched;
    }

    /** Verified by the JCA path: the JCA certificates exist already. */
    static VerifiedAttestation ofCertificates(UnverifiedDocument document, List<X509Certificate> chain, Instant verifiedAt,
            TimeMode timeMode, Expectations.PcrSet matched) {
        return new VerifiedAttestation(document, null, List.copyOf(chain), verifiedAt, timeMode, matched);
    }

    /** Verified by the profile path: the JCA certificates are made from the DERs on the first {@link #chain()}. */
    static VerifiedAttestation ofProfilePath(UnverifiedDocument document, List<ProfileCertificate> chain,
            Instant verifiedAt, TimeMode timeMode, Expectations.PcrSet matched) {
        return new VerifiedAttestation(document, List.copyOf(chain), null, verifiedAt, timeMode, matched);
    }

    /** How the verification instant was chosen. */
    public enum TimeMode {
        /** The verifier's clock, with a maximum document age. */
        NOW,
        /** A fixed instant given by the caller. */
        FIXED_INSTANT,
        /** The document's own timestamp: no replay protection. */
        DOCUMENT_TIMESTAMP
    }

    public String moduleId() {
        return document.moduleId();
    }

    public Instant timestamp() {
        return document.timestamp();
    }

    public SortedMap<Integer, Pcr> pcrs() {
        return document.pcrs();
    }

    public Optional<Pcr> pcr(int index) {
        return document.pcr(index);
    }

    public boolean isDebugMode() {
        return document.isDebugMode();
    }

    public Optional<byte[]> publicKey() {
        return document.publicKey();
    }

    public Optional<byte[]> userData() {
        return document.userData();
    }

    public Optional<byte[]> nonce() {
        return document.nonce();
    }

    /** The validated path: leaf first, then the bundle's intermediates towards the root, then the trust anchor. */
    public List<X509Certificate> chain() {
        List<X509Certificate> c = chain;
        if (c == null) {
            synchronized (this) {
                c = chain;
                if (c == null) {
                    c = certificates(profileChain);
                    chain = c;
                }
            }
        }
        return c;
    }

    /** The path as read by the verifier's profile path, leaf first; null when the JCA path verified the document. */
    List<ProfileCertificate> profileChain() {
        return profileChain;
    }

    private static List<X509Certificate> certificates(List<ProfileCertificate> path) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>(path.size());
            for (ProfileCertificate p : path) {
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(p.der)));
            }
            return List.copyOf(out);
        } catch (CertificateException e) {
            // the verifier's profile path admits only certificates the JDK reads (ProfileChainDifferentialTest)
            throw new IllegalStateException("a verified certificate does not parse with the JDK: " + e.getMessage(), e);
        }
    }

    public X509Certificate leaf() {
        return chain().get(0);
    }

    /** The instant at which every certificate was found valid. */
    public Instant verifiedAt() {
        return verifiedAt;
    }

    public TimeMode timeMode() {
        return timeMode;
    }

    /**
     * Whether the enclave image was checked: true when the expectations named PCR sets (one of which the document
     * matched), false when they said {@link Expectations.Builder#anyImage() anyImage()}.
     */
    public boolean imageChecked() {
        return matched != null;
    }

    /** The accepted PCR set (release) this document matched, the first in the order given; empty with {@code anyImage()}. */
    public Optional<Expectations.PcrSet> matchedPcrSet() {
        return Optional.ofNullable(matched);
    }

    /** The label of the release this document matched; empty with {@code anyImage()}. */
    public Optional<String> matchedRelease() {
        return matchedPcrSet().map(Expectations.PcrSet::release);
    }

    /** The expected PCRs of the matched release (the document holds each with this value); empty with {@code anyImage()}. */
    public SortedMap<Integer, Pcr> matchedPcrs() {
        return matched == null ? Collections.emptySortedMap() : matched.pcrs();
    }
}

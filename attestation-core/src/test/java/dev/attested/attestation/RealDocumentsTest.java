package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.AttestationException.Code;
import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.pcr.Pcr;
import dev.attested.testkit.SimulatedNitroPki;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The four genuine AWS documents of test-vectors/attestation against the bundled Root-G1. */
class RealDocumentsTest {
    private static final AttestationVerifier ARCHIVE = AttestationVerifier.builder().atDocumentTime().build();
    private static final Expectations ANY = Expectations.builder().anyImage().build();
    private static final Expectations DEBUG_OK = Expectations.builder().anyImage().allowDebugMode().build();

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void verifiesAtItsOwnTimestampWithTheBundledRoot(Fixtures f) {
        VerifiedAttestation v = ARCHIVE.verify(f.bytes(), DEBUG_OK);
        assertEquals(f.timestamp, v.timestamp());
        assertEquals(f.debug, v.isDebugMode());
        assertEquals(NitroRoots.AWS_G1_SHA256, NitroRoots.sha256Hex(v.chain().get(v.chain().size() - 1)));
    }

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void isRejectedTodayAsExpired(Fixtures f) {
        AttestationVerifier today = AttestationVerifier.builder().clock(Clock.systemUTC()).build();
        assertEquals(Code.CERT_NOT_VALID_AT_TIME,
                assertThrows(AttestationException.class, () -> today.verify(f.bytes(), DEBUG_OK)).code());
    }

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void pcr4IsTheParentInstanceIdOfTheModuleId(Fixtures f) {
        VerifiedAttestation v = ARCHIVE.verify(f.bytes(), DEBUG_OK);
        String instanceId = v.moduleId().substring(0, v.moduleId().indexOf("-enc"));
        assertEquals(Pcr.ofParentInstanceId(instanceId), v.pcr(4).orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void genuineAwsChainsAreCachedAfterTheFirstDocument(Fixtures f) {
        AttestationVerifier v = AttestationVerifier.builder().atDocumentTime().build();
        v.verify(f.bytes(), DEBUG_OK);
        v.verify(f.bytes(), DEBUG_OK);
        assertEquals(1, v.fullPathValidations());
        assertEquals(0, v.pkixValidations(), "AWS's chain is within the verifier's own profile check (no JDK PKIX)");
        assertEquals(0, v.jcaVerifications(), "AWS's certificates are read on the profile path (no JCA)");
    }

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void theProfilePathGivesTheJcaPathsChainAndDescription(Fixtures f) throws Exception {
        VerifiedAttestation profile = ARCHIVE.verify(f.bytes(), DEBUG_OK);
        AttestationVerifier jcaOnly = AttestationVerifier.builder().atDocumentTime().profilePath(false).build();
        VerifiedAttestation jca = jcaOnly.verify(f.bytes(), DEBUG_OK);
        assertEquals(1, jcaOnly.jcaVerifications());
        List<ProfileCertificate> read = profile.profileChain();
        assertEquals(5, read.size());
        assertEquals(null, jca.profileChain());
        assertEquals(jca.chain().size(), profile.chain().size());
        for (int i = 0; i < read.size(); i++) {
            java.security.cert.X509Certificate c = jca.chain().get(i);
            assertArrayEquals(c.getEncoded(), profile.chain().get(i).getEncoded());
            assertEquals(VerificationReport.rootInfo(c), VerificationReport.info("root", read.get(i)));
            assertEquals(c.getSubjectX500Principal().toString(), read.get(i).subject.toString());
            assertEquals(c.getIssuerX500Principal(), read.get(i).issuer);
        }
        assertSame(profile.chain(), profile.chain(), "the JCA chain is made once");
        assertEquals(profile.leaf(), jca.leaf());
    }

    @ParameterizedTest
    @EnumSource(Fixtures.class)
    void aRejectionReadsTheSameOnBothPaths(Fixtures f) {
        for (Instant at : new Instant[] {Instant.parse("2030-01-01T00:00:00Z"), f.timestamp.minusSeconds(86_400 * 400)}) {
            AttestationException profile = assertThrows(AttestationException.class,
                    () -> AttestationVerifier.builder().at(at).build().verify(f.bytes(), DEBUG_OK));
            AttestationException jca = assertThrows(AttestationException.class,
                    () -> AttestationVerifier.builder().at(at).profilePath(false).build().verify(f.bytes(), DEBUG_OK));
            assertEquals(jca.code(), profile.code());
            assertEquals(jca.getMessage(), profile.getMessage());
        }
    }

    @Test
    void debugFixtureIsRejectedWithoutAllowDebugMode() {
        assertEquals(Code.DEBUG_MODE, assertThrows(AttestationException.class,
                () -> ARCHIVE.verify(Fixtures.UID2_DEBUG.bytes(), ANY)).code());
    }

    @Test
    void productionFixtureMatchesItsPublishedPcrsAndNonce() {
        Expectations ex = Expectations.builder()
                .pcr(0, "f4d48b81a460c9916d1e685119074bf24660afd3e34fae9fca0a0d28d9d5599936332687e6f66fc890ac8cf150142d8b")
                .pcr(1, "bcdf05fefccaa8e55bf2c8d6dee9e79bbff31e34bf28a99aa19e6b29c37ee80b214a414b7607236edf26fcb78654e63f")
                .pcr(2, "d8f114da658de5481f8d9ec73907feb553560787522f705c92d7d96beed8e15e2aa611984e098c576832c292e8dc469a")
                .pcr(8, "8790eb3cce6c83d07e84b126dc61ca923333d6f66615c4a79157de48c5ab2418bdc60746ea7b7afbff03a1c6210201cb")
                .build();
        VerifiedAttestation v = ARCHIVE.verify(Fixtures.EVERVAULT.bytes(), ex);
        assertEquals(256, v.nonce().orElseThrow().length);
        assertEquals(Code.NONCE_MISMATCH, assertThrows(AttestationException.class, () -> ARCHIVE.verify(
                Fixtures.EVERVAULT.bytes(), Expectations.builder().anyImage().nonce(new byte[256]).build())).code());
    }

    @Test
    void highSFixtureBindsItsPublicKey() {
        byte[] key = java.util.HexFormat.of().parseHex("e8e62201dbe293b703c759f653107acbc2c911fa1d2e66f2c747bec95971a2af");
        ARCHIVE.verify(Fixtures.NAUTILUS_HIGH_S.bytes(), Expectations.builder().anyImage().publicKey(key).build());
        key[0] ^= 1;
        byte[] other = key;
        assertEquals(Code.PUBLIC_KEY_MISMATCH, assertThrows(AttestationException.class, () -> ARCHIVE.verify(
                Fixtures.NAUTILUS_HIGH_S.bytes(), Expectations.builder().anyImage().publicKey(other).build())).code());
    }

    @Test
    void isRejectedOneSecondAfterItsWindow() {
        AttestationVerifier late = AttestationVerifier.builder().at(Instant.parse("2025-04-15T05:17:51Z")).build();
        assertEquals(Code.CERT_NOT_VALID_AT_TIME, assertThrows(AttestationException.class,
                () -> late.verify(Fixtures.NAUTILUS_HIGH_S.bytes(), ANY)).code());
        AttestationVerifier inside = AttestationVerifier.builder().at(Instant.parse("2025-04-15T05:17:49Z")).build();
        inside.verify(Fixtures.NAUTILUS_HIGH_S.bytes(), ANY);
    }

    @Test
    void aFlippedPayloadByteIsRejected() {
        byte[] d = Fixtures.MARLIN_HIGH_S.bytes();
        d[d.length - 200] ^= 0x01;
        AttestationException e = assertThrows(AttestationException.class, () -> ARCHIVE.verify(d, ANY));
        assertTrue(e.code() == Code.SIGNATURE_INVALID || e.code() == Code.MALFORMED_CBOR
                || e.code() == Code.SCHEMA_VIOLATION, e.getMessage());
    }

    @Test
    void truncationAndAppendedBytesAreMalformed() {
        byte[] d = Fixtures.EVERVAULT.bytes();
        assertEquals(Code.MALFORMED_CBOR, assertThrows(AttestationException.class,
                () -> ARCHIVE.verify(Arrays.copyOf(d, d.length - 1), ANY)).code());
        assertEquals(Code.MALFORMED_CBOR, assertThrows(AttestationException.class,
                () -> ARCHIVE.verify(Arrays.copyOf(d, d.length + 1), ANY)).code());
    }

    @Test
    void aSelfMadeLeafWithTheGenuineAwsBundleIsRejected() {
        // The UID2 gap (docs/spec/attestation-document.md §10.2): keep AWS's cabundle, put in an own leaf and sign
        // with its key.
        byte[] original = Fixtures.NAUTILUS_HIGH_S.bytes();
        Instant ts = Fixtures.NAUTILUS_HIGH_S.timestamp;
        SimulatedNitroPki attacker = SimulatedNitroPki.create(ts.minusSeconds(60), 9);
        CborValue.MapValue payload = (CborValue.MapValue) CborReader.decode(CoseSign1.parse(original).payload());
        Map<CborValue, CborValue> forged = new LinkedHashMap<>(payload.entries());
        forged.put(CborValue.text("certificate"), CborValue.bytes(AttestationVerifierTest.der(attacker.leaf())));
        byte[] doc = CoseSign1.signEs384(CborWriter.encode(new CborValue.MapValue(forged)), attacker.leafKey());
        assertEquals(Code.CHAIN_INVALID, assertThrows(AttestationException.class, () -> ARCHIVE.verify(doc, ANY)).code());
    }

    @Test
    void unverifiedDocumentReadsFieldsWithoutTrustingThem() {
        UnverifiedDocument d = UnverifiedDocument.parse(Fixtures.UID2_DEBUG.bytes());
        assertEquals("i-0fd25f30661854f2b-enc01790c5d9eab829d", d.moduleId());
        assertTrue(d.isDebugMode());
        assertEquals(-35, d.algorithm());
        assertEquals(4, d.cabundle().size());
    }
}

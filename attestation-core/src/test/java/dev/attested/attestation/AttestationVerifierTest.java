package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.AttestationException.Code;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.pcr.Pcr;
import dev.attested.testkit.SimulatedAttestationDocument;
import dev.attested.testkit.SimulatedNitroPki;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every rule of docs/spec/attestation-document.md §9 with documents from the simulated Nitro PKI. */
class AttestationVerifierTest {
    static final Instant START = Instant.parse("2025-06-01T00:00:00Z");
    static final SimulatedNitroPki PKI = SimulatedNitroPki.create(START, 1);
    /** Documents default to START + 60 s; "now" is 30 s later. */
    static final Instant NOW = START.plusSeconds(90);

    static AttestationVerifier verifierAt(Instant now) {
        return AttestationVerifier.builder().trustAnchor(PKI.root()).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
    }

    static final AttestationVerifier VERIFIER = verifierAt(NOW);
    /** Most rules here are about the document, not the image: they accept any image explicitly. */
    static final Expectations ANY = Expectations.builder().anyImage().build();

    static SimulatedAttestationDocument.Builder doc() {
        return PKI.documentBuilder();
    }

    static AttestationException rejected(byte[] document) {
        return rejected(VERIFIER, document, ANY);
    }

    static AttestationException rejected(AttestationVerifier verifier, byte[] document, Expectations ex) {
        AttestationException e = assertThrows(AttestationException.class, () -> verifier.verify(document, ex));
        assertTrue(e.getMessage().contains("expected") && e.getMessage().contains("found"),
                "message says expected and found: " + e.getMessage());
        return e;
    }

    static byte[] signedPayload(byte[] payload) {
        return CoseSign1.signEs384(payload, PKI.leafKey());
    }

    // ---- accepted documents ----------------------------------------------------------------------------------

    @Test
    void acceptsAFreshDocumentAndReturnsItsFields() {
        byte[] nonce = {1, 2, 3};
        VerifiedAttestation v = VERIFIER.verify(doc().nonce(nonce).sign(), Expectations.builder().anyImage().nonce(nonce).build());
        assertEquals(PKI.moduleId(), v.moduleId());
        assertEquals(START.plusSeconds(60), v.timestamp());
        assertEquals(Pcr.ofParentInstanceId(PKI.instanceId()), v.pcr(4).orElseThrow());
        assertArrayEquals(nonce, v.nonce().orElseThrow());
        assertTrue(v.publicKey().isEmpty());
        assertEquals(5, v.chain().size());
        assertEquals(PKI.root(), v.chain().get(4));
        assertEquals(NOW, v.verifiedAt());
    }

    @Test
    void acceptsTag18() {
        VERIFIER.verify(doc().tagged(true).sign(), ANY);
    }

    @Test
    void acceptsIndefiniteLengthPayloadAndUnprotectedMaps() {
        VERIFIER.verify(doc().indefinitePayloadMap(true).indefiniteUnprotectedMap(true).sign(), ANY);
    }

    @Test
    void acceptsEmptyUserDataAndNonce() {
        VerifiedAttestation v = VERIFIER.verify(doc().userData(new byte[0]).nonce(new byte[0]).sign(),
                Expectations.builder().anyImage().userData(new byte[0]).build());
        assertEquals(0, v.userData().orElseThrow().length);
    }

    @Test
    void acceptsOptionalFieldsUpTo1024BytesNotJust512() {
        byte[] big = new byte[1024];
        Arrays.fill(big, (byte) 7);
        VERIFIER.verify(doc().nonce(new byte[513]).userData(big).publicKey(big).sign(), ANY);
    }

    @Test
    void treatsAbsentOptionalFieldsLikeNull() {
        VerifiedAttestation v = VERIFIER.verify(doc().omit("public_key").omit("user_data").omit("nonce").sign(), ANY);
        assertTrue(v.nonce().isEmpty() && v.userData().isEmpty() && v.publicKey().isEmpty());
    }

    @Test
    void treatsAnEmptyPublicKeyAsNoKey() {
        assertTrue(VERIFIER.verify(doc().publicKey(new byte[0]).sign(), ANY).publicKey().isEmpty());
    }

    @Test
    void acceptsSeventeenPcrsWhenTheEnclaveLockedPcr16() {
        Pcr p16 = Pcr.ofContent(new byte[] {16});
        VerifiedAttestation v = VERIFIER.verify(doc().pcr(16, p16).sign(), Expectations.builder().pcr(16, p16).build());
        assertEquals(17, v.pcrs().size());
    }

    @Test
    void ignoresUnknownPayloadKeys() {
        VERIFIER.verify(doc().field("future_field", CborWriter.encode(CborValue.text("x"))).sign(), ANY);
    }

    @Test
    void acceptsDocumentsWithinTheClockSkewAhead() {
        verifierAt(START.plusSeconds(45)).verify(doc().timestamp(START.plusSeconds(60)).sign(), ANY);
    }

    // ---- MALFORMED_CBOR ---------------------------------------------------------------------------------------

    @Test
    void rejectsTruncatedDocumentAsMalformedCbor() {
        byte[] d = doc().sign();
        assertEquals(Code.MALFORMED_CBOR, rejected(Arrays.copyOf(d, d.length - 1)).code());
    }

    @Test
    void rejectsTrailingBytesAsMalformedCbor() {
        byte[] d = doc().sign();
        assertEquals(Code.MALFORMED_CBOR, rejected(Arrays.copyOf(d, d.length + 1)).code());
    }

    @Test
    void rejectsDuplicatePayloadKeysAsMalformedCbor() {
        byte[] payload = doc().payload();
        // the definite map head a9 becomes aa and a second "digest" entry is appended
        byte[] dup = Arrays.copyOf(payload, payload.length + 14);
        dup[0] = (byte) 0xaa;
        byte[] extra = new CborWriter().text("digest").text("SHA384").toByteArray();
        System.arraycopy(extra, 0, dup, payload.length, extra.length);
        assertEquals(Code.MALFORMED_CBOR, rejected(signedPayload(dup)).code());
    }

    @Test
    void rejectsAnInflatedLengthHeaderAsMalformedCbor() {
        byte[] d = doc().sign();
        d[7] = (byte) 0x5a; // payload bstr head 59 LLLL becomes a 4-byte length beyond the input
        assertEquals(Code.MALFORMED_CBOR, rejected(d).code());
    }

    // ---- MALFORMED_COSE / UNSUPPORTED_ALGORITHM ------------------------------------------------------------

    @Test
    void rejectsAnArrayOfThreeAsMalformedCose() {
        byte[] d = new CborWriter().startArray(3).bytes(new byte[] {(byte) 0xa1, 1, 0x38, 0x22}).startMap(0)
                .bytes(doc().payload()).toByteArray();
        assertEquals(Code.MALFORMED_COSE, rejected(d).code());
    }

    @Test
    void rejectsA64ByteSignatureAsMalformedCose() {
        byte[] d = new CborWriter().startArray(4).bytes(new byte[] {(byte) 0xa1, 1, 0x38, 0x22}).startMap(0)
                .bytes(doc().payload()).bytes(new byte[64]).toByteArray();
        assertEquals(Code.MALFORMED_COSE, rejected(d).code());
    }

    @Test
    void rejectsANonEmptyUnprotectedHeaderAsMalformedCose() {
        CoseSign1 signed = CoseSign1.parse(doc().sign());
        byte[] d = new CborWriter().startArray(4).bytes(signed.protectedHeader()).startMap(1).integer(4).bytes(new byte[1])
                .bytes(signed.payload()).bytes(signed.signature()).toByteArray();
        assertEquals(Code.MALFORMED_COSE, rejected(d).code());
    }

    @Test
    void rejectsAnotherAlgorithmAsUnsupported() {
        byte[] es512 = new CborWriter().startMap(1).integer(1).integer(-36).toByteArray();
        assertEquals(Code.UNSUPPORTED_ALGORITHM, rejected(doc().protectedHeader(es512).sign()).code());
    }

    // ---- SCHEMA_VIOLATION --------------------------------------------------------------------------------------

    @Test
    void rejectsAnotherDigestAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().digest("SHA256").sign()).code());
    }

    @Test
    void rejectsAMissingMandatoryFieldAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().omit("module_id").sign()).code());
    }

    @Test
    void rejectsAPcrOfWrongLengthAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().pcr(3, new byte[32]).sign()).code());
    }

    @Test
    void rejectsAPcrIndexAbove31AsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().pcr(32, new byte[48]).sign()).code());
    }

    @Test
    void rejectsOptionalFieldsAbove1024BytesAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().nonce(new byte[1025]).sign()).code());
    }

    @Test
    void rejectsAZeroTimestampAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().timestampMillis(0).sign()).code());
    }

    @Test
    void rejectsAnEmptyCabundleAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().cabundle(List.of()).sign()).code());
    }

    @Test
    void rejectsATextTimestampAsSchemaViolation() {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(doc().field("timestamp", CborWriter.encode(CborValue.text("now"))).sign()).code());
    }

    // ---- unsigned integers: PCR indices and timestamps are compared as the unsigned values they are -------------

    static final Pcr PCR0 = Pcr.ofContent("simulated enclave image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    static final Expectations EXPECT_PCR0 = Expectations.builder().pcrs("the simulated release", Map.of(0, PCR0)).build();

    /** The default document's PCRs 1..15 (PCR0 left out), for documents that place their own PCR0 candidate. */
    static Map<CborValue, CborValue> pcrsWithoutPcr0() {
        Map<CborValue, CborValue> pcrs = new LinkedHashMap<>();
        UnverifiedDocument.parse(doc().sign()).pcrs().forEach((k, v) -> {
            if (k != 0) {
                pcrs.put(CborValue.integer(k), CborValue.bytes(v.toByteArray()));
            }
        });
        return pcrs;
    }

    static byte[] signedWithPcrs(Map<CborValue, CborValue> pcrs) {
        return doc().field("pcrs", CborWriter.encode(new CborValue.MapValue(pcrs))).sign();
    }

    static void assertSchemaViolationEverywhere(byte[] document, Expectations ex) {
        assertEquals(Code.SCHEMA_VIOLATION, rejected(VERIFIER, document, ex).code());
        assertEquals(Code.SCHEMA_VIOLATION, assertThrows(AttestationException.class, () -> UnverifiedDocument.parse(document)).code());
    }

    @Test
    void aPcrIndexOf2To63CannotPoseAsPcr0() {
        // No key 0: a reader that narrows with (int) reads key 2^63 as PCR0 holding the expected value.
        Map<CborValue, CborValue> pcrs = new LinkedHashMap<>();
        pcrs.put(new CborValue.UnsignedInt(Long.MIN_VALUE), CborValue.bytes(PCR0.toByteArray()));
        pcrs.putAll(pcrsWithoutPcr0());
        assertSchemaViolationEverywhere(signedWithPcrs(pcrs), EXPECT_PCR0);
    }

    @Test
    void aPcrIndexOf2To63CannotOverwriteTheRealPcr0() {
        // The real PCR0 is another image's; key 2^63, read after it, would overwrite it with the expected value.
        Map<CborValue, CborValue> pcrs = new LinkedHashMap<>();
        pcrs.put(CborValue.integer(0), CborValue.bytes(Pcr.ofContent(new byte[] {66}).toByteArray()));
        pcrs.putAll(pcrsWithoutPcr0());
        pcrs.put(new CborValue.UnsignedInt(Long.MIN_VALUE), CborValue.bytes(PCR0.toByteArray()));
        byte[] d = signedWithPcrs(pcrs);
        assertSchemaViolationEverywhere(d, EXPECT_PCR0);
        assertTrue(rejected(VERIFIER, d, EXPECT_PCR0).getMessage().contains("found 9223372036854775808"));
    }

    @Test
    void aPcrIndexOf2To64Minus1IsASchemaViolation() {
        Map<CborValue, CborValue> pcrs = pcrsWithoutPcr0();
        pcrs.put(new CborValue.UnsignedInt(-1L), CborValue.bytes(PCR0.toByteArray()));
        byte[] d = signedWithPcrs(pcrs);
        assertSchemaViolationEverywhere(d, EXPECT_PCR0);
        assertTrue(rejected(VERIFIER, d, EXPECT_PCR0).getMessage().contains("found 18446744073709551615"));
    }

    @Test
    void aNegativePcrIndexIsASchemaViolation() {
        Map<CborValue, CborValue> pcrs = pcrsWithoutPcr0();
        pcrs.put(CborValue.integer(-1), CborValue.bytes(PCR0.toByteArray()));
        assertSchemaViolationEverywhere(signedWithPcrs(pcrs), EXPECT_PCR0);
    }

    @Test
    void pcrIndex32IsASchemaViolationAnd31IsAccepted() {
        Map<CborValue, CborValue> pcrs = pcrsWithoutPcr0();
        pcrs.put(CborValue.integer(0), CborValue.bytes(PCR0.toByteArray()));
        pcrs.put(CborValue.integer(32), CborValue.bytes(new byte[Pcr.LENGTH]));
        assertSchemaViolationEverywhere(signedWithPcrs(pcrs), EXPECT_PCR0);
        pcrs.remove(CborValue.integer(32));
        pcrs.put(CborValue.integer(31), CborValue.bytes(new byte[Pcr.LENGTH]));
        assertEquals(Pcr.zero(), VERIFIER.verify(signedWithPcrs(pcrs), EXPECT_PCR0).pcr(31).orElseThrow());
    }

    /** A signed payload whose pcrs map is given as raw CBOR (maps with repeated keys cannot be built as values). */
    static byte[] signedWithRawPcrs(byte[] pcrsMap) {
        List<byte[]> bundle = doc().cabundleDer();
        CborWriter w = new CborWriter().startMap(9).text("module_id").text(PKI.moduleId()).text("digest").text("SHA384")
                .text("timestamp").uint(START.plusSeconds(60).toEpochMilli()).text("pcrs").raw(pcrsMap)
                .text("certificate").bytes(der(PKI.leaf())).text("cabundle").startArray(bundle.size());
        bundle.forEach(w::bytes);
        w.text("public_key").nul().text("user_data").nul().text("nonce").nul();
        return signedPayload(w.toByteArray());
    }

    @Test
    void aPcrIndexGivenTwiceIsMalformedCbor() {
        byte[] pcr0 = new CborWriter().bytes(PCR0.toByteArray()).toByteArray();
        byte[] other = new CborWriter().bytes(Pcr.ofContent(new byte[] {66}).toByteArray()).toByteArray();
        CborWriter once = new CborWriter().startMap(1).integer(0);
        assertEquals(PCR0, VERIFIER.verify(signedWithRawPcrs(once.raw(pcr0).toByteArray()), EXPECT_PCR0).pcr(0).orElseThrow(),
                "the raw payload is a valid document when each index occurs once");
        byte[] twice = new CborWriter().startMap(2).integer(0).raw(other).integer(0).raw(pcr0).toByteArray();
        assertEquals(Code.MALFORMED_CBOR, rejected(VERIFIER, signedWithRawPcrs(twice), EXPECT_PCR0).code());
        // the same index once in shortest form (00) and once as 18 00
        byte[] nonShortest = new CborWriter().startMap(2).integer(0).raw(other).raw(new byte[] {0x18, 0x00}).raw(pcr0)
                .toByteArray();
        assertEquals(Code.MALFORMED_CBOR, rejected(VERIFIER, signedWithRawPcrs(nonShortest), EXPECT_PCR0).code());
    }

    @Test
    void aTimestampFrom2To63OnIsASchemaViolation() {
        for (long bits : new long[] {Long.MIN_VALUE, -1L}) {
            byte[] d = doc().field("timestamp", CborWriter.encode(new CborValue.UnsignedInt(bits))).sign();
            assertSchemaViolationEverywhere(d, ANY);
        }
    }

    // ---- UNTRUSTED_ROOT ----------------------------------------------------------------------------------------

    @Test
    void rejectsADocumentFromAnotherPkiAsUntrustedRoot() {
        SimulatedNitroPki other = SimulatedNitroPki.create(START, 2);
        assertEquals(Code.UNTRUSTED_ROOT, rejected(other.documentBuilder().sign()).code());
    }

    @Test
    void rejectsAGenuineChainBelowAnotherRootCopyAsUntrustedRoot() {
        SimulatedNitroPki other = SimulatedNitroPki.create(START, 2);
        List<byte[]> bundle = new ArrayList<>(doc().cabundleDer());
        bundle.set(0, der(other.root()));
        assertEquals(Code.UNTRUSTED_ROOT, rejected(doc().cabundle(bundle).sign()).code());
    }

    @Test
    void rejectsTheRealAwsDefaultRootForSimulatedDocuments() {
        AttestationVerifier aws = AttestationVerifier.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        assertEquals(Code.UNTRUSTED_ROOT, rejected(aws, doc().sign(), ANY).code());
    }

    // ---- CHAIN_INVALID -----------------------------------------------------------------------------------------

    @Test
    void rejectsASelfMadeLeafWithTheGenuineBundleAsChainInvalid() {
        SimulatedNitroPki attacker = SimulatedNitroPki.create(START, 3);
        byte[] d = doc().certificate(der(attacker.leaf())).signingKey(attacker.leafKey()).sign();
        assertEquals(Code.CHAIN_INVALID, rejected(d).code());
    }

    @Test
    void rejectsASelfMadeLeafEvenWhenTheGenuineChainIsCached() {
        VERIFIER.verify(doc().sign(), ANY);
        SimulatedNitroPki attacker = SimulatedNitroPki.create(START, 3);
        byte[] d = doc().certificate(der(attacker.leaf())).signingKey(attacker.leafKey()).sign();
        assertEquals(Code.CHAIN_INVALID, rejected(d).code());
    }

    @Test
    void rejectsALeafWithoutDigitalSignatureAsChainInvalid() {
        SimulatedNitroPki pki = SimulatedNitroPki.builder().notBefore(START).seed(1)
                .leafKeyUsage(org.bouncycastle.asn1.x509.KeyUsage.nonRepudiation).build();
        assertEquals(Code.CHAIN_INVALID, rejected(pki.documentBuilder().sign()).code());
    }

    @Test
    void rejectsACaLeafAsChainInvalid() {
        SimulatedNitroPki pki = SimulatedNitroPki.builder().notBefore(START).seed(1).leafIsCa(true).build();
        assertEquals(Code.CHAIN_INVALID, rejected(pki.documentBuilder().sign()).code());
    }

    @Test
    void rejectsAnInstanceCaWithoutKeyCertSignAsChainInvalid() {
        SimulatedNitroPki pki = SimulatedNitroPki.builder().notBefore(START).seed(1)
                .instanceCaKeyUsage(org.bouncycastle.asn1.x509.KeyUsage.digitalSignature).build();
        assertEquals(Code.CHAIN_INVALID, rejected(pki.documentBuilder().sign()).code());
    }

    @Test
    void rejectsAReorderedBundleAsChainInvalid() {
        List<byte[]> bundle = new ArrayList<>(doc().cabundleDer());
        byte[] zonal = bundle.get(2);
        bundle.set(2, bundle.get(1));
        bundle.set(1, zonal);
        assertEquals(Code.CHAIN_INVALID, rejected(doc().cabundle(bundle).sign()).code());
    }

    @Test
    void rejectsAMissingIntermediateAsChainInvalid() {
        List<byte[]> bundle = new ArrayList<>(doc().cabundleDer());
        bundle.remove(2);
        assertEquals(Code.CHAIN_INVALID, rejected(doc().cabundle(bundle).sign()).code());
    }

    @Test
    void rejectsALeafThatIsNotACertificateAsChainInvalid() {
        assertEquals(Code.CHAIN_INVALID, rejected(doc().certificate(new byte[64]).sign()).code());
    }

    // ---- CERT_NOT_VALID_AT_TIME --------------------------------------------------------------------------------

    @Test
    void rejectsAtAnInstantAfterTheLeafExpiredAsCertNotValidAtTime() {
        AttestationVerifier v = AttestationVerifier.builder().trustAnchor(PKI.root())
                .at(PKI.leafNotAfter().plusSeconds(1)).build();
        assertEquals(Code.CERT_NOT_VALID_AT_TIME, rejected(v, doc().sign(), ANY).code());
    }

    @Test
    void rejectsAtAnInstantBeforeTheChainStartedAsCertNotValidAtTime() {
        AttestationVerifier v = AttestationVerifier.builder().trustAnchor(PKI.root()).at(START.minusSeconds(1)).build();
        assertEquals(Code.CERT_NOT_VALID_AT_TIME, rejected(v, doc().sign(), ANY).code());
    }

    @Test
    void rejectsATimestampOutsideTheLeafWindowAsCertNotValidAtTime() {
        AttestationVerifier v = AttestationVerifier.builder().trustAnchor(PKI.root()).at(NOW).build();
        assertEquals(Code.CERT_NOT_VALID_AT_TIME,
                rejected(v, doc().timestamp(START.minusSeconds(5)).sign(), ANY).code());
    }

    @Test
    void checksValidityForEveryDocumentEvenWhenTheChainIsCached() {
        MutableClock clock = new MutableClock(NOW);
        AttestationVerifier v = AttestationVerifier.builder().trustAnchor(PKI.root()).clock(clock)
                .maxAge(Duration.ofDays(1)).build();
        v.verify(doc().sign(), ANY);
        clock.now = PKI.leafNotAfter().plusSeconds(1);
        assertEquals(Code.CERT_NOT_VALID_AT_TIME,
                rejected(v, doc().timestamp(PKI.leafNotAfter().minusSeconds(1)).sign(), ANY).code());
    }

    @Test
    void validatesAnInstanceChainOnceAndThenOnlyTheLeafAndDocument() {
        AttestationVerifier v = verifierAt(NOW);
        for (int i = 0; i < 10; i++) {
            v.verify(doc().nonce(new byte[] {(byte) i}).sign(), ANY);
        }
        assertEquals(1, v.fullPathValidations());
        SimulatedNitroPki otherInstance = SimulatedNitroPki.builder().notBefore(START).seed(1).instanceId("i-0123456789abcdef0").build();
        assertArrayEquals(der(PKI.root()), der(otherInstance.root()), "same root, another instance CA");
        v.verify(otherInstance.documentBuilder().sign(), ANY);
        assertEquals(2, v.fullPathValidations());
    }

    @Test
    void aRotatedLeafUnderACachedChainIsVerifiedWithoutRevalidatingTheChain() {
        AttestationVerifier v = verifierAt(NOW);
        v.verify(doc().sign(), ANY);
        java.security.KeyPair next = PKI.keyPair("rotated-leaf");
        X509Certificate rotated = PKI.issueLeaf(next.getPublic(), START, Duration.ofHours(3));
        v.verify(doc().certificate(der(rotated)).signingKey(next.getPrivate()).sign(), ANY);
        assertEquals(1, v.fullPathValidations());
    }

    @Test
    void oneVerifierServesConcurrentThreads() throws Exception {
        AttestationVerifier v = verifierAt(NOW);
        List<byte[]> docs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            docs.add(doc().nonce(new byte[] {(byte) i}).sign());
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<VerifiedAttestation>> results = new ArrayList<>();
            for (int i = 0; i < docs.size(); i++) {
                byte[] d = docs.get(i);
                byte[] n = {(byte) i};
                results.add(pool.submit(() -> v.verify(d, Expectations.builder().anyImage().nonce(n).build())));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(new byte[] {(byte) i}, results.get(i).get().nonce().orElseThrow());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void verifiesArchivedDocumentsAtTheirOwnTimestamp() {
        AttestationVerifier v = AttestationVerifier.builder().trustAnchor(PKI.root()).atDocumentTime().build();
        VerifiedAttestation att = v.verify(doc().timestamp(START.plus(Duration.ofHours(2))).sign(), ANY);
        assertEquals(START.plus(Duration.ofHours(2)), att.verifiedAt());
        assertEquals(VerifiedAttestation.TimeMode.DOCUMENT_TIMESTAMP, att.timeMode());
    }

    // ---- SIGNATURE_INVALID -------------------------------------------------------------------------------------

    @Test
    void rejectsAFlippedNonceBitAsSignatureInvalid() {
        byte[] d = doc().nonce(new byte[] {1, 2, 3, 4}).sign();
        d[d.length - 2 - 96 - 1] ^= 1; // last nonce byte, just before the signature's 58 60 head
        assertEquals(Code.SIGNATURE_INVALID, rejected(d).code());
    }

    @Test
    void rejectsADocumentSignedByAnotherKeyAsSignatureInvalid() {
        assertEquals(Code.SIGNATURE_INVALID, rejected(doc().signingKey(PKI.instanceCaKey()).sign()).code());
    }

    // ---- freshness ---------------------------------------------------------------------------------------------

    @Test
    void rejectsADocumentOlderThanMaxAgeAsDocumentTooOld() {
        assertEquals(Code.DOCUMENT_TOO_OLD, rejected(verifierAt(START.plusSeconds(60 + 301)), doc().sign(),
                ANY).code());
    }

    @Test
    void rejectsADocumentFromTheFutureBeyondTheSkew() {
        assertEquals(Code.DOCUMENT_FROM_FUTURE, rejected(verifierAt(START.plusSeconds(300)),
                doc().timestamp(START.plusSeconds(600)).sign(), ANY).code());
    }

    // ---- debug mode --------------------------------------------------------------------------------------------

    @Test
    void rejectsDebugModeByDefault() {
        assertEquals(Code.DEBUG_MODE, rejected(doc().debugMode().sign()).code());
    }

    @Test
    void rejectsDebugModeEvenWhenExpectedPcrsAreZero() {
        Expectations zeroes = Expectations.builder().pcr(0, Pcr.zero()).pcr(1, Pcr.zero()).pcr(2, Pcr.zero()).build();
        assertEquals(Code.DEBUG_MODE, rejected(VERIFIER, doc().debugMode().sign(), zeroes).code());
    }

    @Test
    void acceptsDebugModeOnlyWhenAllowed() {
        assertTrue(VERIFIER.verify(doc().debugMode().sign(), Expectations.builder().anyImage().allowDebugMode().build()).isDebugMode());
    }

    // ---- expectations ------------------------------------------------------------------------------------------

    @Test
    void rejectsAnotherPcr0AsPcrMismatchSayingExpectedAndFound() {
        Pcr wrong = Pcr.ofContent(new byte[] {42});
        AttestationException e = rejected(VERIFIER, doc().sign(), Expectations.builder().pcr(0, wrong).build());
        assertEquals(Code.PCR_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("PCR0 expected " + wrong.hex()), e.getMessage());
    }

    @Test
    void rejectsAnExpectedPcrAbsentFromTheDocument() {
        assertEquals(Code.PCR_MISMATCH, rejected(VERIFIER, doc().sign(),
                Expectations.builder().pcr(20, Pcr.zero()).build()).code());
    }

    @Test
    void acceptsWhenAnyOfSeveralPcrSetsMatches() {
        Pcr pcr0 = Pcr.ofContent("simulated enclave image".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Expectations ex = Expectations.builder().pcrs(Map.of(0, Pcr.ofContent(new byte[] {1}))).pcrs(Map.of(0, pcr0,
                4, Pcr.ofParentInstanceId(PKI.instanceId()))).build();
        VERIFIER.verify(doc().sign(), ex);
        Expectations none = Expectations.builder().pcrs(Map.of(0, Pcr.ofContent(new byte[] {1})))
                .pcrs(Map.of(0, Pcr.ofContent(new byte[] {2}))).build();
        assertEquals(Code.PCR_MISMATCH, rejected(VERIFIER, doc().sign(), none).code());
    }

    @Test
    void rejectsAnotherNonceAsNonceMismatch() {
        assertEquals(Code.NONCE_MISMATCH, rejected(VERIFIER, doc().nonce(new byte[] {1}).sign(),
                Expectations.builder().anyImage().nonce(new byte[] {2}).build()).code());
    }

    @Test
    void rejectsAMissingNonceAsNonceMismatch() {
        assertEquals(Code.NONCE_MISMATCH, rejected(VERIFIER, doc().sign(),
                Expectations.builder().anyImage().nonce(new byte[] {2}).build()).code());
    }

    @Test
    void rejectsOtherUserDataAsUserDataMismatch() {
        assertEquals(Code.USER_DATA_MISMATCH, rejected(VERIFIER, doc().userData(new byte[] {1}).sign(),
                Expectations.builder().anyImage().userData(new byte[0]).build()).code());
    }

    @Test
    void rejectsAnotherPublicKeyAsPublicKeyMismatch() {
        assertEquals(Code.PUBLIC_KEY_MISMATCH, rejected(VERIFIER, doc().publicKey(new byte[] {1}).sign(),
                Expectations.builder().anyImage().publicKey(new byte[] {2}).build()).code());
    }

    // ---- expectations name the image ------------------------------------------------------------------------

    @Test
    void expectationsWithoutAnImageOrAnyImageCannotBeBuilt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Expectations.builder().build());
        assertTrue(e.getMessage().contains("anyImage()"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Expectations.builder().nonce(new byte[] {1}).build());
        assertThrows(IllegalStateException.class, () -> Expectations.builder().pcrs("r", Map.of(0, PCR0)).anyImage().build());
        assertThrows(IllegalArgumentException.class,
                () -> Expectations.builder().pcrs("r", Map.of(0, PCR0)).pcrs("r", Map.of(0, Pcr.zero())));
    }

    @Test
    void theResultNamesTheReleaseItMatched() {
        Pcr instance = Pcr.ofParentInstanceId(PKI.instanceId());
        Expectations ex = Expectations.builder().pcrs("release 1.0", Map.of(0, Pcr.ofContent(new byte[] {1})))
                .pcrs("release 1.1", Map.of(0, PCR0, 4, instance)).build();
        VerifiedAttestation v = VERIFIER.verify(doc().sign(), ex);
        assertTrue(v.imageChecked());
        assertEquals("release 1.1", v.matchedRelease().orElseThrow());
        assertEquals(Map.of(0, PCR0, 4, instance), v.matchedPcrs());
    }

    @Test
    void whenTwoReleasesMatchTheFirstGivenIsNamed() {
        Expectations ex = Expectations.builder().pcrs("release 1.0", Map.of(0, PCR0))
                .pcrs("release 1.1", Map.of(0, PCR0, 4, Pcr.ofParentInstanceId(PKI.instanceId()))).build();
        assertEquals("release 1.0", VERIFIER.verify(doc().sign(), ex).matchedRelease().orElseThrow());
    }

    @Test
    void unlabelledSetsAreNumbered() {
        VerifiedAttestation v = VERIFIER.verify(doc().sign(), Expectations.builder().pcr(0, PCR0).build());
        assertEquals("PCR set 1", v.matchedRelease().orElseThrow());
    }

    @Test
    void anyImageSaysTheImageWasNotChecked() {
        VerifiedAttestation v = VERIFIER.verify(doc().pcr(0, Pcr.ofContent(new byte[] {9})).sign(), ANY);
        assertFalse(v.imageChecked());
        assertTrue(v.matchedRelease().isEmpty());
        assertTrue(v.matchedPcrs().isEmpty());
    }

    @Test
    void aPcrMismatchNamesEveryAcceptedRelease() {
        Expectations ex = Expectations.builder().pcrs("release 1.0", Map.of(0, Pcr.ofContent(new byte[] {1})))
                .pcrs("release 1.1", Map.of(0, Pcr.ofContent(new byte[] {2}))).build();
        AttestationException e = rejected(VERIFIER, doc().sign(), ex);
        assertEquals(Code.PCR_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("release 1.0: PCR0 expected") && e.getMessage().contains("release 1.1: PCR0 expected"),
                e.getMessage());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

package dev.attested.nsm;

import dev.attested.testkit.NsmSimulator;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.internal.cose.Es384;
import dev.attested.pcr.Pcr;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** PCR bank, lock rules, documents and raw protocol of the simulator (docs/spec/nsm-protocol.md §4–§7). */
class NsmSimulatorTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Pcr PCR0 = Pcr.ofContent("image".getBytes());

    private static NsmSimulator simulator() {
        return NsmSimulator.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).pcr(0, PCR0)
                .parentInstanceId("i-084e1dd2f1b2c529b")
                .parentRoleArn("arn:aws:iam::111122223333:role/data-processing").build();
    }

    @Test
    void pcr0To15AreLockedAtBootAndCarryTheirBootValues() {
        NsmSimulator nsm = simulator();
        NsmResponse.DescribePcr pcr0 = nsm.describePcr(0);
        assertTrue(pcr0.lock());
        assertArrayEquals(PCR0.toByteArray(), pcr0.data());
        assertEquals(new TreeSet<>(IntStream.range(0, 16).boxed().collect(Collectors.toSet())), nsm.describeNsm().lockedPcrs());
    }

    @Test
    void pcr3AndPcr4ComeFromTheParentRoleAndInstance() {
        NsmSimulator nsm = simulator();
        assertEquals("10ce0a75872514140de1652b913f105a3ed5e7e1fe4125d45e72023a916825c3a307ea463d909f83ac2c05a7015e2ed5",
                HEX.formatHex(nsm.describePcr(3).data()));
        assertEquals("4b41d8e9ba3411505c1604762a2e91ba72c2c11d954f4a640bf4402bd195dd432804ffa0ceed1b6c39233d13b1e2e595",
                HEX.formatHex(nsm.describePcr(4).data()));
        assertTrue(nsm.describeNsm().moduleId().startsWith("i-084e1dd2f1b2c529b-enc"));
    }

    @Test
    void extendPcr16MatchesTheSpecVector() {
        Pcr value = simulator().extendPcr(16, new byte[] {1, 2, 3});
        assertEquals("cb178fcd3f328244c05c6248723fd068b3a1dda878e1ab8be911098f199958add55d0c27f04826d27b44d949a650694e",
                value.hex());
    }

    @Test
    void extendOfABootLockedPcrFailsWithReadOnlyIndex() {
        NsmException e = assertThrows(NsmException.class, () -> simulator().extendPcr(0, new byte[] {1}));
        assertEquals(NsmException.Code.DEVICE_ERROR, e.code());
        assertEquals(NsmErrorCode.READ_ONLY_INDEX, e.deviceError());
    }

    @Test
    void lockPcrMakesAnExtendedPcrReadOnly() {
        NsmSimulator nsm = simulator();
        Pcr extended = nsm.extendPcr(16, new byte[] {1});
        nsm.lockPcr(16);
        assertTrue(nsm.describePcr(16).lock());
        assertEquals(NsmErrorCode.READ_ONLY_INDEX,
                assertThrows(NsmException.class, () -> nsm.extendPcr(16, new byte[] {2})).deviceError());
        assertArrayEquals(extended.toByteArray(), nsm.describePcr(16).data());
    }

    @Test
    void lockPcrOfAnAlreadyLockedPcrFails() {
        assertEquals(NsmErrorCode.READ_ONLY_INDEX,
                assertThrows(NsmException.class, () -> simulator().lockPcr(5)).deviceError());
    }

    @Test
    void lockPcrsOfAllThirtyTwoSucceedsAndLocksEverything() {
        NsmSimulator nsm = simulator();
        nsm.lockPcrs(32);
        assertEquals(32, nsm.describeNsm().lockedPcrs().size());
        assertEquals(NsmErrorCode.READ_ONLY_INDEX,
                assertThrows(NsmException.class, () -> nsm.extendPcr(31, new byte[] {1})).deviceError());
    }

    @Test
    void lockPcrsBeyondThirtyTwoFailsWithInvalidIndex() {
        assertEquals(NsmErrorCode.INVALID_INDEX,
                assertThrows(NsmException.class, () -> simulator().lockPcrs(33)).deviceError());
    }

    @Test
    void indicesFrom32FailWithInvalidIndex() {
        NsmSimulator nsm = simulator();
        assertEquals(NsmErrorCode.INVALID_INDEX, assertThrows(NsmException.class, () -> nsm.describePcr(32)).deviceError());
        assertEquals(NsmErrorCode.INVALID_INDEX,
                assertThrows(NsmException.class, () -> nsm.extendPcr(32, new byte[] {1})).deviceError());
        assertEquals(NsmErrorCode.INVALID_INDEX, assertThrows(NsmException.class, () -> nsm.lockPcr(40)).deviceError());
    }

    @Test
    void attestationDocumentIsSignedByTheSimulatedLeafAndCarriesTheRequestFields() {
        NsmSimulator nsm = simulator();
        byte[] doc = nsm.attestation("user".getBytes(), new byte[] {1, 2}, new byte[0]);
        CoseSign1 cose = CoseSign1.parse(doc).requireEs384();
        cose.verifyEs384(Es384.publicKey(nsm.pki().leaf().getPublicKey()));
        CborValue.MapValue payload = (CborValue.MapValue) cose.decodePayload(8);
        assertEquals(CborValue.bytes("user".getBytes()), payload.get("user_data"));
        assertEquals(CborValue.bytes(new byte[] {1, 2}), payload.get("nonce"));
        assertEquals(CborValue.bytes(new byte[0]), payload.get("public_key"), "empty stays an empty bstr");
        assertEquals(CborValue.integer(NOW.toEpochMilli()), payload.get("timestamp"));
        CborValue.MapValue pcrs = (CborValue.MapValue) payload.get("pcrs");
        assertEquals(CborValue.bytes(PCR0.toByteArray()), pcrs.get(0));
    }

    @Test
    void absentAttestationFieldsAreNullInTheDocument() {
        CborValue.MapValue payload = (CborValue.MapValue) CoseSign1.parse(simulator().attestation(null, null, null))
                .decodePayload(8);
        assertInstanceOf(CborValue.Null.class, payload.get("nonce"));
        assertInstanceOf(CborValue.Null.class, payload.get("user_data"));
    }

    @Test
    void documentsListEveryLockedPcrAndNoUnlockedOne() {
        NsmSimulator nsm = simulator();
        nsm.extendPcr(17, new byte[] {1});
        assertEquals(16, pcrIndices(nsm).size());
        nsm.lockPcr(17);
        Set<Long> indices = pcrIndices(nsm);
        assertEquals(17, indices.size());
        assertTrue(indices.contains(17L));
    }

    private static Set<Long> pcrIndices(NsmSimulator nsm) {
        CborValue.MapValue payload = (CborValue.MapValue) CoseSign1.parse(nsm.attestation(null, null, null)).decodePayload(8);
        return ((CborValue.MapValue) payload.get("pcrs")).entries().keySet().stream()
                .map(k -> ((CborValue.UnsignedInt) k).value()).collect(Collectors.toSet());
    }

    @Test
    void debugModeZeroesPcr0128ButKeepsPcr4() {
        NsmSimulator nsm = NsmSimulator.builder().pcr(0, PCR0).pcr(8, PCR0).parentInstanceId("i-084e1dd2f1b2c529b")
                .debugMode().build();
        assertTrue(Pcr.of(nsm.describePcr(0).data()).isZero());
        assertTrue(Pcr.of(nsm.describePcr(8).data()).isZero());
        assertFalse(Pcr.of(nsm.describePcr(4).data()).isZero());
    }

    @Test
    void attestationFieldsOver1024BytesAreRefusedBeforeSending() {
        NsmException e = assertThrows(NsmException.class, () -> simulator().attestation(null, new byte[1025], null));
        assertEquals(NsmException.Code.FIELD_TOO_LARGE, e.code());
    }

    @Test
    void attestationWithThreeFullFieldsFitsTheRequestLimit() {
        byte[] doc = simulator().attestation(new byte[1024], new byte[1024], new byte[1024]);
        assertTrue(doc.length < NsmCodec.MAX_RESPONSE_SIZE);
    }

    @Test
    void extendRequestsOver4096BytesAreRefusedAsTooLarge() {
        NsmException e = assertThrows(NsmException.class, () -> simulator().extendPcr(16, new byte[4096]));
        assertEquals(NsmException.Code.REQUEST_TOO_LARGE, e.code());
    }

    @Test
    void rawHandleAnswersInputTooLargeForOversizedBytes() {
        byte[] answer = simulator().handle(new byte[4097]);
        assertEquals(new NsmResponse.Error(NsmErrorCode.INPUT_TOO_LARGE), NsmCodec.decodeResponse(answer));
    }

    @Test
    void rawHandleAnswersInvalidOperationForGarbage() {
        byte[] answer = simulator().handle(new byte[] {(byte) 0xff});
        assertEquals(new NsmResponse.Error(NsmErrorCode.INVALID_OPERATION), NsmCodec.decodeResponse(answer));
    }

    @Test
    void rawHandleAnswersDescribePcrInAwsBytes() {
        byte[] answer = simulator().handle(HEX.parseHex("a16b4465736372696265504352a165696e64657810"));
        assertEquals("a16b4465736372696265504352a2646c6f636bf464646174615830" + "00".repeat(48), HEX.formatHex(answer));
    }

    @Test
    void getRandomReturns256FreshBytes() {
        NsmSimulator nsm = simulator();
        byte[] a = nsm.getRandom();
        assertEquals(256, a.length);
        assertNotEquals(HEX.formatHex(a), HEX.formatHex(nsm.getRandom()));
    }

    @Test
    void nextBytesLoopsOverGetRandomForLongBuffers() {
        byte[] out = new byte[1000];
        simulator().nextBytes(out);
        assertNotEquals("00".repeat(200), HEX.formatHex(out, 800, 1000));
    }
}

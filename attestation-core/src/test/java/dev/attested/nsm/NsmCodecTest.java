package dev.attested.nsm;

import dev.attested.testkit.NsmSimulator;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Request bytes of docs/spec/nsm-protocol.md §3.2 and response decoding of §3.1/§3.3/§5. */
class NsmCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    private static String encode(NsmRequest r) {
        return HEX.formatHex(NsmCodec.encodeRequest(r));
    }

    @Test
    void describePcrIsAOneEntryMapWithIndex() {
        assertEquals("a16b4465736372696265504352a165696e64657800", encode(new NsmRequest.DescribePcr(0)));
    }

    @Test
    void extendPcrCarriesIndexThenData() {
        assertEquals("a169457874656e64504352a265696e64657810646461746143010203",
                encode(new NsmRequest.ExtendPcr(16, new byte[] {1, 2, 3})));
    }

    @Test
    void lockPcrCarriesIndex() {
        assertEquals("a1674c6f636b504352a165696e64657810", encode(new NsmRequest.LockPcr(16)));
    }

    @Test
    void lockPcrsUsesTheTwoByteFormForRangesFrom24() {
        assertEquals("a1684c6f636b50435273a16572616e67651820", encode(new NsmRequest.LockPcrs(32)));
    }

    @Test
    void describeNsmIsABareTextString() {
        assertEquals("6b44657363726962654e534d", encode(new NsmRequest.DescribeNsm()));
    }

    @Test
    void getRandomIsTheTenBytesTheKernelHardCodes() {
        assertEquals("6947657452616e646f6d", encode(new NsmRequest.GetRandom()));
    }

    @Test
    void attestationWithoutFieldsSendsThreeNulls() {
        String hex = encode(new NsmRequest.Attestation(null, null, null));
        assertEquals("a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f66a7075626c69635f6b6579f6", hex);
        assertEquals(44, hex.length() / 2);
    }

    @Test
    void attestationKeepsTheFieldOrderUserDataNoncePublicKey() {
        assertEquals("a16b4174746573746174696f6ea369757365725f646174614568656c6c6f656e6f6e6365480102030405060708"
                        + "6a7075626c69635f6b6579f6",
                encode(new NsmRequest.Attestation("hello".getBytes(), HEX.parseHex("0102030405060708"), null)));
    }

    @Test
    void attestationKeepsAnEmptyFieldAsAnEmptyByteString() {
        assertEquals("a16b4174746573746174696f6ea369757365725f6461746140656e6f6e6365f66a7075626c69635f6b6579f6",
                encode(new NsmRequest.Attestation(new byte[0], null, null)));
    }

    @Test
    void decodesDescribePcrInAwsOrder() {
        byte[] bytes = HEX.parseHex("a16b4465736372696265504352a2646c6f636bf464646174615830" + "00".repeat(48));
        assertEquals(new NsmResponse.DescribePcr(false, new byte[48]), NsmCodec.decodeResponse(bytes));
    }

    @Test
    void decodesDescribePcrInQemuOrderDataBeforeLock() {
        // {"DescribePCR": {"data": h'00..', "lock": true}}
        byte[] bytes = HEX.parseHex("a16b4465736372696265504352a264646174615830" + "00".repeat(48) + "646c6f636bf5");
        assertEquals(new NsmResponse.DescribePcr(true, new byte[48]), NsmCodec.decodeResponse(bytes));
    }

    @Test
    void decodesIndefiniteLengthMapsAndIgnoresUnknownKeys() {
        // {_ "ExtendPCR": {_ "extra": 1, "data": h'00..'}}
        byte[] bytes = HEX.parseHex("bf69457874656e64504352bf6565787472610164646174615830" + "11".repeat(48) + "ffff");
        byte[] expected = new byte[48];
        java.util.Arrays.fill(expected, (byte) 0x11);
        assertEquals(new NsmResponse.ExtendPcr(expected), NsmCodec.decodeResponse(bytes));
    }

    @Test
    void decodesDescribeNsmFromTheSpecExample() {
        byte[] bytes = HEX.parseHex("a16b44657363726962654e534da76d76657273696f6e5f6d616a6f72016d76657273696f6e5f6d696e6f72"
                + "006d76657273696f6e5f706174636800696d6f64756c655f69647827692d303063383966313831383032636465"
                + "66342d656e6330313735636430646365653336383636686d61785f7063727318206b6c6f636b65645f7063727390"
                + "000102030405060708090a0b0c0d0e0f6664696765737466534841333834");
        SortedSet<Integer> locked = new TreeSet<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        NsmResponse.DescribeNsm expected = new NsmResponse.DescribeNsm(1, 0, 0, "i-00c89f181802cdef4-enc0175cd0dcee36866",
                32, locked, "SHA384");
        assertEquals(expected, NsmCodec.decodeResponse(bytes));
        assertArrayEquals(bytes, NsmCodec.encodeResponse(expected), "the simulator answers in AWS's field order");
    }

    @Test
    void decodesFieldLessLockResponses() {
        assertEquals(new NsmResponse.LockPcr(), NsmCodec.decodeResponse(HEX.parseHex("674c6f636b504352")));
        assertEquals(new NsmResponse.LockPcrs(), NsmCodec.decodeResponse(HEX.parseHex("684c6f636b50435273")));
    }

    @Test
    void decodesAnErrorAnswerAsAValueNotAnException() {
        NsmResponse r = NsmCodec.decodeResponse(HEX.parseHex("a1654572726f726d526561644f6e6c79496e646578"));
        assertEquals(new NsmResponse.Error(NsmErrorCode.READ_ONLY_INDEX, "ReadOnlyIndex"), r);
    }

    @Test
    void keepsTheNameOfAnUnknownError() {
        // {"Error": "Overheated"}
        NsmResponse r = NsmCodec.decodeResponse(HEX.parseHex("a1654572726f726a" + HEX.formatHex("Overheated".getBytes())));
        assertEquals(new NsmResponse.Error(NsmErrorCode.UNKNOWN, "Overheated"), r);
    }

    @Test
    void decodesGetRandomWithTheKernelsPrefix() {
        byte[] bytes = HEX.parseHex("a16947657452616e646f6da16672616e646f6d590100" + "ab".repeat(256));
        assertEquals(256, ((NsmResponse.GetRandom) NsmCodec.decodeResponse(bytes)).random().length);
    }

    /** Issue 13: a 16-bit field holding 2^16, 2^63 or 2^64-1 is refused, never narrowed (2^63 would become 0). */
    @Test
    void sixteenBitFieldsCompareTheWholeUnsignedValue() {
        for (String big : List.of("1a00010000", "1b8000000000000000", "1bffffffffffffffff")) {
            // {"DescribePCR": {"index": big}}
            NsmCodec.NsmDeviceError e = assertThrows(NsmCodec.NsmDeviceError.class, () -> NsmCodec.decodeRequest(
                    HEX.parseHex("a16b4465736372696265504352a165696e646578" + big)));
            assertEquals(NsmErrorCode.INVALID_ARGUMENT, e.code(), e.getMessage());
            for (String field : List.of("version_major", "max_pcrs", "locked_pcrs")) {
                NsmException r = assertThrows(NsmException.class, () -> NsmCodec.decodeResponse(describeNsm(field, big)));
                assertEquals(NsmException.Code.MALFORMED_RESPONSE, r.code(), field + " " + big);
            }
        }
        assertEquals(new NsmRequest.DescribePcr(0xFFFF),
                NsmCodec.decodeRequest(HEX.parseHex("a16b4465736372696265504352a165696e64657819ffff")));
        NsmResponse.DescribeNsm ok = (NsmResponse.DescribeNsm) NsmCodec.decodeResponse(describeNsm("locked_pcrs", "19ffff"));
        assertEquals(new TreeSet<>(List.of(0xFFFF)), ok.lockedPcrs());
    }

    /** A DescribeNSM response whose {@code field} (for locked_pcrs: its one element) is the CBOR item {@code itemHex}. */
    private static byte[] describeNsm(String field, String itemHex) {
        java.util.function.Function<String, byte[]> value = f -> f.equals(field)
                ? HEX.parseHex(f.equals("locked_pcrs") ? "81" + itemHex : itemHex) : null;
        dev.attested.internal.cbor.CborWriter w = new dev.attested.internal.cbor.CborWriter().startMap(1).text("DescribeNSM")
                .startMap(7);
        for (String f : List.of("version_major", "version_minor", "version_patch", "max_pcrs")) {
            w.text(f);
            byte[] v = value.apply(f);
            if (v != null) {
                w.raw(v);
            } else {
                w.integer(f.equals("max_pcrs") ? 32 : 1);
            }
        }
        w.text("module_id").text("i-0123456789abcdef0-enc0123456789abcdef").text("locked_pcrs");
        byte[] locked = value.apply("locked_pcrs");
        if (locked != null) {
            w.raw(locked);
        } else {
            w.startArray(0);
        }
        return w.text("digest").text("SHA384").toByteArray();
    }

    @Test
    void rejectsTrailingBytes() {
        NsmException e = assertThrows(NsmException.class, () -> NsmCodec.decodeResponse(HEX.parseHex("674c6f636b50435200")));
        assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code());
    }

    @Test
    void rejectsUndefinedWhereOnlyNullOrAValueIsAllowed() {
        // {"Attestation": {"document": undefined}}
        NsmException e = assertThrows(NsmException.class, () -> NsmCodec.decodeResponse(
                HEX.parseHex("a16b4174746573746174696f6ea168646f63756d656e74f7")));
        assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code());
    }

    @Test
    void rejectsAResponseMissingARequiredField() {
        // {"DescribePCR": {"lock": false}}
        NsmException e = assertThrows(NsmException.class, () -> NsmCodec.decodeResponse(
                HEX.parseHex("a16b4465736372696265504352a1646c6f636bf4")));
        assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code());
    }

    @Test
    void rejectsATruncatedResponse() {
        NsmException e = assertThrows(NsmException.class, () -> NsmCodec.decodeResponse(HEX.parseHex("a16947657452616e646f6da16672616e646f6d590100ab")));
        assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code());
    }

    @Test
    void deviceSideDecodesEveryRequestItEncodes() {
        List<NsmRequest> all = List.of(new NsmRequest.DescribePcr(7), new NsmRequest.ExtendPcr(20, new byte[] {9}),
                new NsmRequest.LockPcr(16), new NsmRequest.LockPcrs(32), new NsmRequest.DescribeNsm(),
                new NsmRequest.Attestation(new byte[] {1}, null, new byte[0]), new NsmRequest.GetRandom());
        for (NsmRequest r : all) {
            assertEquals(r, NsmCodec.decodeRequest(NsmCodec.encodeRequest(r)));
        }
    }

    @Test
    void deviceSideAnswersInvalidOperationForAnUnknownRequest() {
        // "Reboot"
        NsmCodec.NsmDeviceError e = assertThrows(NsmCodec.NsmDeviceError.class,
                () -> NsmCodec.decodeRequest(HEX.parseHex("665265626f6f74")));
        assertEquals(NsmErrorCode.INVALID_OPERATION, e.code());
    }

    /** Every prefix and every single-byte change of valid answers: decoded, or refused as MALFORMED_RESPONSE. */
    @Test
    void damagedResponsesNeverEscapeAsAnythingButNsmException() {
        List<NsmResponse> answers = List.of(new NsmResponse.DescribePcr(true, new byte[48]),
                new NsmResponse.ExtendPcr(new byte[48]), new NsmResponse.LockPcr(), new NsmResponse.LockPcrs(),
                new NsmResponse.DescribeNsm(1, 0, 0, "i-0123456789abcdef0-enc0123456789abcdef", 32,
                        new TreeSet<>(List.of(0, 1, 2)), "SHA384"),
                new NsmResponse.Attestation(new byte[100]), new NsmResponse.GetRandom(new byte[32]),
                new NsmResponse.Error(NsmErrorCode.INVALID_INDEX));
        int refused = 0;
        for (NsmResponse answer : answers) {
            byte[] good = NsmCodec.encodeResponse(answer);
            for (int len = 0; len < good.length; len++) {
                refused += decodesOrRefuses(java.util.Arrays.copyOf(good, len));
            }
            for (int i = 0; i < good.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    byte[] bad = good.clone();
                    bad[i] ^= (byte) (1 << bit);
                    refused += decodesOrRefuses(bad);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(refused > 1000, "most damaged answers are refused: " + refused);
    }

    private static int decodesOrRefuses(byte[] bytes) {
        try {
            NsmCodec.decodeResponse(bytes);
            return 0;
        } catch (NsmException e) {
            assertEquals(NsmException.Code.MALFORMED_RESPONSE, e.code());
            return 1;
        }
    }

    /** The simulator answers any damaged request with a CBOR answer, never an exception. */
    @Test
    void damagedRequestsAreAnsweredWithErrorsByTheSimulator() {
        NsmSimulator simulator = NsmSimulator.create();
        byte[] good = NsmCodec.encodeRequest(new NsmRequest.ExtendPcr(16, new byte[] {1, 2, 3}));
        for (int i = 0; i < good.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = good.clone();
                bad[i] ^= (byte) (1 << bit);
                NsmCodec.decodeResponse(simulator.handle(bad));
            }
            NsmCodec.decodeResponse(simulator.handle(java.util.Arrays.copyOf(good, i)));
        }
    }
}

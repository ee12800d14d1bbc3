package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationOptionsTest {
    @Test
    void parsesPcrLists() {
        var pcrs = VerificationOptions.pcrs("8:" + "AB".repeat(48) + ", 0:" + "00".repeat(48));
        assertEquals(List.of(0, 8), List.copyOf(pcrs.keySet()));
        assertArrayEquals(new byte[48], pcrs.get(0));
        assertArrayEquals(HexFormat.of().parseHex("ab".repeat(48)), pcrs.get(8));
        assertTrue(VerificationOptions.pcrs(" ").isEmpty());
        assertTrue(VerificationOptions.pcrs(null).isEmpty());
    }

    @Test
    void rejectsMalformedPcrLists() {
        for (String bad : List.of("0=" + "00".repeat(48), "32:" + "00".repeat(48), "-1:" + "00".repeat(48), "1:abc",
                "x:" + "00".repeat(48), "0:" + "00".repeat(48) + ",0:" + "11".repeat(48), "0:" + "00".repeat(48) + ",",
                "0:" + "zz".repeat(48))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerificationOptions.pcrs(bad), bad);
            assertTrue(e.getMessage().startsWith("pcrs"), e.getMessage());
        }
    }

    @Test
    void timeIsNowDocumentOrAnInstant() {
        assertEquals(VerificationTime.now(), VerificationOptions.time(null));
        assertEquals(VerificationTime.now(), VerificationOptions.time("NOW"));
        assertEquals(VerificationTime.documentTime(), VerificationOptions.time(" document "));
        assertEquals(VerificationTime.at(Instant.parse("2025-04-15T02:25:23Z")), VerificationOptions.time("2025-04-15T02:25:23Z"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerificationOptions.time("yesterday"));
        assertTrue(e.getMessage().contains("now, document or an ISO-8601 instant"), e.getMessage());
    }

    @Test
    void durationsAreShortOrIso() {
        assertEquals(Duration.ofMinutes(5), VerificationOptions.duration("maxAge", "5m"));
        assertEquals(Duration.ofSeconds(30), VerificationOptions.duration("maxAge", "30S"));
        assertEquals(Duration.ofMillis(500), VerificationOptions.duration("maxAge", "500ms"));
        assertEquals(Duration.ofHours(2), VerificationOptions.duration("maxAge", "2h"));
        assertEquals(Duration.ofDays(1), VerificationOptions.duration("maxAge", "1d"));
        assertEquals(Duration.ofMinutes(5), VerificationOptions.duration("maxAge", "PT5M"));
        assertNull(VerificationOptions.duration("maxAge", ""));
        for (String bad : List.of("5 minutes", "0s", "PT0S", "-PT5M", "5", "m")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerificationOptions.duration("maxAge", bad), bad);
            assertTrue(e.getMessage().startsWith("maxAge"), e.getMessage());
        }
    }

    @Test
    void bytesAreHexOrBase64WithOptionalPrefixes() {
        assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, VerificationOptions.bytes("nonce", "CAFE"));
        assertArrayEquals(new byte[] {1, 2, 3}, VerificationOptions.bytes("nonce", "AQID"));
        assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, VerificationOptions.bytes("nonce", "hex:cafe"));
        assertArrayEquals(new byte[] {0x71, (byte) 0xa7, (byte) 0xde}, VerificationOptions.bytes("nonce", "base64:cafe"));
        assertNull(VerificationOptions.bytes("nonce", null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerificationOptions.bytes("userData", "not*valid"));
        assertTrue(e.getMessage().startsWith("userData must be hex or base64"), e.getMessage());
    }
}

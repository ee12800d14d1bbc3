package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.attested.pcr.Pcr;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class VerificationRequestTest {
    @Test
    void parsesPcrLists() {
        String zero = "00".repeat(48);
        String ab = "AB".repeat(48);
        var pcrs = VerificationRequest.parsePcrs("0:" + zero + ", 8:" + ab);
        assertEquals(Pcr.zero(), pcrs.get(0));
        assertEquals(Pcr.ofHex("ab".repeat(48)), pcrs.get(8));
    }

    @Test
    void rejectsMalformedPcrLists() {
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.parsePcrs("0=" + "00".repeat(48)));
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.parsePcrs("32:" + "00".repeat(48)));
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.parsePcrs("1:abc"));
    }

    @Test
    void bytesAreHexOrBase64WithOptionalPrefixes() {
        assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, VerificationRequest.bytes("nonce", "CAFE"));
        assertArrayEquals(new byte[] {1, 2, 3}, VerificationRequest.bytes("nonce", "AQID"));
        assertArrayEquals(new byte[] {(byte) 0xca, (byte) 0xfe}, VerificationRequest.bytes("nonce", "hex:cafe"));
        assertArrayEquals(new byte[] {0x71, (byte) 0xa7, (byte) 0xde}, VerificationRequest.bytes("nonce", "base64:cafe"));
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.bytes("nonce", "not*valid"));
    }

    @Test
    void rejectsUnknownTimeModes() {
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.of(null, null, null, null, null, null,
                "yesterday", null, false, Clock.systemUTC()));
        assertThrows(IllegalArgumentException.class, () -> VerificationRequest.of(null, null, null, null, null, null,
                "now", "5 minutes", false, Clock.systemUTC()));
    }
}

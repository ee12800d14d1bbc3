package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AttestationDocumentsTest {
    private static final byte[] DOC = Fixtures.NAUTILUS_HIGH_S.bytes();

    @Test
    void rawCborIsUsedAsIs() {
        assertArrayEquals(DOC, AttestationDocuments.decode(DOC));
    }

    @Test
    void base64WithLineBreaksIsDecoded() {
        byte[] mime = Base64.getMimeEncoder().encode(DOC);
        assertArrayEquals(DOC, AttestationDocuments.decode(mime));
    }

    @Test
    void urlSafeBase64IsDecoded() {
        assertArrayEquals(DOC, AttestationDocuments.decode(Base64.getUrlEncoder().encode(DOC)));
    }

    @Test
    void hexInEitherCaseIsDecoded() {
        String hex = HexFormat.of().formatHex(DOC).toUpperCase(java.util.Locale.ROOT) + "\n";
        assertArrayEquals(DOC, AttestationDocuments.decode(hex.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void otherTextIsRejectedAsMalformed() {
        assertEquals(AttestationException.Code.MALFORMED_CBOR, assertThrows(AttestationException.class,
                () -> AttestationDocuments.decode("not a document!".getBytes(StandardCharsets.US_ASCII))).code());
    }
}

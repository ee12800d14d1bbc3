package dev.attested.pcr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Vectors from docs/spec/kms-attestation.md §6.2, docs/spec/eif-format.md §10 V1 and
 * docs/spec/qemu-nitro-enclave.md §8.
 */
class PcrTest {

    @Test
    void pcr4OfInstanceIdMatchesTheMarlinFixture() {
        assertEquals("4b41d8e9ba3411505c1604762a2e91ba72c2c11d954f4a640bf4402bd195dd432804ffa0ceed1b6c39233d13b1e2e595",
                Pcr.ofParentInstanceId("i-084e1dd2f1b2c529b").hex());
    }

    @Test
    void pcr4OfInstanceIdMatchesTheNautilusFixture() {
        assertEquals("f3e18816e8d0ba69088d034522e742f0e1909ab34d5e83a1f579ffb43c58f0f0f35d64401efc9426097565d0506a8a5f",
                Pcr.ofParentInstanceId("i-06e4b98c6549ff803").hex());
    }

    @Test
    void pcr3OfRoleArnExtendsWithTheRawArn() {
        assertEquals("10ce0a75872514140de1652b913f105a3ed5e7e1fe4125d45e72023a916825c3a307ea463d909f83ac2c05a7015e2ed5",
                Pcr.ofParentRoleArn("arn:aws:iam::111122223333:role/data-processing").hex());
        assertEquals("095b791f46d568a77f9d98ea4610b9666e7cd1d26401ff7c137ff21ffaa2ddf54fe6cb3da91b4842a239d04a19ac7565",
                Pcr.ofParentRoleArn("arn:aws:iam::123456789012:role/ci").hex());
    }

    @Test
    void emptyContentMeasuresToTheSingleRamdiskPcr2() {
        assertTrue(Pcr.ofContent(new byte[0]).hex().startsWith("21b9efbc"));
    }

    @Test
    void ofFileStreamsTheSameMeasurementAsOfContent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path empty = java.nio.file.Files.write(dir.resolve("empty"), new byte[0]);
        assertTrue(Pcr.ofFile(empty).hex().startsWith("21b9efbc"));
        byte[] big = new byte[200_003]; // more than one read buffer, not a multiple of it
        new java.util.Random(7).nextBytes(big);
        java.nio.file.Path file = java.nio.file.Files.write(dir.resolve("big"), big);
        assertEquals(Pcr.ofContent(big), Pcr.ofFile(file));
        assertThrows(java.io.UncheckedIOException.class, () -> Pcr.ofFile(dir.resolve("absent")));
    }

    @Test
    void extendWithHelloMatchesTheEmulatorVector() {
        assertEquals("30e84b2d7eeffe6d90a475797b35e59a11b0da473eee4b3b8edfe73daf0279801bb18730c39db7f27f2f77b7b458cb9e",
                Pcr.zero().extend("hello".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    @Test
    void hexParsingRejectsPrefixesAndWrongLengths() {
        String good = "00".repeat(48);
        assertTrue(Pcr.ofHex(good).isZero());
        assertThrows(IllegalArgumentException.class, () -> Pcr.ofHex("0x" + good.substring(2)));
        assertThrows(IllegalArgumentException.class, () -> Pcr.ofHex(good.substring(2)));
        assertThrows(IllegalArgumentException.class, () -> Pcr.ofHex("zz" + good.substring(2)));
    }

    @Test
    void roleArnWithoutRoleIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Pcr.ofParentRoleArn("arn:aws:iam::111122223333:instance-profile/x"));
    }
}

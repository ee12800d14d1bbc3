package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NitroRootsTest {
    @Test
    void bundledRootG1HasThePinnedFingerprint() {
        assertEquals("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b", NitroRoots.sha256Hex(NitroRoots.awsG1()));
        assertEquals("CN=aws.nitro-enclaves, OU=AWS, O=Amazon, C=US", NitroRoots.awsG1().getSubjectX500Principal().toString());
    }

    @Test
    void bundledRootG1IsByteIdenticalToCabundle0OfGenuineDocuments() throws Exception {
        for (Fixtures f : Fixtures.values()) {
            assertArrayEquals(NitroRoots.awsG1().getEncoded(), UnverifiedDocument.parse(f.bytes()).cabundle().get(0), f.file);
        }
    }

    @Test
    void theRootInCodeIsTheBundledPemResourceAndHoldsThePin() throws Exception {
        byte[] resource;
        try (java.io.InputStream in = NitroRoots.class.getResourceAsStream("aws-nitro-enclaves-root-g1.pem")) {
            resource = in.readAllBytes();
        }
        byte[] fromPem = NitroRoots.parsePem(resource, "resource").get(0).getEncoded();
        assertArrayEquals(fromPem, AwsRootG1.der());
        assertArrayEquals(fromPem, NitroRoots.awsG1Der());
        assertArrayEquals(NitroRoots.awsG1().getEncoded(), NitroRoots.awsG1Der());
        assertEquals(NitroRoots.AWS_G1_SHA256, ProfileCertificate.sha256Hex(NitroRoots.awsG1Der()));
    }

    @Test
    void aFlippedByteFailsThePin() {
        byte[] der = AwsRootG1.der();
        assertArrayEquals(der, NitroRoots.pinned(der.clone()));
        for (int i : new int[] {0, der.length / 2, der.length - 1}) {
            byte[] flipped = der.clone();
            flipped[i] ^= 1;
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> NitroRoots.pinned(flipped));
            assertTrue(e.getMessage().contains("does not match the pinned SHA-256 " + NitroRoots.AWS_G1_SHA256), e.getMessage());
        }
    }

    @Test
    void rejectsTextThatIsNoCertificate() {
        assertThrows(IllegalArgumentException.class,
                () -> NitroRoots.parsePem("hello".getBytes(StandardCharsets.US_ASCII), "test"));
    }
}

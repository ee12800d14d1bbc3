package dev.attested.attestation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void rejectsTextThatIsNoCertificate() {
        assertThrows(IllegalArgumentException.class,
                () -> NitroRoots.parsePem("hello".getBytes(StandardCharsets.US_ASCII), "test"));
    }
}

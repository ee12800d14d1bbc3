package dev.attested.internal.cose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.fuzz.FuzzFixtures;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Fuzz target for {@link CoseSign1} (docs/fuzzing.md). Contract for any input: parsing, the ES384 profile check,
 * the protected header, the Sig_structure and signature verification either work or throw {@link CoseException}
 * with a code, nothing else, within a memory budget; a parsed structure re-encodes to bytes that parse to the
 * same fields; the streamed Sig_structure digest equals SHA-384 of the Sig_structure; and a signature our
 * verifier accepts is accepted by the JDK's own ECDSA (the second implementation) over the same Sig_structure.
 * Seeds are documents signed by the simulated PKI's leaf key, the key used to verify.
 */
class CoseSign1FuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(16, 64);
    private static final PublicKey LEAF = FuzzFixtures.pki().leaf().getPublicKey();
    private static final Es384.PublicKeyHandle LEAF_HANDLE = Es384.publicKey(LEAF);

    @FuzzTest(maxDuration = "5m")
    void parseAndVerify(byte[] input) throws Exception {
        CoseSign1 cose;
        try {
            cose = BUDGET.measure(input.length, () -> CoseSign1.parse(input));
        } catch (CoseException e) {
            assertNotNull(e.code());
            return;
        }
        CoseSign1 again = CoseSign1.parse(cose.encode(cose.tagged()));
        assertArrayEquals(cose.protectedHeader(), again.protectedHeader());
        assertEquals(cose.unprotectedHeader(), again.unprotectedHeader());
        assertArrayEquals(cose.payload(), again.payload());
        assertArrayEquals(cose.signature(), again.signature());
        assertEquals(cose.tagged(), again.tagged());

        assertArrayEquals(MessageDigest.getInstance("SHA-384").digest(cose.sigStructure()), cose.sigStructureDigest(),
                "the streamed Sig_structure digest is SHA-384 of the Sig_structure");
        try {
            cose.algorithm();
        } catch (CoseException e) {
            assertNotNull(e.code());
        }
        boolean verified;
        try {
            verified = BUDGET.measure(input.length, () -> {
                cose.verifyEs384(LEAF_HANDLE);
                return true;
            });
        } catch (CoseException e) {
            assertNotNull(e.code());
            verified = false;
        }
        if (verified) {
            Signature jdk = Signature.getInstance("SHA384withECDSAinP1363Format");
            jdk.initVerify(LEAF);
            jdk.update(cose.sigStructure());
            assertEquals(true, jdk.verify(cose.signature()), "the JDK's ECDSA rejects a signature Es384 accepted");
        }
    }
}

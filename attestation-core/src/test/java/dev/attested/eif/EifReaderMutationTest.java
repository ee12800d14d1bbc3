package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever byte of a (signed) EIF is damaged, and wherever the file is cut, the reader either reads it or fails
 * with an {@link EifException} — never another exception — and {@code read} never accepts a changed file.
 */
class EifReaderMutationTest {
    @Test
    void everySingleByteChangeIsRefusedWithANamedError(@TempDir Path dir) throws Exception {
        byte[] original = Files.readAllBytes(EifWriterTest.synthetic(dir).build().write(dir.resolve("v.eif")).file());
        Path file = dir.resolve("m.eif");
        for (int i = 0; i < original.length; i++) {
            byte[] b = original.clone();
            b[i] ^= 0x01;
            Files.write(file, b);
            assertNamedErrorOrResult(file, i, b[i], true); // any change without a matching CRC is refused
            if (original[i] != (byte) 0xff) {
                b[i] = (byte) 0xff;
                Files.write(file, EifReaderTest.withCrc(b));
                assertNamedErrorOrResult(file, i, 0xff, false);
            }
        }
    }

    @Test
    void everySignatureSectionByteChangeIsRefusedWithANamedError(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] original = Files.readAllBytes(EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("s.eif")).file());
        Path file = dir.resolve("m.eif");
        EifMeasurements expected = EifReader.read(dir.resolve("s.eif")).measurements();
        int accepted = 0;
        for (int i = 893; i < original.length; i += 2) { // the signature section header and data (every other byte)
            byte[] b = original.clone();
            b[i] ^= 0x01;
            Files.write(file, EifReaderTest.withCrc(b));
            EifImage image = assertNamedErrorOrResult(file, i, b[i], false);
            if (image != null) {
                // a change inside the certificate that keeps its key (names, validity, its own signature) still
                // verifies, as with nitro-cli; PCR8 then attests the certificate actually in the file
                accepted++;
                assertEquals(expected.pcr0(), image.measurements().pcr0(), "byte " + i);
                assertEquals(expected.pcr1(), image.measurements().pcr1(), "byte " + i);
                assertEquals(expected.pcr2(), image.measurements().pcr2(), "byte " + i);
                assertEquals(dev.attested.pcr.Pcr.ofSigningCertificate(image.signature().orElseThrow().certificate()),
                        image.measurements().pcr8().orElseThrow(), "byte " + i);
            }
        }
        assertTrue(accepted < (original.length - 893) / 8, accepted + " changed signature-section bytes were accepted");
    }

    /** A changed file must fail {@code read} with an EifException when {@code mustFail}, else may also be accepted. */
    private static EifImage assertNamedErrorOrResult(Path file, int index, int value, boolean mustFail) {
        try {
            EifImage image = EifReader.read(file);
            if (mustFail) {
                fail("byte " + index + " changed to " + value + " and read() still accepted the file: " + image.measurements());
            }
            return image;
        } catch (EifException expected) {
            return null; // a named error
        } catch (RuntimeException e) {
            throw new AssertionError("byte " + index + " = " + value + " gave " + e, e);
        }
    }

    @Test
    void everyTruncationIsRefusedWithANamedError(@TempDir Path dir) throws Exception {
        byte[] original = Files.readAllBytes(EifWriterTest.synthetic(dir).build().write(dir.resolve("v.eif")).file());
        Path file = dir.resolve("t.eif");
        for (int length = 0; length < original.length; length++) {
            Files.write(file, Arrays.copyOf(original, length));
            try {
                EifReader.inspect(file);
                fail("a file cut at " + length + " bytes was accepted");
            } catch (EifException e) {
                if (length >= 4 && length < EifHeader.LENGTH) {
                    assertEquals(EifException.Code.EIF_TRUNCATED, e.code(), e.getMessage());
                }
            }
        }
    }
}

package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import dev.attested.fuzz.AllocationBudget;
import dev.attested.fuzz.FuzzFixtures;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Fuzz target for {@link EifReader} (docs/fuzzing.md). Contract for any file: {@link EifReader#inspect} returns
 * an image or throws {@link EifException} with a code, nothing else, within a memory budget; and for an image it
 * returns, a second reading written here from docs/spec/eif-format.md alone (§4 CRC, §5 PCRs, sections walked from
 * byte 548 to the end, §6.3 signature section read with Jackson) finds the same sections, the same CRC verdict,
 * the same PCR0, PCR1 and PCR2 and the same signing certificate bytes.
 */
class EifReaderFuzzTest {
    private static final AllocationBudget BUDGET = AllocationBudget.of(32, 64);
    private static final Path DIR = FuzzFixtures.scratch("eif");

    @FuzzTest(maxDuration = "5m")
    void inspect(byte[] eif) throws Exception {
        Path file = DIR.resolve("input.eif");
        Files.write(file, eif);
        EifImage image;
        try {
            image = BUDGET.measure(eif.length, () -> EifReader.inspect(file));
        } catch (EifException e) {
            assertNotNull(e.code());
            return;
        }
        assertSameAsSpec(eif, image);
    }

    /** The eif-format.md reading of an EIF the reader accepted. */
    private static void assertSameAsSpec(byte[] eif, EifImage image) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(eif);
        CRC32 crc = new CRC32();
        crc.update(eif, 0, EifHeader.CRC_OFFSET);
        crc.update(eif, EifHeader.LENGTH, eif.length - EifHeader.LENGTH);
        long stored = Integer.toUnsignedLong(b.getInt(EifHeader.CRC_OFFSET));
        assertEquals(stored == crc.getValue(), image.crcValid(), "CRC verdict");

        MessageDigest pcr0 = sha384();
        MessageDigest pcr1 = sha384();
        MessageDigest pcr2 = sha384();
        List<EifImage.Section> sections = new ArrayList<>();
        byte[] signatureSection = null;
        int ramdisks = 0;
        int pos = EifHeader.LENGTH;
        while (pos < eif.length) {
            int type = Short.toUnsignedInt(b.getShort(pos));
            long size = b.getLong(pos + 4);
            int data = pos + EifHeader.SECTION_HEADER_LENGTH;
            switch (type) {
                case 1, 2 -> {
                    pcr0.update(eif, data, (int) size);
                    pcr1.update(eif, data, (int) size);
                }
                case 3 -> {
                    pcr0.update(eif, data, (int) size);
                    (ramdisks++ == 0 ? pcr1 : pcr2).update(eif, data, (int) size);
                }
                case 4 -> signatureSection = java.util.Arrays.copyOfRange(eif, data, Math.toIntExact(data + size));
                default -> { } // metadata is not measured
            }
            sections.add(new EifImage.Section(sections.size(), EifSectionType.values()[type - 1], pos, size));
            pos = Math.toIntExact(data + size);
        }
        assertEquals(sections, image.sections(), "sections");
        assertEquals(pcr(pcr0), image.measurements().pcr0(), "PCR0");
        assertEquals(pcr(pcr1), image.measurements().pcr1(), "PCR1");
        assertEquals(pcr(pcr2), image.measurements().pcr2(), "PCR2");
        if (image.signed()) {
            assertArrayEquals(signingCertificate(signatureSection), image.signature().orElseThrow().certificatePem(),
                    "the signing certificate bytes");
        }
    }

    /**
     * {@code signing_certificate} of the signature section (eif-format.md §6.3: a CBOR list of one map whose values are
     * arrays of byte values) as Jackson reads it; every element must be an integer 0..255.
     */
    private static byte[] signingCertificate(byte[] section) throws IOException {
        JsonNode values = new CBORMapper().readTree(section).get(0).get("signing_certificate");
        byte[] out = new byte[values.size()];
        for (int i = 0; i < out.length; i++) {
            BigInteger v = values.get(i).bigIntegerValue();
            assertTrue(values.get(i).isIntegralNumber() && v.signum() >= 0 && v.compareTo(BigInteger.valueOf(255)) <= 0,
                    "the reader accepted signing_certificate element " + i + " = " + values.get(i) + ", not a byte value");
            out[i] = v.byteValue();
        }
        return out;
    }

    /** {@code SHA384(48 zero bytes || SHA384(content))} (eif-format.md §5.1). */
    private static Pcr pcr(MessageDigest content) {
        MessageDigest extend = sha384();
        extend.update(new byte[48]);
        extend.update(content.digest());
        return Pcr.of(extend.digest());
    }

    private static MessageDigest sha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

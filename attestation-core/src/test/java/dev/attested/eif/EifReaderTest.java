package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cbor.CborWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/spec/eif-format.md §2, §4, §7: strict structure checks with named errors, single-pass measurement. */
class EifReaderTest {
    @TempDir
    Path dir;
    private byte[] vector;

    @BeforeEach
    void writeSyntheticVector() throws Exception {
        vector = Files.readAllBytes(EifWriterTest.synthetic(dir).build().write(dir.resolve("vector.eif")).file());
    }

    @Test
    void readingTheSyntheticVectorGivesItsMeasurementsLayoutAndMetadata() throws Exception {
        EifImage image = EifReader.read(dir.resolve("vector.eif"));
        assertEquals("1f1d207cb2d4484930d0f823e8b833169036bebc1fb4ef5449161fcbd9498f1fc52867a9a704cfe12e3ce677c337ada0",
                image.measurements().pcr0().hex());
        assertEquals("a85c761fc79b20dc65c344a9b3e98033982da0f0aea81862e824b1f37386f739456cdc4dbc050449b98f960d3d38e2b9",
                image.measurements().pcr1().hex());
        assertEquals("22e24471c39d3664a951ec258b0b63778ddade72ec66cc6769f7bcff41b53745b210ce9647c1b65c8abb227063dbfaeb",
                image.measurements().pcr2().hex());
        assertTrue(image.crcValid());
        assertEquals(0x443a3533L, image.computedCrc32());
        assertEquals(List.of(EifSectionType.KERNEL, EifSectionType.CMDLINE, EifSectionType.METADATA, EifSectionType.RAMDISK,
                EifSectionType.RAMDISK), image.sections().stream().map(EifImage.Section::type).toList());
        assertEquals(EifWriterTest.syntheticMetadata(), image.metadata());
        assertFalse(image.signed());
    }

    @Test
    void measurementsOfMultiChunkRamdisksEqualTheWritersMeasurements() throws Exception {
        byte[] big = new byte[Measurer.CHUNK * 2 + 99];
        Arrays.fill(big, (byte) 0x5a);
        Path r1 = Files.write(dir.resolve("big1"), big);
        Path r2 = Files.write(dir.resolve("big2"), Arrays.copyOf(big, Measurer.CHUNK + 1));
        EifWriter.WrittenEif written = EifWriterTest.synthetic(dir).ramdisk(r1).ramdisk(r2).build().write(dir.resolve("big.eif"));
        assertEquals(written.measurements(), EifReader.read(written.file()).measurements());
    }

    @Test
    void fileShorterThanTheHeaderIsTruncated() throws Exception {
        assertCode(EifException.Code.EIF_TRUNCATED, Arrays.copyOf(vector, 300));
    }

    @Test
    void fileEndingInsideASectionIsTruncated() throws Exception {
        assertCode(EifException.Code.EIF_TRUNCATED, Arrays.copyOf(vector, 880));
    }

    @Test
    void wrongMagicIsBadMagic() throws Exception {
        byte[] b = vector.clone();
        b[0] = 'E';
        assertCode(EifException.Code.EIF_BAD_MAGIC, b);
        assertCode(EifException.Code.EIF_BAD_MAGIC, "PK\3\4 a zip file".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void versionOtherThan4IsUnsupported() throws Exception {
        byte[] b = vector.clone();
        b[5] = 3;
        assertCode(EifException.Code.EIF_UNSUPPORTED_VERSION, b);
    }

    @Test
    void undefinedHeaderFlagIsABadHeader() throws Exception {
        byte[] b = vector.clone();
        b[7] = 2;
        assertCode(EifException.Code.EIF_BAD_HEADER, b);
    }

    @Test
    void modifiedByteIsACrcMismatchThatInspectReportsAndReadRefuses() throws Exception {
        byte[] b = vector.clone();
        b[EifHeader.LENGTH + 12] ^= 1;
        Path file = Files.write(dir.resolve("crc.eif"), b);
        assertFalse(EifReader.inspect(file).crcValid());
        assertEquals(EifException.Code.EIF_CRC_MISMATCH, assertThrows(EifException.class, () -> EifReader.read(file)).code());
    }

    @Test
    void sectionCountDisagreeingWithTheTableIsASectionCountError() throws Exception {
        assertCode(EifException.Code.EIF_SECTION_COUNT, withCrc(putShort(vector.clone(), 0x1a, 4)));
        assertCode(EifException.Code.EIF_SECTION_COUNT, withCrc(putShort(vector.clone(), 0x1a, 0)));
        assertCode(EifException.Code.EIF_SECTION_COUNT, withCrc(putShort(vector.clone(), 0x1a, 33)));
    }

    @Test
    void imageWithoutMetadataSectionIsASectionCountError() throws Exception {
        // drop the metadata section (index 2) and shift the rest
        byte[] noMeta = new byte[vector.length - 12 - 238];
        System.arraycopy(vector, 0, noMeta, 0, 597);
        System.arraycopy(vector, 847, noMeta, 597, vector.length - 847);
        ByteBuffer h = ByteBuffer.wrap(noMeta);
        h.putShort(0x1a, (short) 4);
        long[] offsets = {548, 572, 597, 618};
        long[] sizes = {12, 13, 9, 13};
        for (int i = 0; i < 32; i++) {
            h.putLong(0x1c + 8 * i, i < 4 ? offsets[i] : 0);
            h.putLong(0x11c + 8 * i, i < 4 ? sizes[i] : 0);
        }
        assertCode(EifException.Code.EIF_SECTION_COUNT, withCrc(noMeta));
    }

    @Test
    void sectionSizeLargerThanTheFileIsASizeMismatch() throws Exception {
        byte[] b = vector.clone();
        ByteBuffer.wrap(b).putLong(0x11c + 8 * 4, 1L << 40);
        assertCode(EifException.Code.EIF_SIZE_MISMATCH, withCrc(b));
        ByteBuffer.wrap(b).putLong(0x11c + 8 * 4, -1L);
        assertCode(EifException.Code.EIF_SIZE_MISMATCH, withCrc(b));
    }

    @Test
    void sectionHeaderSizeDisagreeingWithTheTableIsASizeMismatch() throws Exception {
        byte[] b = vector.clone();
        ByteBuffer.wrap(b).putLong(868 + 4, 12);
        assertCode(EifException.Code.EIF_SIZE_MISMATCH, withCrc(b));
    }

    @Test
    void offsetTableWithAGapIsASizeMismatch() throws Exception {
        byte[] b = vector.clone();
        ByteBuffer.wrap(b).putLong(0x1c + 8 * 3, 848);
        assertCode(EifException.Code.EIF_SIZE_MISMATCH, withCrc(b));
    }

    @Test
    void bytesAfterTheLastSectionAreASizeMismatch() throws Exception {
        assertCode(EifException.Code.EIF_SIZE_MISMATCH, withCrc(Arrays.copyOf(vector, vector.length + 1)));
    }

    @Test
    void unknownOrInvalidSectionTypeIsABadSection() throws Exception {
        assertCode(EifException.Code.EIF_BAD_SECTION, withCrc(putShort(vector.clone(), 868, 6)));
        assertCode(EifException.Code.EIF_BAD_SECTION, withCrc(putShort(vector.clone(), 868, 0)));
    }

    @Test
    void nonZeroSectionFlagsAreABadSection() throws Exception {
        assertCode(EifException.Code.EIF_BAD_SECTION, withCrc(putShort(vector.clone(), 868 + 2, 1)));
    }

    @Test
    void missingFileIsAnIoError() {
        assertEquals(EifException.Code.EIF_IO,
                assertThrows(EifException.class, () -> EifReader.read(dir.resolve("absent.eif"))).code());
    }

    @Test
    void signedImageHasPcr8AndAValidSignature() throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        Path file = EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("signed.eif")).file();
        EifImage image = EifReader.read(file);
        assertTrue(image.signed());
        assertTrue(image.signature().orElseThrow().valid());
        assertEquals(signer.pcr8(), image.measurements().pcr8().orElseThrow());
        assertArrayEquals(Files.readAllBytes(kc[1]), image.signature().orElseThrow().certificatePem());
    }

    @Test
    void signatureOverAnotherImagesPcr0IsInvalid() throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] signed = Files.readAllBytes(EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("s.eif")).file());
        byte[] other = signed.clone();
        other[EifHeader.LENGTH + 12] ^= 1; // another kernel → another PCR0, same signature section
        Path file = Files.write(dir.resolve("other.eif"), withCrc(other));
        EifImage image = EifReader.inspect(file);
        assertTrue(image.crcValid());
        assertFalse(image.signature().orElseThrow().valid());
        assertTrue(image.signature().orElseThrow().problem().orElseThrow().contains("another image"));
        assertEquals(EifException.Code.EIF_SIGNATURE_INVALID, assertThrows(EifException.class, () -> EifReader.read(file)).code());
    }

    @Test
    void tamperedSignatureBytesAreInvalid() throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] signed = Files.readAllBytes(EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("s.eif")).file());
        byte[] bad = signed.clone();
        bad[bad.length - 1] = (byte) (bad[bad.length - 1] == 0x17 ? 0x16 : 0x17); // last signature byte, still a uint < 24
        Path file = Files.write(dir.resolve("bad.eif"), withCrc(bad));
        assertEquals(EifException.Code.EIF_SIGNATURE_INVALID, assertThrows(EifException.class, () -> EifReader.read(file)).code());
    }

    /** The signature section of a freshly signed EIF, and the image's PCR0. */
    private record SignatureSection(byte[] bytes, dev.attested.pcr.Pcr pcr0) {}

    private SignatureSection signedSection() throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        Path file = EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("s.eif")).file();
        EifImage image = EifReader.read(file);
        EifImage.Section sig = image.sections().stream().filter(x -> x.type() == EifSectionType.SIGNATURE).findFirst().orElseThrow();
        byte[] all = Files.readAllBytes(file);
        int from = (int) sig.offset() + EifHeader.SECTION_HEADER_LENGTH;
        return new SignatureSection(Arrays.copyOfRange(all, from, from + (int) sig.size()), image.measurements().pcr0());
    }

    /** The section with the first {@code signature} array element equal to {@code old} replaced by the 64 bits {@code bits}. */
    private static byte[] withSignatureElement(byte[] section, long old, long bits) {
        CborValue.Array top = (CborValue.Array) CborReader.decode(section);
        CborValue.MapValue entry = (CborValue.MapValue) top.get(0);
        List<CborValue> elements = new java.util.ArrayList<>(((CborValue.Array) entry.get("signature")).items());
        elements.set(elements.indexOf(new CborValue.UnsignedInt(old)), new CborValue.UnsignedInt(bits));
        java.util.Map<CborValue, CborValue> map = new java.util.LinkedHashMap<>(entry.entries());
        map.put(CborValue.text("signature"), new CborValue.Array(elements));
        return CborWriter.encode(new CborValue.Array(List.of(new CborValue.MapValue(map))));
    }

    @Test
    void aSignatureByteEncodedAs2To63IsRejectedNotTruncatedToZero() throws Exception {
        SignatureSection s = signedSection();
        assertTrue(EifReader.checkSignature(s.bytes(), s.pcr0()).valid(), "the untouched section verifies");
        // 2^63 truncated to a byte is 0: a reader narrowing signed longs would rebuild the same, valid signature
        byte[] big = withSignatureElement(s.bytes(), 0, Long.MIN_VALUE);
        EifException e = assertThrows(EifException.class, () -> EifReader.checkSignature(big, s.pcr0()));
        assertEquals(EifException.Code.EIF_SIGNATURE_INVALID, e.code());
        assertTrue(e.getMessage().contains("9223372036854775808"), e.getMessage());
        byte[] max = withSignatureElement(s.bytes(), 0, -1L);
        assertEquals(EifException.Code.EIF_SIGNATURE_INVALID,
                assertThrows(EifException.class, () -> EifReader.checkSignature(max, s.pcr0())).code());
    }

    @Test
    void signingAnExistingImageGivesTheSameFileAsSigningAtBuildTime() throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] atBuild = Files.readAllBytes(EifWriterTest.synthetic(dir).signer(signer).build().write(dir.resolve("b.eif")).file());
        EifWriter.WrittenEif later = signer.sign(dir.resolve("vector.eif"), dir.resolve("later.eif"));
        assertArrayEquals(atBuild, Files.readAllBytes(later.file()));
        assertEquals(signer.pcr8(), later.measurements().pcr8().orElseThrow());
        assertArrayEquals(vector, Files.readAllBytes(dir.resolve("vector.eif")));
    }

    @Test
    void reSigningReplacesTheSignatureSection() throws Exception {
        Path[] first = SigningFixtures.p384(Files.createDirectory(dir.resolve("first")));
        Path[] second = SigningFixtures.p384(Files.createDirectory(dir.resolve("second")));
        EifSigner a = EifSigner.fromPem(first[0], first[1], SigningFixtures.DURING);
        EifSigner b = EifSigner.fromPem(second[0], second[1], SigningFixtures.DURING);
        Path file = a.sign(dir.resolve("vector.eif"), dir.resolve("x.eif")).file();
        b.sign(file, file);
        EifImage image = EifReader.read(file);
        assertEquals(6, image.header().sectionCount());
        assertEquals(b.pcr8(), image.measurements().pcr8().orElseThrow());
        byte[] direct = Files.readAllBytes(b.sign(dir.resolve("vector.eif"), dir.resolve("y.eif")).file());
        assertArrayEquals(direct, Files.readAllBytes(file));
    }

    @Test
    void signingADamagedImageIsRefusedAndWritesNothing() throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] b = vector.clone();
        b[565] ^= 1; // a kernel byte
        Path damaged = Files.write(dir.resolve("damaged.eif"), b);
        Path target = dir.resolve("out.eif");
        assertEquals(EifException.Code.EIF_CRC_MISMATCH, assertThrows(EifException.class, () -> signer.sign(damaged, target)).code());
        assertFalse(Files.exists(target));
    }

    private void assertCode(EifException.Code expected, byte[] content) throws Exception {
        Path file = Files.write(dir.resolve("case.eif"), content);
        EifException e = assertThrows(EifException.class, () -> EifReader.inspect(file));
        assertEquals(expected, e.code(), e.getMessage());
    }

    static byte[] putShort(byte[] b, int offset, int value) {
        ByteBuffer.wrap(b).putShort(offset, (short) value);
        return b;
    }

    /** Recomputes the CRC so a test reaches the check it targets. */
    static byte[] withCrc(byte[] b) {
        if (b.length < EifHeader.LENGTH) {
            return b;
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, 544);
        crc.update(b, 548, b.length - 548);
        ByteBuffer.wrap(b).putInt(544, (int) crc.getValue());
        return b;
    }
}

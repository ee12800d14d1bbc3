package dev.attested.eif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/spec/eif-format.md §2.3–§5 and the vectors of §10. */
class EifWriterTest {
    /** The 238-byte metadata of eif-format.md §3.3 / §10 V3. */
    static final String SYNTHETIC_METADATA = "{\"ImageName\":\"test\",\"ImageVersion\":\"1.0\",\"BuildMetadata\":"
            + "{\"BuildTime\":\"1970-01-01T00:00:00+00:00\",\"BuildTool\":\"eif_build\",\"BuildToolVersion\":\"0.3.1\","
            + "\"OperatingSystem\":\"OS\",\"KernelVersion\":\"kernel\"},\"DockerInfo\":null,\"CustomMetadata\":null}";

    static EifMetadata syntheticMetadata() {
        return EifMetadata.of("test", "1.0",
                EifMetadata.BuildMetadata.of(Instant.EPOCH, "eif_build", "0.3.1", "OS", "kernel"));
    }

    /** Writes the eif-format.md §10 V3 inputs to {@code dir} and returns a writer for them. */
    static EifWriter.Builder synthetic(Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("kernel"), "KERNEL-BYTES".getBytes(StandardCharsets.US_ASCII));
        Path r0 = Files.write(dir.resolve("r0"), "RAMDISK-0".getBytes(StandardCharsets.US_ASCII));
        Path r1 = Files.write(dir.resolve("r1"), "RAMDISK-1-APP".getBytes(StandardCharsets.US_ASCII));
        return EifWriter.builder().kernel(kernel).cmdline("console=ttyS0").metadata(syntheticMetadata())
                .ramdisk(r0).ramdisk(r1);
    }

    /** Content larger than two {@link Measurer#CHUNK}s and not a multiple of one. */
    static byte[] largeContent(long seed) {
        byte[] b = new byte[2 * Measurer.CHUNK + 123_457];
        new Random(seed).nextBytes(b);
        return b;
    }

    static long crcOf(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /**
     * A produced section: announces {@code size} and {@code crc32}, writes {@code bytes} in odd-sized pieces
     * (single bytes, a few, more than a chunk) so that piece and chunk boundaries never line up.
     */
    static SectionContent produced(byte[] bytes, long size, long crc32) {
        return new SectionContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public long crc32() {
                return crc32;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                int[] pieces = {1, 7, 4093, Measurer.CHUNK + 3, 65_537, 2, 333_331};
                int off = 0;
                for (int i = 0; off < bytes.length; i++) {
                    int n = Math.min(pieces[i % pieces.length], bytes.length - off);
                    if (n == 1) {
                        out.write(bytes[off]);
                    } else {
                        out.write(bytes, off, n);
                    }
                    off += n;
                }
            }
        };
    }

    /** A produced section that announces exactly what it writes. */
    static SectionContent produced(byte[] bytes) {
        return produced(bytes, bytes.length, crcOf(bytes));
    }

    static EifWriter.Builder withoutApplication(Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("kernel"), "KERNEL-BYTES".getBytes(StandardCharsets.US_ASCII));
        Path r0 = Files.write(dir.resolve("r0"), "RAMDISK-0".getBytes(StandardCharsets.US_ASCII));
        return EifWriter.builder().kernel(kernel).cmdline("console=ttyS0").metadata(syntheticMetadata()).ramdisk(r0);
    }

    static void assertNoFilesIn(Path directory) throws IOException {
        if (Files.exists(directory)) {
            try (var files = Files.list(directory)) {
                assertEquals(List.of(), files.toList(), "neither the target nor a temporary file is left");
            }
        }
    }

    static String sha256Hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void producedApplicationRamdiskGivesTheSameEifAsTheSameBytesFromAFile(@TempDir Path dir) throws Exception {
        byte[] app = largeContent(1);
        Path appFile = Files.write(dir.resolve("app.cpio"), app);
        EifWriter.WrittenEif fromFile = withoutApplication(dir).ramdisk(appFile).build().write(dir.resolve("file.eif"));
        EifWriter.WrittenEif fromContent = withoutApplication(dir).ramdisk(produced(app)).build()
                .write(dir.resolve("produced.eif"));
        assertArrayEquals(Files.readAllBytes(fromFile.file()), Files.readAllBytes(fromContent.file()));
        assertEquals(fromFile.measurements(), fromContent.measurements());
        assertEquals(Pcr.ofContent(app), fromContent.measurements().pcr2());
        assertEquals(fromFile.crc32(), fromContent.crc32());
        assertEquals(fromFile.sha256(), fromContent.sha256());
    }

    @Test
    void producedRamdisksMayStandBetweenFileRamdisksAndBeTheBootstrapRamdisk(@TempDir Path dir) throws Exception {
        byte[] boot = largeContent(2);
        byte[] middle = largeContent(3);
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        Path bootFile = Files.write(dir.resolve("boot"), boot);
        Path middleFile = Files.write(dir.resolve("middle"), middle);
        Path last = Files.write(dir.resolve("last"), "LAST".getBytes(StandardCharsets.US_ASCII));
        EifWriter.WrittenEif fromFiles = EifWriter.builder().kernel(kernel).cmdline("c").metadata(syntheticMetadata())
                .ramdisk(bootFile).ramdisk(middleFile).ramdisk(last).build().write(dir.resolve("files.eif"));
        EifWriter.WrittenEif mixed = EifWriter.builder().kernel(kernel).cmdline("c").metadata(syntheticMetadata())
                .ramdisk(produced(boot)).ramdisk(produced(middle)).ramdisk(last).build().write(dir.resolve("mixed.eif"));
        assertArrayEquals(Files.readAllBytes(fromFiles.file()), Files.readAllBytes(mixed.file()));
        assertEquals(fromFiles.measurements(), mixed.measurements());
        MessageDigest pcr1 = MessageDigest.getInstance("SHA-384");
        pcr1.update(new byte[] {1, 2, 3, 'c'});
        pcr1.update(boot);
        assertEquals(Pcr.ofContentDigest(pcr1.digest()), mixed.measurements().pcr1());
    }

    @Test
    void emptyProducedRamdiskIsAnEmptySection(@TempDir Path dir) throws Exception {
        EifWriter.WrittenEif eif = withoutApplication(dir).ramdisk(produced(new byte[0])).build()
                .write(dir.resolve("empty.eif"));
        EifHeader header = EifHeader.decode(Files.readAllBytes(eif.file()));
        assertEquals(0L, header.sectionSizes().get(4));
        assertEquals(Pcr.ofContent(new byte[0]), eif.measurements().pcr2());
        assertEquals(eif.measurements(), EifReader.read(eif.file()).measurements());
    }

    @Test
    void producedRamdiskWritingFewerBytesThanAnnouncedIsABadInputAndLeavesNoFile(@TempDir Path dir) throws Exception {
        byte[] app = largeContent(4);
        byte[] shorter = java.util.Arrays.copyOf(app, app.length - 1);
        EifWriter writer = withoutApplication(dir).ramdisk(produced(shorter, app.length, crcOf(app))).build();
        Path target = dir.resolve("out/short.eif");
        EifException e = assertThrows(EifException.class, () -> writer.write(target));
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
        assertNoFilesIn(dir.resolve("out"));
    }

    @Test
    void producedRamdiskWritingMoreBytesThanAnnouncedIsABadInputAndLeavesNoFile(@TempDir Path dir) throws Exception {
        byte[] app = "RAMDISK-1-APP".getBytes(StandardCharsets.US_ASCII);
        byte[] longer = "RAMDISK-1-APP+".getBytes(StandardCharsets.US_ASCII);
        EifWriter writer = withoutApplication(dir).ramdisk(produced(longer, app.length, crcOf(app))).build();
        Path target = dir.resolve("out/long.eif");
        EifException e = assertThrows(EifException.class, () -> writer.write(target));
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
        assertNoFilesIn(dir.resolve("out"));
    }

    @Test
    void producedRamdiskWhoseBytesDoNotMatchItsCrcIsABadInputAndLeavesNoFile(@TempDir Path dir) throws Exception {
        byte[] announced = largeContent(5);
        byte[] written = announced.clone();
        written[Measurer.CHUNK + 1] ^= 1;
        EifWriter writer = withoutApplication(dir).ramdisk(produced(written, announced.length, crcOf(announced))).build();
        Path target = dir.resolve("out/crc.eif");
        EifException e = assertThrows(EifException.class, () -> writer.write(target));
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
        assertNoFilesIn(dir.resolve("out"));
    }

    @Test
    void producedRamdiskWhoseBytesDoNotMatchItsCrcIsRefusedInASignedEifToo(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] app = {1, 2, 3};
        EifWriter writer = withoutApplication(dir).ramdisk(produced(app, app.length, crcOf(app) ^ 1)).signer(signer)
                .build();
        EifException e = assertThrows(EifException.class, () -> writer.write(dir.resolve("out/signed.eif")));
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
        assertNoFilesIn(dir.resolve("out"));
    }

    @Test
    void failedProducedRamdiskKeepsThePreviousTarget(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("keep.eif");
        Files.writeString(target, "previous");
        byte[] app = "APP".getBytes(StandardCharsets.US_ASCII);
        EifWriter writer = withoutApplication(dir).ramdisk(produced(app, app.length, crcOf(app) ^ 1)).build();
        assertEquals(EifException.Code.EIF_BAD_INPUT, assertThrows(EifException.class, () -> writer.write(target)).code());
        assertEquals("previous", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void producedRamdiskThatFailsIsAnIoErrorAndLeavesNoFile(@TempDir Path dir) throws Exception {
        SectionContent failing = new SectionContent() {
            @Override
            public long size() {
                return 10;
            }

            @Override
            public long crc32() {
                return 0;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                out.write(new byte[4]);
                throw new IOException("disk gone");
            }
        };
        EifWriter writer = withoutApplication(dir).ramdisk(failing).build();
        EifException e = assertThrows(EifException.class, () -> writer.write(dir.resolve("out/io.eif")));
        assertEquals(EifException.Code.EIF_IO, e.code());
        assertNoFilesIn(dir.resolve("out"));
    }

    @Test
    void writtenSha256SizeAndCrcDescribeTheUnsignedFile(@TempDir Path dir) throws Exception {
        EifWriter.WrittenEif eif = withoutApplication(dir).ramdisk(produced(largeContent(6))).build()
                .write(dir.resolve("u.eif"));
        byte[] file = Files.readAllBytes(eif.file());
        assertEquals(sha256Hex(file), eif.sha256());
        assertEquals(file.length, eif.size());
        assertEquals(EifHeader.decode(file).crc32(), eif.crc32());
        CRC32 crc = new CRC32();
        crc.update(file, 0, 544);
        crc.update(file, 548, file.length - 548);
        assertEquals(crc.getValue(), eif.crc32());
    }

    @Test
    void writtenSha256IsLowerCaseHexOfTheSyntheticVector(@TempDir Path dir) throws Exception {
        EifWriter.WrittenEif eif = synthetic(dir).build().write(dir.resolve("v3.eif"));
        assertEquals("65c726f134bec6635b3e456f5e8cb888612f0e1aedcb1ea054ca8b6cb520d55c", eif.sha256());
    }

    @Test
    void writtenSha256SizeAndCrcDescribeTheSignedFile(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        EifWriter.WrittenEif eif = withoutApplication(dir).ramdisk(produced(largeContent(7))).signer(signer).build()
                .write(dir.resolve("s.eif"));
        byte[] file = Files.readAllBytes(eif.file());
        assertEquals(sha256Hex(file), eif.sha256());
        assertEquals(file.length, eif.size());
        EifHeader header = EifHeader.decode(file);
        assertEquals(header.crc32(), eif.crc32());
        assertEquals(6, header.sectionSizes().size(), "kernel, cmdline, metadata, two ramdisks, signature");
        assertEquals(eif.measurements(), EifReader.read(eif.file()).measurements());
    }

    @Test
    void signedEifWithAProducedRamdiskEqualsTheOneWithTheSameBytesFromAFile(@TempDir Path dir) throws Exception {
        Path[] kc = SigningFixtures.p384(dir);
        EifSigner signer = EifSigner.fromPem(kc[0], kc[1], SigningFixtures.DURING);
        byte[] app = largeContent(8);
        Path appFile = Files.write(dir.resolve("app.cpio"), app);
        EifWriter.WrittenEif fromFile = withoutApplication(dir).ramdisk(appFile).signer(signer).build()
                .write(dir.resolve("file.eif"));
        EifWriter.WrittenEif fromContent = withoutApplication(dir).ramdisk(produced(app)).signer(signer).build()
                .write(dir.resolve("produced.eif"));
        assertArrayEquals(Files.readAllBytes(fromFile.file()), Files.readAllBytes(fromContent.file()));
        assertEquals(fromFile.measurements(), fromContent.measurements());
        assertEquals(signer.pcr8(), fromContent.measurements().pcr8().orElseThrow());
    }

    @Test
    void unsignedEifWrittenHeaderFirstReadsBackWithItsLayoutCrcAndMeasurements(@TempDir Path dir) throws Exception {
        byte[] app = largeContent(9);
        Path extra = Files.write(dir.resolve("extra"), new byte[] {42});
        EifWriter.WrittenEif eif = withoutApplication(dir).ramdisk(produced(app)).ramdisk(extra).build()
                .write(dir.resolve("r.eif"));
        EifImage image = EifReader.read(eif.file());
        assertEquals(eif.measurements(), image.measurements());
        assertTrue(image.crcValid());
        EifHeader header = image.header();
        assertEquals(List.of(12L, 13L, 238L, 9L, (long) app.length, 1L), header.sectionSizes());
        assertEquals(List.of(548L, 572L, 597L, 847L, 868L, 880L + app.length), header.sectionOffsets());
        assertEquals(eif.size(), header.impliedFileLength());
        assertEquals(eif.crc32(), header.crc32());
    }

    @Test
    void metadataOfTheSyntheticVectorIsTheSpecs238Bytes() {
        byte[] json = syntheticMetadata().toSectionBytes();
        assertEquals(SYNTHETIC_METADATA, new String(json, StandardCharsets.UTF_8));
        assertEquals(238, json.length);
    }

    @Test
    void syntheticEifMatchesVector3ByteForByte(@TempDir Path dir) throws Exception {
        EifWriter.WrittenEif eif = synthetic(dir).build().write(dir.resolve("out/test.eif"));
        byte[] file = Files.readAllBytes(eif.file());

        assertEquals(893, file.length);
        assertEquals(893, eif.size());
        assertEquals("65c726f134bec6635b3e456f5e8cb888612f0e1aedcb1ea054ca8b6cb520d55c",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        assertEquals(0x443a3533L, eif.crc32());
        EifHeader header = EifHeader.decode(file);
        assertEquals(List.of(548L, 572L, 597L, 847L, 868L), header.sectionOffsets());
        assertEquals(List.of(12L, 13L, 238L, 9L, 13L), header.sectionSizes());
        assertEquals(0x443a3533L, header.crc32());
        assertEquals("2e65696600040000000000004000000000000000000000020000000500000000000002240000000000000"
                + "23c", HexFormat.of().formatHex(file, 0, 44));
    }

    @Test
    void syntheticEifMeasurementsAreVector3() throws Exception {
        Path dir = Files.createTempDirectory("eif");
        EifMeasurements m = synthetic(dir).build().write(dir.resolve("test.eif")).measurements();
        assertEquals("1f1d207cb2d4484930d0f823e8b833169036bebc1fb4ef5449161fcbd9498f1fc52867a9a704cfe12e3ce677c337ada0", m.pcr0().hex());
        assertEquals("a85c761fc79b20dc65c344a9b3e98033982da0f0aea81862e824b1f37386f739456cdc4dbc050449b98f960d3d38e2b9", m.pcr1().hex());
        assertEquals("22e24471c39d3664a951ec258b0b63778ddade72ec66cc6769f7bcff41b53745b210ce9647c1b65c8abb227063dbfaeb", m.pcr2().hex());
        assertTrue(m.pcr8().isEmpty());
    }

    @Test
    void crcIsOverHeaderWithoutItsCrcFieldThenAllSections(@TempDir Path dir) throws Exception {
        byte[] file = Files.readAllBytes(synthetic(dir).build().write(dir.resolve("a.eif")).file());
        CRC32 crc = new CRC32();
        crc.update(file, 0, 544);
        crc.update(file, 548, file.length - 548);
        assertEquals(crc.getValue(), EifHeader.decode(file).crc32());
    }

    @Test
    void pcrOfEmptyContentIsVector1() {
        assertEquals("21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c10edb30948c90ba67310f7b964fc500a",
                Pcr.ofContent(new byte[0]).hex());
    }

    @Test
    void pcrOfAbcIsVector2() {
        assertEquals("93732e3733514a841c982cfa75ea76ab55fe011acb9cd980ef4523913c65be1b0998e04d77f8c174f81a82151619ca40",
                Pcr.ofContent("abc".getBytes(StandardCharsets.US_ASCII)).hex());
    }

    @Test
    void singleRamdiskImageHasPcr1EqualPcr0AndEmptyPcr2(@TempDir Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1, 2, 3});
        Path r0 = Files.write(dir.resolve("r0"), new byte[] {4});
        EifMeasurements m = EifWriter.builder().kernel(kernel).cmdline("x").metadata(syntheticMetadata()).ramdisk(r0)
                .build().write(dir.resolve("one.eif")).measurements();
        assertEquals(m.pcr0(), m.pcr1());
        assertEquals(Pcr.ofContent(new byte[0]), m.pcr2());
        assertEquals(Pcr.ofContent(new byte[] {1, 2, 3, 'x', 4}), m.pcr0());
    }

    @Test
    void applicationRamdisksOfAnySizeAreMeasuredInFileOrder(@TempDir Path dir) throws Exception {
        // small (inline), medium (one pooled chunk), large (second thread), then small and large again
        int[] sizes = {100, 200 << 10, Measurer.CHUNK * 3 + 17, 50, Measurer.CHUNK + 5};
        Path kernel = Files.write(dir.resolve("k"), new byte[] {9});
        Path r0 = Files.write(dir.resolve("r0"), new byte[] {8});
        EifWriter.Builder b = EifWriter.builder().kernel(kernel).cmdline("c").metadata(syntheticMetadata()).ramdisk(r0);
        MessageDigest app = MessageDigest.getInstance("SHA-384");
        MessageDigest image = MessageDigest.getInstance("SHA-384");
        image.update(new byte[] {9, 'c', 8});
        for (int r = 0; r < sizes.length; r++) {
            byte[] content = new byte[sizes[r]];
            for (int i = 0; i < content.length; i++) {
                content[i] = (byte) (i * 31 + r);
            }
            b.ramdisk(Files.write(dir.resolve("r" + (r + 1)), content));
            app.update(content);
            image.update(content);
        }
        EifWriter.WrittenEif written = b.build().write(dir.resolve("mixed.eif"));
        assertEquals(Pcr.ofContentDigest(app.digest()), written.measurements().pcr2());
        assertEquals(Pcr.ofContentDigest(image.digest()), written.measurements().pcr0());
        assertEquals(written.measurements(), EifReader.read(written.file()).measurements());
    }

    @Test
    void aarch64SetsHeaderFlagBitZero(@TempDir Path dir) throws Exception {
        byte[] file = Files.readAllBytes(synthetic(dir).architecture(EifArchitecture.AARCH64).build()
                .write(dir.resolve("arm.eif")).file());
        assertEquals(0, file[6]);
        assertEquals(1, file[7]);
        assertEquals(EifArchitecture.AARCH64, EifHeader.decode(file).architecture());
    }

    @Test
    void writingTwiceGivesIdenticalBytes(@TempDir Path dir) throws Exception {
        EifWriter writer = synthetic(dir).build();
        byte[] first = Files.readAllBytes(writer.write(dir.resolve("1.eif")).file());
        byte[] second = Files.readAllBytes(writer.write(dir.resolve("2.eif")).file());
        assertArrayEquals(first, second);
    }

    @Test
    void missingRamdiskFileIsABadInputAndLeavesNoFileBehind(@TempDir Path dir) throws Exception {
        EifWriter writer = synthetic(dir).ramdisk(dir.resolve("nope.cpio")).build();
        Path target = dir.resolve("out/x.eif");
        EifException e = assertThrows(EifException.class, () -> writer.write(target));
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
        assertFalse(Files.exists(target));
    }

    @Test
    void failedWriteKeepsThePreviousFileAndRemovesTheTemporary(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("keep.eif");
        Files.writeString(target, "previous");
        Path kernelDir = Files.createDirectory(dir.resolve("kernel-is-a-directory"));
        EifWriter writer = synthetic(dir).kernel(kernelDir).build();
        assertEquals(EifException.Code.EIF_BAD_INPUT, assertThrows(EifException.class, () -> writer.write(target)).code());
        assertEquals("previous", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void imageWithoutRamdiskIsRefused(@TempDir Path dir) throws Exception {
        Path kernel = Files.write(dir.resolve("k"), new byte[] {1});
        EifException e = assertThrows(EifException.class, () -> EifWriter.builder().kernel(kernel).cmdline("c")
                .metadata(syntheticMetadata()).build());
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
    }

    @Test
    void cmdlineWithNulIsRefused() {
        EifException e = assertThrows(EifException.class, () -> EifWriter.builder().cmdline("a\0b"));
        assertEquals(EifException.Code.EIF_BAD_INPUT, e.code());
    }

    @Test
    void moreThan32SectionsAreRefused(@TempDir Path dir) throws Exception {
        EifWriter.Builder b = synthetic(dir);
        Path r = dir.resolve("r0");
        for (int i = 0; i < 28; i++) {
            b.ramdisk(r);
        }
        assertEquals(EifException.Code.EIF_BAD_INPUT, assertThrows(EifException.class, b::build).code());
    }
}

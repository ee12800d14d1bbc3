package dev.attested.eif;

import dev.attested.internal.io.AtomicFiles;
import dev.attested.internal.io.Crc32s;
import dev.attested.internal.io.FileDigest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes a version-4 EIF the way nitro-cli and eif_build lay it out (docs/spec/eif-format.md §2.3): kernel, cmdline,
 * metadata, the ramdisks in the given order, and an optional signature section; CRC32 over the header and every
 * section.
 *
 * <p>Inputs stream from files in fixed-size chunks, so memory does not grow with the image. The PCRs are
 * measured while the bytes are written (PCR2 on a second thread), and the result lands under its final name
 * only when complete ({@link AtomicFiles}).
 *
 * <pre>{@code
 * WrittenEif eif = EifWriter.builder()
 *         .kernel(blobs.resolve("bzImage"))
 *         .cmdline("reboot=k panic=30 ...")
 *         .metadata(EifMetadata.of("app", "1.0", EifMetadata.BuildMetadata.of(outputTimestamp,
 *                 "attestation-maven-plugin", "0.1.0", "Linux", "4.14.256")))
 *         .ramdisk(bootstrapCpio)
 *         .ramdisk(customerCpio)
 *         .build()
 *         .write(target);
 * eif.measurements().pcr0();
 * }</pre>
 */
public final class EifWriter {
    private final EifArchitecture architecture;
    private final Path kernel;
    private final byte[] cmdline;
    private final byte[] metadata;
    private final List<Ramdisk> ramdisks;
    private final EifSigner signer;

    private EifWriter(Builder b) {
        this.architecture = b.architecture;
        this.kernel = b.kernel;
        this.cmdline = b.cmdline;
        this.metadata = b.metadata;
        this.ramdisks = List.copyOf(b.ramdisks);
        this.signer = b.signer;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What was written: the file, its length, CRC and lower-case hex SHA-256, and the PCRs. */
    public record WrittenEif(Path file, long size, long crc32, String sha256, EifMeasurements measurements) {}

    /** A ramdisk section: a file copied verbatim, or content produced while the EIF is written. */
    private record Ramdisk(Path file, SectionContent content) {
        long size() {
            return file != null ? sizeOf(file, "ramdisk") : content.size();
        }

        long crc32(long size) throws IOException {
            return file != null ? fileCrc(file, size, "ramdisk") : content.crc32();
        }
    }

    /**
     * Writes the EIF to {@code target} (parent directories are created) and returns its measurements.
     *
     * <p>An unsigned EIF is written front to back in one pass: the section sizes and CRCs are known first (input
     * files are checksummed before they are copied, produced content announces its CRC), so the header with its
     * CRC comes first and the file's SHA-256 is computed along with the PCRs. A signed EIF's header depends on the
     * signature over PCR0, so it is written last and the file is hashed once more after it.
     *
     * @throws EifException {@code EIF_BAD_INPUT} for a missing or changing input, {@code EIF_IO} when writing
     *                      fails; the target is then left untouched
     */
    public WrittenEif write(Path target) {
        List<Long> sizes = new ArrayList<>();
        sizes.add(sizeOf(kernel, "kernel"));
        sizes.add((long) cmdline.length);
        sizes.add((long) metadata.length);
        for (Ramdisk r : ramdisks) {
            sizes.add(r.size());
        }
        Path tmp = null;
        try {
            tmp = AtomicFiles.newTempSibling(target);
            EifHeader header = null;
            EifMeasurements measurements;
            String sha256 = null;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 Measurer m = new Measurer(signer == null)) {
                long expectedCrc = 0;
                if (signer == null) {
                    expectedCrc = sectionsCrc(sizes);
                    header = EifHeader.laidOut(architecture, sizes, 0);
                    header = header.withCrc(headerCrcThen(header, expectedCrc, sectionsLength(sizes)));
                    byte[] encoded = header.encode();
                    Measurer.writeFully(out, encoded, EifHeader.LENGTH);
                    m.fileOnly(encoded);
                } else {
                    out.position(EifHeader.LENGTH);
                }
                section(m, out, EifSectionType.KERNEL, kernel, sizes.get(0), Measurer.Region.BOOTSTRAP);
                section(m, out, EifSectionType.CMDLINE, cmdline, Measurer.Region.BOOTSTRAP);
                section(m, out, EifSectionType.METADATA, metadata, Measurer.Region.UNMEASURED);
                for (int i = 0; i < ramdisks.size(); i++) {
                    Measurer.Region region = i == 0 ? Measurer.Region.BOOTSTRAP : Measurer.Region.APPLICATION;
                    Ramdisk r = ramdisks.get(i);
                    if (r.file() != null) {
                        section(m, out, EifSectionType.RAMDISK, r.file(), sizes.get(3 + i), region);
                    } else {
                        section(m, out, r.content(), sizes.get(3 + i), region);
                    }
                    if (i == 0) {
                        m.endBootstrap();
                    }
                }
                measurements = m.finish();
                if (signer == null) {
                    if (m.crc() != expectedCrc) {
                        throw new EifException(EifException.Code.EIF_BAD_INPUT, "an input of " + target
                                + " changed while the EIF was being written (its CRC differs from the one checked "
                                + "before); make sure nothing rewrites the kernel or ramdisks during the build");
                    }
                } else {
                    byte[] signature = signer.signatureSection(measurements.pcr0());
                    sizes.add((long) signature.length);
                    section(m, out, EifSectionType.SIGNATURE, signature, Measurer.Region.UNMEASURED);
                    measurements = measurements.withPcr8(signer.pcr8());
                    header = EifHeader.laidOut(architecture, sizes, 0);
                    header = header.withCrc(headerCrcThen(header, m.crc(), m.crcLength()));
                    out.position(0);
                    Measurer.writeFully(out, header.encode(), EifHeader.LENGTH);
                }
                long size = out.size();
                if (size != header.impliedFileLength()) {
                    throw new EifException(EifException.Code.EIF_IO, "wrote " + size + " bytes to " + tmp
                            + " but the layout needs " + header.impliedFileLength());
                }
                if (signer == null) {
                    sha256 = m.fileSha256();
                }
            }
            if (sha256 == null) { // signed: the header was written last, so hash the finished file
                sha256 = FileDigest.sha256(tmp);
            }
            WrittenEif written = new WrittenEif(target, header.impliedFileLength(), header.crc32(), sha256,
                    measurements);
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
            return written;
        } catch (IOException e) {
            throw new EifException(EifException.Code.EIF_IO, "cannot write " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure matters more
                }
            }
        }
    }

    /** CRC of the section headers and contents of an unsigned EIF, before any of it is written. */
    private long sectionsCrc(List<Long> sizes) throws IOException {
        long crc = 0;
        crc = appendSection(crc, EifSectionType.KERNEL, sizes.get(0), fileCrc(kernel, sizes.get(0), "kernel"));
        crc = appendSection(crc, EifSectionType.CMDLINE, sizes.get(1), crcOf(cmdline));
        crc = appendSection(crc, EifSectionType.METADATA, sizes.get(2), crcOf(metadata));
        for (int i = 0; i < ramdisks.size(); i++) {
            long size = sizes.get(3 + i);
            crc = appendSection(crc, EifSectionType.RAMDISK, size, ramdisks.get(i).crc32(size));
        }
        return crc;
    }

    private static long appendSection(long crc, EifSectionType type, long size, long contentCrc) {
        crc = Crc32s.combine(crc, crcOf(sectionHeader(type, size)), EifHeader.SECTION_HEADER_LENGTH);
        return Crc32s.combine(crc, contentCrc, size);
    }

    private static long sectionsLength(List<Long> sizes) {
        long total = 0;
        for (long s : sizes) {
            total = Math.addExact(total, EifHeader.SECTION_HEADER_LENGTH + s);
        }
        return total;
    }

    private static long crcOf(byte[] bytes) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    private static long fileCrc(Path file, long size, String what) throws IOException {
        FileDigest.Crc crc = FileDigest.crc32(file);
        if (crc.length() != size) {
            throw changed(what, file, size);
        }
        return crc.value();
    }

    private static EifException changed(String what, Path file, long size) {
        return new EifException(EifException.Code.EIF_BAD_INPUT, "the " + what + " file " + file
                + " changed size while the EIF was being written (" + size + " bytes expected)");
    }

    /** CRC of {@code header[0, 544) ‖ rest} given the CRC and length of {@code rest}. */
    static long headerCrcThen(EifHeader header, long restCrc, long restLength) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(header.encode(), 0, EifHeader.CRC_OFFSET);
        return Crc32s.combine(crc.getValue(), restCrc, restLength);
    }

    static byte[] sectionHeader(EifSectionType type, long size) {
        return ByteBuffer.allocate(EifHeader.SECTION_HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN)
                .putShort((short) type.id()).putShort((short) 0).putLong(size).array();
    }

    private static void section(Measurer m, FileChannel out, EifSectionType type, byte[] data, Measurer.Region region)
            throws IOException {
        m.update(sectionHeader(type, data.length), Measurer.Region.UNMEASURED, out);
        m.update(data, region, out);
    }

    private static void section(Measurer m, FileChannel out, EifSectionType type, Path file, long size,
                                Measurer.Region region) throws IOException {
        m.update(sectionHeader(type, size), Measurer.Region.UNMEASURED, out);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            if (!m.copy(in, size, region, out) || in.size() != size) {
                throw changed(type.name().toLowerCase(java.util.Locale.ROOT), file, size);
            }
        }
    }

    private static void section(Measurer m, FileChannel out, SectionContent content, long size, Measurer.Region region)
            throws IOException {
        m.update(sectionHeader(EifSectionType.RAMDISK, size), Measurer.Region.UNMEASURED, out);
        long before = m.crc();
        Measurer.SectionStream stream = m.stream(region, out);
        content.writeTo(stream);
        stream.close();
        if (stream.count() != size) {
            throw new EifException(EifException.Code.EIF_BAD_INPUT, "a produced ramdisk wrote " + stream.count()
                    + " bytes but announced " + size + "; the EIF was not kept");
        }
        if (Crc32s.combine(before, content.crc32(), size) != m.crc()) {
            throw new EifException(EifException.Code.EIF_BAD_INPUT, "a produced ramdisk wrote other bytes than "
                    + "the CRC-32 it announced; the EIF was not kept");
        }
    }

    private static long sizeOf(Path file, String what) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "the " + what + " " + file
                        + " is not a regular file; give the path of the " + what + " image");
            }
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new EifException(EifException.Code.EIF_BAD_INPUT, "the " + what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new EifException(EifException.Code.EIF_BAD_INPUT, "cannot read the " + what + " " + file + ": " + e);
        }
    }

    /** Collects the inputs of one EIF. Kernel, cmdline, metadata and at least one ramdisk are required. */
    public static final class Builder {
        private EifArchitecture architecture = EifArchitecture.X86_64;
        private Path kernel;
        private byte[] cmdline;
        private byte[] metadata;
        private final List<Ramdisk> ramdisks = new ArrayList<>();
        private EifSigner signer;

        private Builder() {}

        /** Header architecture flag; default x86_64. */
        public Builder architecture(EifArchitecture value) {
            this.architecture = Objects.requireNonNull(value, "architecture");
            return this;
        }

        /** The kernel image ({@code bzImage} or arm64 {@code Image}), copied verbatim. */
        public Builder kernel(Path file) {
            this.kernel = Objects.requireNonNull(file, "kernel");
            return this;
        }

        /**
         * The kernel command line, written as its UTF-8 bytes exactly as given (no trailing NUL; nitro-cli trims
         * the blob's whitespace first, eif_build does not).
         */
        public Builder cmdline(String value) {
            Objects.requireNonNull(value, "cmdline");
            if (value.indexOf('\0') >= 0) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "the kernel command line contains a NUL byte; remove it");
            }
            this.cmdline = value.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /** The metadata section (mandatory in version 4). */
        public Builder metadata(EifMetadata value) {
            this.metadata = Objects.requireNonNull(value, "metadata").toSectionBytes();
            return this;
        }

        /**
         * Metadata section bytes given verbatim, e.g. to reproduce a file nitro-cli wrote; must be a JSON object
         * of the nitro-cli shape.
         */
        public Builder metadataBytes(byte[] sectionBytes) {
            EifMetadata.parse(sectionBytes);
            this.metadata = sectionBytes.clone();
            return this;
        }

        /** Appends a ramdisk; the first is the bootstrap ramdisk (PCR1), the rest are the application (PCR2). */
        public Builder ramdisk(Path file) {
            ramdisks.add(new Ramdisk(Objects.requireNonNull(file, "ramdisk"), null));
            return this;
        }

        /** Appends a ramdisk whose bytes are produced while the EIF is written (no intermediate file). */
        public Builder ramdisk(SectionContent content) {
            ramdisks.add(new Ramdisk(null, Objects.requireNonNull(content, "ramdisk")));
            return this;
        }

        /** Appends ramdisks in order. */
        public Builder ramdisks(List<Path> files) {
            files.forEach(this::ramdisk);
            return this;
        }

        /** Signs PCR0 and adds the signature section (PCR8); {@code null} for an unsigned image. */
        public Builder signer(EifSigner value) {
            this.signer = value;
            return this;
        }

        public EifWriter build() {
            if (kernel == null) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "no kernel given");
            }
            if (cmdline == null) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "no kernel command line given");
            }
            if (metadata == null) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "no metadata given; version-4 EIFs require a metadata section");
            }
            if (ramdisks.isEmpty()) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "no ramdisk given; an EIF needs at least the bootstrap ramdisk");
            }
            int sections = 3 + ramdisks.size() + (signer == null ? 0 : 1);
            if (sections > EifHeader.MAX_SECTIONS) {
                throw new EifException(EifException.Code.EIF_BAD_INPUT, ramdisks.size() + " ramdisks make " + sections
                        + " sections; an EIF holds at most " + EifHeader.MAX_SECTIONS + ". Merge ramdisks (the kernel concatenates them anyway)");
            }
            return new EifWriter(this);
        }
    }
}

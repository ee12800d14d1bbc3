package dev.attested.eif;

import dev.attested.io.AtomicFiles;
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
 * Writes a version-4 EIF the way nitro-cli and eif_build lay it out (EIF.md §3): kernel, cmdline, metadata,
 * the ramdisks in the given order, and an optional signature section; CRC32 over the header and every section.
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
    private final List<Path> ramdisks;
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

    /** What was written. */
    public record WrittenEif(Path file, long size, long crc32, EifMeasurements measurements) {}

    /**
     * Writes the EIF to {@code target} (parent directories are created) and returns its measurements.
     *
     * @throws EifException {@code EIF_BAD_INPUT} for a missing or changing input, {@code EIF_IO} when writing
     *                      fails; the target is then left untouched
     */
    public WrittenEif write(Path target) {
        List<Long> sizes = new ArrayList<>();
        sizes.add(sizeOf(kernel, "kernel"));
        sizes.add((long) cmdline.length);
        sizes.add((long) metadata.length);
        for (Path r : ramdisks) {
            sizes.add(sizeOf(r, "ramdisk"));
        }
        Path tmp = null;
        try {
            tmp = AtomicFiles.newTempSibling(target);
            WrittenEif written;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 Measurer m = new Measurer()) {
                out.position(EifHeader.LENGTH);
                section(m, out, EifSectionType.KERNEL, kernel, sizes.get(0), Measurer.Region.BOOTSTRAP);
                section(m, out, EifSectionType.CMDLINE, cmdline, Measurer.Region.BOOTSTRAP);
                section(m, out, EifSectionType.METADATA, metadata, Measurer.Region.UNMEASURED);
                for (int i = 0; i < ramdisks.size(); i++) {
                    Measurer.Region region = i == 0 ? Measurer.Region.BOOTSTRAP : Measurer.Region.APPLICATION;
                    section(m, out, EifSectionType.RAMDISK, ramdisks.get(i), sizes.get(3 + i), region);
                    if (i == 0) {
                        m.endBootstrap();
                    }
                }
                EifMeasurements measurements = m.finish();
                if (signer != null) {
                    byte[] signature = signer.signatureSection(measurements.pcr0());
                    sizes.add((long) signature.length);
                    section(m, out, EifSectionType.SIGNATURE, signature, Measurer.Region.UNMEASURED);
                    measurements = measurements.withPcr8(signer.pcr8());
                }
                EifHeader header = EifHeader.laidOut(architecture, sizes, 0);
                long crc = headerCrcThen(header, m.crc(), m.crcLength());
                header = header.withCrc(crc);
                out.position(0);
                Measurer.writeFully(out, header.encode(), EifHeader.LENGTH);
                long size = out.size();
                if (size != header.impliedFileLength()) {
                    throw new EifException(EifException.Code.EIF_IO, "wrote " + size + " bytes to " + tmp
                            + " but the layout needs " + header.impliedFileLength());
                }
                written = new WrittenEif(target, size, crc, measurements);
            }
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
                throw new EifException(EifException.Code.EIF_BAD_INPUT, "the " + type.name().toLowerCase(java.util.Locale.ROOT)
                        + " file " + file + " changed size while the EIF was being written (" + size + " bytes expected)");
            }
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
        private final List<Path> ramdisks = new ArrayList<>();
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
            ramdisks.add(Objects.requireNonNull(file, "ramdisk"));
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

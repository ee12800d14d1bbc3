package dev.attested.eif;

import dev.attested.internal.cbor.CborException;
import dev.attested.internal.cbor.CborReader;
import dev.attested.internal.cbor.CborValue;
import dev.attested.internal.cose.CoseException;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.internal.cose.Es384;
import dev.attested.internal.io.Crc32s;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Reads an EIF strictly (docs/spec/eif-format.md §2, §4, §7) and measures it in one streaming pass: the header and its
 * tables are checked against the file length and against the section walk before any section is read, no length from
 * the file sizes an allocation beyond fixed limits, and every byte after the CRC field is checksummed while PCR0/1/2
 * are computed (PCR2 on a second thread). A regular file's kernel and ramdisks are mapped (read-only, a bounded
 * window at a time) rather than copied into buffers; a file that shrinks while it is read fails with
 * {@code EIF_TRUNCATED}, like one that was short from the start.
 *
 * <p>Accepted structure: version 4, flags = architecture bit only, sections back to back from offset 548 up to
 * the end of the file, section flags 0, exactly one kernel, one cmdline and one metadata section, at least one
 * ramdisk, at most one signature, kernel and cmdline before the ramdisks.
 */
public final class EifReader {
    /** Largest metadata section read (nitro-cli's are a few KiB: custom metadata ≤ 4 KiB plus Docker info). */
    public static final int MAX_METADATA_BYTES = 1 << 20;
    /** Largest signature section read (the format's documented limit). */
    public static final int MAX_SIGNATURE_BYTES = 32768;

    private EifReader() {}

    /** Reads, measures and checks {@code file}; fails with {@code EIF_CRC_MISMATCH} / {@code EIF_SIGNATURE_INVALID} too. */
    public static EifImage read(Path file) {
        return inspect(file).requireIntact();
    }

    /**
     * Reads and measures {@code file}; structural errors throw, the CRC and signature results are reported in
     * the returned image (for {@code describe-eif}, which prints {@code CheckCRC}/{@code SignatureCheck}).
     */
    public static EifImage inspect(Path file) {
        return inspect(file, null);
    }

    /** {@link #inspect(Path)}, running {@code afterMapping} (for tests) once the first section has been mapped. */
    static EifImage inspect(Path file, Runnable afterMapping) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Measurer m = new Measurer()) {
            boolean mapped = Files.readAttributes(file, BasicFileAttributes.class).isRegularFile();
            m.afterMapping(afterMapping);
            long length = ch.size();
            try {
                return inspect(ch, m, length, mapped);
            } catch (Measurer.MappedFileFault e) {
                throw changedWhileMapped(file, ch, length, e);
            } catch (InternalError e) { // a fault on the mapping may surface after the access that caused it
                if (!mapped) {
                    throw e;
                }
                throw changedWhileMapped(file, ch, length, e);
            }
        } catch (NoSuchFileException e) {
            throw new EifException(EifException.Code.EIF_IO, "the EIF " + file + " does not exist");
        } catch (IOException e) {
            throw new EifException(EifException.Code.EIF_IO, "cannot read the EIF " + file + ": " + e, e);
        }
    }

    /** A mapped read failed: the file shrank under the mapping (truncated), or the file system failed to read it. */
    private static EifException changedWhileMapped(Path file, FileChannel ch, long length, Throwable fault) {
        long now;
        try {
            now = ch.size();
        } catch (IOException e) {
            now = -1;
        }
        if (now >= 0 && now < length) {
            return new EifException(EifException.Code.EIF_TRUNCATED, "the EIF " + file + " shrank from " + length + " to " + now
                    + " bytes while it was read (another program is writing or truncating it?); read it again once it is complete",
                    fault);
        }
        return new EifException(EifException.Code.EIF_IO, "cannot read the EIF " + file + " (" + length
                + " bytes) through its memory mapping: " + fault.getMessage(), fault);
    }

    private static EifImage inspect(FileChannel ch, Measurer m, long length, boolean mapped) throws IOException {
        if (length < EifHeader.LENGTH) {
            if (length >= 4 && !java.util.Arrays.equals(readAt(ch, 0, 4), EifHeader.MAGIC)) {
                throw new EifException(EifException.Code.EIF_BAD_MAGIC, "the file (" + length
                        + " bytes) does not start with the EIF magic \".eif\"; is this an enclave image file?");
            }
            throw new EifException(EifException.Code.EIF_TRUNCATED, "the file has " + length + " bytes; an EIF starts with a "
                    + EifHeader.LENGTH + "-byte header");
        }
        byte[] headerBytes = readAt(ch, 0, EifHeader.LENGTH);
        EifHeader header = EifHeader.decode(headerBytes);
        checkLayout(header, length);

        List<EifImage.Section> sections = new ArrayList<>();
        int kernels = 0;
        int cmdlines = 0;
        int ramdisks = 0;
        byte[] metadata = null;
        byte[] signature = null;
        for (int i = 0; i < header.sectionCount(); i++) {
            long offset = header.sectionOffsets().get(i);
            long size = header.sectionSizes().get(i);
            byte[] sh = readAt(ch, offset, EifHeader.SECTION_HEADER_LENGTH);
            ByteBuffer b = ByteBuffer.wrap(sh).order(ByteOrder.BIG_ENDIAN);
            EifSectionType type = EifSectionType.of(Short.toUnsignedInt(b.getShort()), i);
            int flags = Short.toUnsignedInt(b.getShort());
            long declared = b.getLong();
            if (flags != 0) {
                throw new EifException(EifException.Code.EIF_BAD_SECTION, "section " + i + " (" + type + ") has flags " + flags + ", expected 0");
            }
            if (declared != size) {
                throw new EifException(EifException.Code.EIF_SIZE_MISMATCH, "section " + i + " (" + type + ") declares "
                        + Long.toUnsignedString(declared) + " bytes but the header table says " + size);
            }
            m.update(sh, Measurer.Region.UNMEASURED, null);
            long start = offset + EifHeader.SECTION_HEADER_LENGTH;
            ch.position(start);
            switch (type) {
                case KERNEL, CMDLINE -> {
                    if (ramdisks > 0) {
                        throw new EifException(EifException.Code.EIF_BAD_SECTION, "section " + i + " (" + type
                                + ") follows a ramdisk; kernel and cmdline come before the ramdisks");
                    }
                    if (type == EifSectionType.KERNEL) {
                        kernels++;
                    } else {
                        cmdlines++;
                    }
                    feed(ch, m, mapped, start, size, Measurer.Region.BOOTSTRAP);
                }
                case RAMDISK -> {
                    if (kernels == 0 || cmdlines == 0) {
                        throw new EifException(EifException.Code.EIF_BAD_SECTION, "section " + i
                                + " is a ramdisk before the kernel and cmdline sections");
                    }
                    feed(ch, m, mapped, start, size, ramdisks == 0 ? Measurer.Region.BOOTSTRAP : Measurer.Region.APPLICATION);
                    if (ramdisks == 0) {
                        m.endBootstrap();
                    }
                    ramdisks++;
                }
                case METADATA -> {
                    if (metadata != null) {
                        throw new EifException(EifException.Code.EIF_SECTION_COUNT, "section " + i + " is a second metadata section");
                    }
                    if (size > MAX_METADATA_BYTES) {
                        throw new EifException(EifException.Code.EIF_BAD_METADATA, "the metadata section has " + size
                                + " bytes, more than the " + MAX_METADATA_BYTES + " this reader accepts");
                    }
                    metadata = readAt(ch, offset + EifHeader.SECTION_HEADER_LENGTH, (int) size);
                    m.update(metadata, Measurer.Region.UNMEASURED, null);
                }
                case SIGNATURE -> {
                    if (signature != null) {
                        throw new EifException(EifException.Code.EIF_SECTION_COUNT, "section " + i + " is a second signature section");
                    }
                    if (size > MAX_SIGNATURE_BYTES) {
                        throw new EifException(EifException.Code.EIF_SIGNATURE_INVALID, "the signature section has " + size
                                + " bytes; the format allows at most " + MAX_SIGNATURE_BYTES);
                    }
                    signature = readAt(ch, offset + EifHeader.SECTION_HEADER_LENGTH, (int) size);
                    m.update(signature, Measurer.Region.UNMEASURED, null);
                }
                default -> throw new IllegalStateException(type.toString());
            }
            sections.add(new EifImage.Section(i, type, offset, size));
        }
        if (kernels != 1 || cmdlines != 1 || ramdisks < 1 || metadata == null) {
            throw new EifException(EifException.Code.EIF_SECTION_COUNT, "the image has " + kernels + " kernel, " + cmdlines
                    + " cmdline, " + ramdisks + " ramdisk and " + (metadata == null ? 0 : 1)
                    + " metadata sections; a version-4 EIF has exactly one kernel, cmdline and metadata section and at least one ramdisk");
        }
        EifMeasurements measurements = m.finish();
        CRC32 headerCrc = new CRC32();
        headerCrc.update(headerBytes, 0, EifHeader.CRC_OFFSET);
        long crc = Crc32s.combine(headerCrc.getValue(), m.crc(), m.crcLength());
        EifMetadata parsed = EifMetadata.parse(metadata);
        Optional<EifImage.Signature> sig = Optional.empty();
        if (signature != null) {
            EifImage.Signature s = checkSignature(signature, measurements.pcr0());
            sig = Optional.of(s);
            try {
                measurements = measurements.withPcr8(Pcr.ofSigningCertificate(s.certificate().getEncoded()));
            } catch (CertificateEncodingException e) {
                throw new EifException(EifException.Code.EIF_SIGNATURE_INVALID, "the signing certificate cannot be DER-encoded", e);
            }
        }
        return new EifImage(header, sections, measurements, parsed, crc, sig);
    }

    /** Offsets must follow the back-to-back walk from 548 and the last section must end at the end of the file. */
    private static void checkLayout(EifHeader header, long length) {
        long expected = EifHeader.LENGTH;
        for (int i = 0; i < header.sectionCount(); i++) {
            long offset = header.sectionOffsets().get(i);
            long size = header.sectionSizes().get(i);
            if (size > length) {
                throw new EifException(EifException.Code.EIF_SIZE_MISMATCH, "section " + i + " claims " + size
                        + " bytes, more than the whole file (" + length + " bytes): the size field is corrupt");
            }
            if (offset != expected) {
                throw new EifException(EifException.Code.EIF_SIZE_MISMATCH, "the header table puts section " + i + " at offset "
                        + offset + " but the previous section ends at " + expected + "; sections must follow each other without gaps");
            }
            long end = offset + EifHeader.SECTION_HEADER_LENGTH + size;
            if (end > length) {
                throw new EifException(EifException.Code.EIF_TRUNCATED, "section " + i + " ends at byte " + end
                        + " but the file has " + length + " bytes: the file is truncated (incomplete copy or download?)");
            }
            expected = end;
        }
        if (expected != length) {
            throw new EifException(EifException.Code.EIF_SIZE_MISMATCH, "the sections end at byte " + expected + " but the file has "
                    + length + " bytes; " + (length - expected) + " bytes follow the last section the header announces");
        }
    }

    /** Decodes the signature section, derives the certificate and checks the COSE signature over PcrInfo{0, PCR0}. */
    static EifImage.Signature checkSignature(byte[] section, Pcr pcr0) {
        CborValue.MapValue entry;
        byte[] certificatePem;
        byte[] cose;
        try {
            CborValue top = CborReader.decode(section, 4);
            if (!(top instanceof CborValue.Array list) || list.size() != 1 || !(list.get(0) instanceof CborValue.MapValue map)) {
                throw invalid("the signature section is not a CBOR list holding one {signing_certificate, signature} map");
            }
            entry = map;
            List<CborValue> keys = List.copyOf(entry.entries().keySet());
            if (!keys.equals(List.of(new CborValue.Text("signing_certificate"), new CborValue.Text("signature")))) {
                throw invalid("the signature entry's keys are " + keys + ", expected signing_certificate then signature");
            }
            certificatePem = uintArray(entry.get("signing_certificate"), "signing_certificate");
            cose = uintArray(entry.get("signature"), "signature");
        } catch (CborException e) {
            throw invalid("the signature section is not valid CBOR: " + e.detailClause());
        }
        X509Certificate cert;
        try {
            cert = EifSigner.parseCertificate(certificatePem);
        } catch (EifException e) {
            throw invalid("the signing certificate in the signature section is unreadable: " + e.detailClause());
        }
        String problem = null;
        try {
            CoseSign1 sign1 = CoseSign1.parse(cose).requireEs384();
            sign1.verifyEs384(Es384.publicKey(cert.getPublicKey()));
            if (!MessageDigest.isEqual(sign1.payload(), EifSigner.pcrInfo(0, pcr0.toByteArray()))) {
                problem = "the signed payload is not PcrInfo{0, PCR0} of this image (PCR0 " + pcr0.hex()
                        + "): the signature belongs to another image";
            }
        } catch (CoseException e) {
            problem = e.detailClause();
        }
        return new EifImage.Signature(certificatePem, cert, problem == null, Optional.ofNullable(problem));
    }

    private static byte[] uintArray(CborValue value, String field) {
        if (!(value instanceof CborValue.Array a)) {
            throw invalid("'" + field + "' is not an array of byte values");
        }
        byte[] out = new byte[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(a.get(i) instanceof CborValue.UnsignedInt u) || !u.isAtMost(255)) {
                throw invalid("'" + field + "' element " + i + " is " + a.get(i) + ", not an integer 0..255");
            }
            out[i] = (byte) u.intAtMost(255);
        }
        return out;
    }

    private static EifException invalid(String message) {
        return new EifException(EifException.Code.EIF_SIGNATURE_INVALID, message);
    }

    /** Feeds a section's {@code size} bytes at {@code start}: mapped from a regular file, else read from the channel. */
    private static void feed(FileChannel ch, Measurer m, boolean mapped, long start, long size, Measurer.Region region)
            throws IOException {
        if (!(mapped ? m.map(ch, start, size, region) : m.copy(ch, size, region, null))) {
            throw new EifException(EifException.Code.EIF_TRUNCATED, "the file ended while a section was read (it is being modified?)");
        }
    }

    private static byte[] readAt(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new EifException(EifException.Code.EIF_TRUNCATED, "the file ended at byte " + (position + b.position())
                        + " while " + n + " bytes at " + position + " were read");
            }
        }
        return b.array();
    }

}

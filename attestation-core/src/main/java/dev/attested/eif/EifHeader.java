package dev.attested.eif;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * The 548-byte EIF file header (docs/spec/eif-format.md §2.1). Offsets point at section <em>headers</em>; sizes count
 * section <em>data</em> only.
 */
public record EifHeader(int version, EifArchitecture architecture, long defaultMemory, long defaultCpus,
                        List<Long> sectionOffsets, List<Long> sectionSizes, long crc32) {
    /** Header length in bytes. */
    public static final int LENGTH = 548;
    /** Offset of the CRC32 field; the CRC covers the header bytes before it. */
    public static final int CRC_OFFSET = 544;
    /** Section header length in bytes. */
    public static final int SECTION_HEADER_LENGTH = 12;
    /** Most sections an EIF can hold. */
    public static final int MAX_SECTIONS = 32;
    /** The format version written (nitro-cli ≥ 1.2.0). */
    public static final int VERSION = 4;
    /** {@code default_mem} written by the official builder (ignored by every consumer). */
    public static final long DEFAULT_MEMORY = 1L << 30;
    /** {@code default_cpus} written by the official builder (ignored). */
    public static final long DEFAULT_CPUS = 2;

    static final byte[] MAGIC = {'.', 'e', 'i', 'f'};

    public EifHeader {
        Objects.requireNonNull(architecture, "architecture");
        sectionOffsets = List.copyOf(sectionOffsets);
        sectionSizes = List.copyOf(sectionSizes);
        if (sectionOffsets.size() != sectionSizes.size() || sectionSizes.size() > MAX_SECTIONS) {
            throw new IllegalArgumentException("offset and size tables must have the same length ≤ 32");
        }
    }

    /** A version-4 header for sections laid out back to back from offset 548. */
    static EifHeader laidOut(EifArchitecture architecture, List<Long> sizes, long crc32) {
        Long[] offsets = new Long[sizes.size()];
        long offset = LENGTH;
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = offset;
            offset = Math.addExact(offset, SECTION_HEADER_LENGTH + sizes.get(i));
        }
        return new EifHeader(VERSION, architecture, DEFAULT_MEMORY, DEFAULT_CPUS, List.of(offsets), sizes, crc32);
    }

    /** Number of sections. */
    public int sectionCount() {
        return sectionSizes.size();
    }

    /** The same header with another CRC. */
    EifHeader withCrc(long crc) {
        return new EifHeader(version, architecture, defaultMemory, defaultCpus, sectionOffsets, sectionSizes, crc);
    }

    /** File length implied by the tables for a back-to-back layout. */
    long impliedFileLength() {
        int last = sectionCount() - 1;
        return last < 0 ? LENGTH : sectionOffsets.get(last) + SECTION_HEADER_LENGTH + sectionSizes.get(last);
    }

    /** The 548 header bytes, big-endian. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(LENGTH).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC);
        b.putShort((short) version);
        b.putShort((short) architecture.flag());
        b.putLong(defaultMemory);
        b.putLong(defaultCpus);
        b.putShort((short) 0);
        b.putShort((short) sectionCount());
        for (int i = 0; i < MAX_SECTIONS; i++) {
            b.putLong(i < sectionCount() ? sectionOffsets.get(i) : 0);
        }
        for (int i = 0; i < MAX_SECTIONS; i++) {
            b.putLong(i < sectionCount() ? sectionSizes.get(i) : 0);
        }
        b.putInt(0);
        b.putInt((int) crc32);
        return b.array();
    }

    /**
     * Parses and checks the 548 header bytes: magic, version 4, flags, reserved fields, section count and that
     * unused table slots are zero.
     */
    public static EifHeader decode(byte[] bytes) {
        if (bytes.length < LENGTH) {
            throw new EifException(EifException.Code.EIF_TRUNCATED, "the file has " + bytes.length
                    + " bytes; an EIF starts with a " + LENGTH + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new EifException(EifException.Code.EIF_BAD_MAGIC, String.format(
                    "the file starts with %02x %02x %02x %02x, not the EIF magic 2e 65 69 66 (\".eif\"); is this an enclave image file?",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        int version = Short.toUnsignedInt(b.getShort());
        if (version != VERSION) {
            throw new EifException(EifException.Code.EIF_UNSUPPORTED_VERSION, "EIF version " + version
                    + "; only version 4 (nitro-cli ≥ 1.2.0, with a metadata section) is supported. Rebuild the image with a current nitro-cli or this plugin");
        }
        EifArchitecture arch = EifArchitecture.ofFlags(Short.toUnsignedInt(b.getShort()));
        long mem = b.getLong();
        long cpus = b.getLong();
        int reserved = Short.toUnsignedInt(b.getShort());
        if (reserved != 0) {
            throw new EifException(EifException.Code.EIF_BAD_HEADER, "reserved header field at 0x18 is " + reserved + ", expected 0");
        }
        int count = Short.toUnsignedInt(b.getShort());
        if (count < 1 || count > MAX_SECTIONS) {
            throw new EifException(EifException.Code.EIF_SECTION_COUNT, "the header announces " + count
                    + " sections; an EIF holds 1 to " + MAX_SECTIONS);
        }
        long[] offsets = new long[MAX_SECTIONS];
        long[] sizes = new long[MAX_SECTIONS];
        for (int i = 0; i < MAX_SECTIONS; i++) {
            offsets[i] = b.getLong();
        }
        for (int i = 0; i < MAX_SECTIONS; i++) {
            sizes[i] = b.getLong();
        }
        for (int i = count; i < MAX_SECTIONS; i++) {
            if (offsets[i] != 0 || sizes[i] != 0) {
                throw new EifException(EifException.Code.EIF_SECTION_COUNT, "the header announces " + count
                        + " sections but table slot " + i + " is in use (offset " + Long.toUnsignedString(offsets[i])
                        + ", size " + Long.toUnsignedString(sizes[i]) + ")");
            }
        }
        int unused = b.getInt();
        if (unused != 0) {
            throw new EifException(EifException.Code.EIF_BAD_HEADER, "unused header field at 0x21c is not zero");
        }
        long crc = Integer.toUnsignedLong(b.getInt());
        Long[] o = new Long[count];
        Long[] s = new Long[count];
        for (int i = 0; i < count; i++) {
            if (offsets[i] < 0 || sizes[i] < 0) {
                throw new EifException(EifException.Code.EIF_SIZE_MISMATCH, "section " + i + " has offset "
                        + Long.toUnsignedString(offsets[i]) + " and size " + Long.toUnsignedString(sizes[i])
                        + ", beyond any file");
            }
            o[i] = offsets[i];
            s[i] = sizes[i];
        }
        return new EifHeader(version, arch, mem, cpus, List.of(o), List.of(s), crc);
    }
}

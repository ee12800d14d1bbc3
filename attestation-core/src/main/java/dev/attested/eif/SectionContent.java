package dev.attested.eif;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The bytes of an EIF section produced while the EIF is written, so that they never have to exist as a file of
 * their own (the customer ramdisk streams from the flattened image straight into the EIF). The length and the
 * CRC-32 must be known beforehand: both go into the EIF header, which is written first. A content that writes
 * another number of bytes, or other bytes, fails the write with {@code EIF_BAD_INPUT} and leaves no file.
 */
public interface SectionContent {
    /** Exactly how many bytes {@link #writeTo} writes. */
    long size();

    /** CRC-32 (zlib) of those bytes. */
    long crc32();

    /** Writes the bytes; must not close {@code out}. */
    void writeTo(OutputStream out) throws IOException;
}

package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import dev.attested.internal.io.Crc32s;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Streams an SVR4 "newc" cpio archive byte-compatible with the writer linuxkit uses ({@code surma/gocpio}) for
 * nitro-cli's ramdisks (docs/spec/eif-format.md §9.4):
 * <ul>
 * <li>magic {@code 070701}, 13 fields of 8 lower-case hex digits, name + NUL, zero padding to a multiple of 4
 *     counted from the start of the archive, data, padding to 4 again;</li>
 * <li>inode numbers assigned in order from 721 (the trailer takes the next one), device always 3/1, check 0,
 *     nlink 2 for directories and 1 otherwise;</li>
 * <li>a {@code TRAILER!!!} entry, then zero padding of the whole archive to a multiple of 512.</li>
 * </ul>
 * Nothing is taken from the host: every field comes from the {@link CpioHeader}. Data is copied through a small
 * buffer; the archive is never held in memory. {@link #close()} writes the trailer but does not close the
 * underlying stream.
 *
 * <p>A {@linkplain #measuring() measuring} writer goes through the same steps but keeps only the archive's length
 * and CRC-32; data handed over with its CRC is then accounted for without being read, so a ramdisk's size and
 * checksum cost one walk over its entries, not a pass over its bytes.
 */
public final class CpioWriter implements Closeable {
    /** First inode number linuxkit's writer assigns. */
    public static final long FIRST_INODE = 721;
    private static final byte[] ZEROS = new byte[512];
    private static final String TRAILER = "TRAILER!!!";

    private final OutputStream out;
    private final Summary summary;
    private final byte[] buffer = new byte[64 * 1024];
    private long inode = FIRST_INODE;
    private long position;
    private boolean finished;

    public CpioWriter(OutputStream out) {
        this.out = out;
        this.summary = null;
    }

    private CpioWriter(Summary summary) {
        this.out = summary;
        this.summary = summary;
    }

    /** A writer that writes nothing and tells the length ({@link #position()}) and {@link #crc32()} of the archive. */
    public static CpioWriter measuring() {
        return new CpioWriter(new Summary());
    }

    /** CRC-32 of the archive so far; only a {@linkplain #measuring() measuring} writer knows it. */
    public long crc32() {
        if (summary == null) {
            throw new IllegalStateException("only a measuring cpio writer keeps a CRC");
        }
        return summary.crc32();
    }

    /** Bytes written so far. */
    public long position() {
        return position;
    }

    /** Writes an entry without data (directory, device, FIFO, or an empty regular file). */
    public void write(CpioHeader header) throws IOException {
        if (header.size() != 0) {
            throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY,
                    "entry " + header.name() + " declares " + header.size() + " bytes but no data was given");
        }
        write(header, InputStream.nullInputStream());
    }

    /** Writes a symbolic link whose data is {@code target}. */
    public void writeSymlink(String name, String target, int perm, long uid, long gid, long mtime) throws IOException {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        write(new CpioHeader(name, CpioEntryType.SYMLINK, perm, uid, gid, mtime, t.length, 0, 0),
                new ByteArrayInputStream(t));
    }

    /** Writes a regular file from bytes. */
    public void writeFile(CpioHeader header, byte[] content) throws IOException {
        write(header, new ByteArrayInputStream(content));
    }

    /**
     * Writes one entry and exactly {@code header.size()} bytes of {@code data}. Fewer bytes is an error (the
     * archive would be corrupt); bytes beyond the declared size are not read.
     */
    public void write(CpioHeader header, InputStream data) throws IOException {
        ensureOpen();
        writeHeader(header, inode++);
        long remaining = header.size();
        while (remaining > 0) {
            int n = data.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY,
                        "entry " + header.name() + " declared " + header.size() + " bytes but its data ended "
                                + remaining + " bytes early");
            }
            out.write(buffer, 0, n);
            position += n;
            remaining -= n;
        }
        pad(4);
    }

    /**
     * Writes one entry whose data has the CRC-32 {@code dataCrc32}. A measuring writer does not read {@code data};
     * a writing one copies it exactly as {@link #write(CpioHeader, InputStream)} does (whoever checks the finished
     * archive's CRC notices data that differs from what was announced).
     */
    public void write(CpioHeader header, InputStream data, long dataCrc32) throws IOException {
        if (summary == null) {
            write(header, data);
            return;
        }
        ensureOpen();
        writeHeader(header, inode++);
        summary.skip(header.size(), dataCrc32);
        position += header.size();
        pad(4);
    }

    /** Writes the trailer and the final padding to 512 bytes. Idempotent. */
    public void finish() throws IOException {
        if (finished) {
            return;
        }
        writeHeader(new CpioHeader(TRAILER, CpioEntryType.REGULAR, 0, 0, 0, 0, 0, 0, 0), inode++, 0, 1);
        pad(4);
        pad(512);
        out.flush();
        finished = true;
    }

    /** Same as {@link #finish()}; the underlying stream stays open. */
    @Override
    public void close() throws IOException {
        finish();
    }

    private void ensureOpen() {
        if (finished) {
            throw new IllegalStateException("the cpio archive is already finished");
        }
    }

    private void writeHeader(CpioHeader h, long ino) throws IOException {
        writeHeader(h, ino, h.mode(), h.type() == CpioEntryType.DIRECTORY ? 2 : 1);
    }

    private void writeHeader(CpioHeader h, long ino, int mode, int nlink) throws IOException {
        byte[] name = h.name().getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(110);
        sb.append("070701");
        hex(sb, ino);
        hex(sb, mode);
        hex(sb, h.uid());
        hex(sb, h.gid());
        hex(sb, nlink);
        hex(sb, h.mtime());
        hex(sb, h.size());
        hex(sb, 3); // devmajor: linuxkit's writer always writes 3/1
        hex(sb, 1);
        hex(sb, h.rdevMajor());
        hex(sb, h.rdevMinor());
        hex(sb, name.length + 1L);
        hex(sb, 0); // check
        byte[] head = sb.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(head);
        out.write(name);
        out.write(0);
        position += head.length + name.length + 1L;
        pad(4);
    }

    private static void hex(StringBuilder sb, long value) {
        if (value < 0 || value > 0xFFFF_FFFFL) {
            throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY,
                    "cpio header field " + value + " does not fit in 8 hex digits");
        }
        String s = Long.toHexString(value);
        for (int i = s.length(); i < 8; i++) {
            sb.append('0');
        }
        sb.append(s);
    }

    private void pad(int alignment) throws IOException {
        int rem = (int) (position % alignment);
        if (rem != 0) {
            int n = alignment - rem;
            out.write(ZEROS, 0, n);
            position += n;
        }
    }

    /** The output of a measuring writer: CRC and length, with skipped ranges folded in by CRC combination. */
    private static final class Summary extends OutputStream {
        private final CRC32 pending = new CRC32();
        private long pendingLength;
        private long crc;

        @Override
        public void write(int b) {
            pending.update(b);
            pendingLength++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.update(b, off, len);
            pendingLength += len;
        }

        void skip(long length, long lengthCrc) {
            crc = Crc32s.combine(crc32(), lengthCrc, length);
            pending.reset();
            pendingLength = 0;
        }

        long crc32() {
            return Crc32s.combine(crc, pending.getValue(), pendingLength);
        }
    }
}

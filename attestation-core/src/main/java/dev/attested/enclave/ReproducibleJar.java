package dev.attested.enclave;

import dev.attested.internal.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a jar with the Unix permission bits of every entry set to 0644 (files) / 0755 (directories), and
 * nothing else changed.
 *
 * <p>Maven's jar plugin stores each file's permissions from the build machine, so the same sources built under
 * {@code umask 077} and {@code umask 022} give different jars — and, inside the enclave image, a different PCR2.
 * Permissions live only in the central directory's "external attributes" field, so that field is the only one
 * rewritten; every other byte (local headers, DOS times, extra fields, compressed data, data descriptors, entry
 * order) is copied as it is. Re-encoding the jar through a zip library is not an option: both
 * {@code java.util.zip} and Commons Compress recompute the DOS time fields from a Java time through the JVM's
 * default time zone, so a jar carrying extended-timestamp extra fields (many jars on Maven Central do) — or any DOS
 * time inside a daylight-saving gap — came out differently in every zone.
 *
 * <p>A jar without Unix entries (written on the MS-DOS platform, as most Central jars are) is copied byte for byte.
 */
public final class ReproducibleJar {
    /** Largest central directory read into memory (a jar of 65,535 entries with long names needs ~10 MiB). */
    static final int MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;

    private static final int EOCD = 0x06054b50;
    private static final int EOCD_LENGTH = 22;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int ZIP64_LOCATOR_LENGTH = 20;
    private static final int ZIP64_EOCD = 0x06064b50;
    private static final int CENTRAL_HEADER = 0x02014b50;
    private static final int CENTRAL_HEADER_LENGTH = 46;
    private static final int PLATFORM_UNIX = 3;
    private static final int TYPE_MASK = 0170000;
    private static final int TYPE_SYMLINK = 0120000;
    private static final int TYPE_DIRECTORY = 0040000;

    private ReproducibleJar() {}

    /** Writes the normalized copy of {@code jar} to {@code target} (atomically: nothing is left on failure). */
    public static void normalize(Path jar, Path target) {
        try (FileChannel in = FileChannel.open(jar, StandardOpenOption.READ)) {
            Layout layout = layout(jar, in);
            byte[] central = read(in, layout.centralOffset, (int) layout.centralSize);
            rewritePermissions(jar, central, layout.entries);
            AtomicFiles.write(target, out -> {
                copy(in, 0, layout.centralOffset, out);
                out.write(central);
                long end = layout.centralOffset + layout.centralSize;
                copy(in, end, in.size() - end, out);
            });
        } catch (NoSuchFileException e) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, "the jar " + jar + " does not exist");
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "cannot read " + jar + " as a jar: " + e.getMessage(), e);
        }
    }

    /** Where the central directory is and how many entries it holds. */
    private record Layout(long centralOffset, long centralSize, long entries) {}

    private static Layout layout(Path jar, FileChannel in) throws IOException {
        long size = in.size();
        int tailLength = (int) Math.min(size, EOCD_LENGTH + 0xffff);
        ByteBuffer tail = ByteBuffer.wrap(read(in, size - tailLength, tailLength)).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int p = tailLength - EOCD_LENGTH; p >= 0; p--) {
            if (tail.getInt(p) == EOCD && (tail.getShort(p + 20) & 0xffff) == tailLength - p - EOCD_LENGTH) {
                eocd = p;
                break;
            }
        }
        if (eocd < 0) {
            throw invalid(jar, "no end-of-central-directory record: it is not a zip/jar file");
        }
        long eocdPosition = size - tailLength + eocd;
        if ((tail.getShort(eocd + 4) & 0xffff) != 0 || (tail.getShort(eocd + 6) & 0xffff) != 0) {
            throw invalid(jar, "it is a multi-volume archive");
        }
        long entries = tail.getShort(eocd + 10) & 0xffff;
        long centralSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long centralOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        long centralEnd = eocdPosition;
        if (eocd >= ZIP64_LOCATOR_LENGTH && tail.getInt(eocd - ZIP64_LOCATOR_LENGTH) == ZIP64_LOCATOR) {
            long zip64Position = tail.getLong(eocd - ZIP64_LOCATOR_LENGTH + 8);
            if (zip64Position < 0 || zip64Position > eocdPosition - ZIP64_LOCATOR_LENGTH - 56) {
                throw invalid(jar, "its zip64 end record lies outside the file");
            }
            ByteBuffer z = ByteBuffer.wrap(read(in, zip64Position, 56)).order(ByteOrder.LITTLE_ENDIAN);
            if (z.getInt(0) != ZIP64_EOCD) {
                throw invalid(jar, "its zip64 locator does not point at a zip64 end record");
            }
            entries = z.getLong(32);
            centralSize = z.getLong(40);
            centralOffset = z.getLong(48);
            centralEnd = zip64Position;
        }
        if (centralSize < 0 || centralOffset < 0 || centralOffset + centralSize != centralEnd) {
            throw invalid(jar, "its central directory (" + centralSize + " bytes at " + centralOffset
                    + ") does not end where its end record begins (" + centralEnd + ")");
        }
        if (centralSize > MAX_CENTRAL_DIRECTORY) {
            throw invalid(jar, "its central directory is " + centralSize + " bytes, above the limit of "
                    + MAX_CENTRAL_DIRECTORY);
        }
        if (entries < 0 || entries > centralSize / CENTRAL_HEADER_LENGTH) {
            throw invalid(jar, "it announces " + entries + " entries in a central directory of " + centralSize + " bytes");
        }
        return new Layout(centralOffset, centralSize, entries);
    }

    /** Sets the external attributes of every Unix entry from its type: 0755 directories, 0644 files. */
    private static void rewritePermissions(Path jar, byte[] central, long entries) {
        ByteBuffer cd = ByteBuffer.wrap(central).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        for (long i = 0; i < entries; i++) {
            if (p > central.length - CENTRAL_HEADER_LENGTH || cd.getInt(p) != CENTRAL_HEADER) {
                throw invalid(jar, "central directory entry " + i + " is truncated or has a wrong signature");
            }
            int nameLength = cd.getShort(p + 28) & 0xffff;
            int recordLength = CENTRAL_HEADER_LENGTH + nameLength + (cd.getShort(p + 30) & 0xffff)
                    + (cd.getShort(p + 32) & 0xffff);
            if (recordLength > central.length - p) {
                throw invalid(jar, "central directory entry " + i + " runs past the central directory");
            }
            if ((central[p + 5] & 0xff) == PLATFORM_UNIX) {
                int type = (cd.getInt(p + 38) >>> 16) & TYPE_MASK;
                boolean directory = type == TYPE_DIRECTORY
                        || nameLength > 0 && central[p + CENTRAL_HEADER_LENGTH + nameLength - 1] == '/';
                int mode = directory ? 040755 : type == TYPE_SYMLINK ? 0120777 : 0100644;
                // As Info-ZIP and Commons Compress write it: mode in the high half, the MS-DOS directory flag low.
                cd.putInt(p + 38, mode << 16 | (directory ? 0x10 : 0));
            }
            p += recordLength;
        }
        if (p != central.length) {
            throw invalid(jar, "its central directory holds " + (central.length - p) + " bytes after the "
                    + entries + " entries it announces");
        }
    }

    private static byte[] read(FileChannel in, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (in.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
        return buffer.array();
    }

    private static void copy(FileChannel in, long position, long count, OutputStream out) throws IOException {
        var target = Channels.newChannel(out);
        long done = 0;
        while (done < count) {
            long n = in.transferTo(position + done, count - done, target);
            if (n <= 0) {
                throw new IOException("unexpected end of file at " + (position + done));
            }
            done += n;
        }
    }

    private static BuildException invalid(Path jar, String detail) {
        return new BuildException(BuildException.Code.INPUT_INVALID, "cannot read " + jar + " as a jar: " + detail
                + ". Check the file (e.g. 'unzip -t " + jar.getFileName().toString().replace("'", "")
                + "'); a corrupt download in the local Maven repository is fixed by deleting it.");
    }
}

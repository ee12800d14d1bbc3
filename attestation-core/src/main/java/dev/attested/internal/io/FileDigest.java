package dev.attested.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/** Digests of whole files, streamed through one direct 1 MiB buffer (memory does not grow with the file). */
public final class FileDigest {
    private FileDigest() {}

    /** Lower-case hex SHA-256 of the file's bytes. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        forEachChunk(file, md::update);
        return HexFormat.of().formatHex(md.digest());
    }

    /** CRC-32 of the file's bytes and how many there were. */
    public record Crc(long value, long length) {}

    /** CRC-32 (zlib) of the file's bytes. */
    public static Crc crc32(Path file) throws IOException {
        CRC32 crc = new CRC32();
        long length = forEachChunk(file, crc::update);
        return new Crc(crc.getValue(), length);
    }

    /** Hands the file's bytes to {@code chunk} megabyte by megabyte; returns how many there were. */
    private static long forEachChunk(Path file, Consumer<ByteBuffer> chunk) throws IOException {
        long length = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
            int n;
            while ((n = ch.read(buf.clear())) >= 0) {
                chunk.accept(buf.flip());
                length += n;
            }
        }
        return length;
    }
}

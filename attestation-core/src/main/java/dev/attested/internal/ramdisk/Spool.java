package dev.attested.internal.ramdisk;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

/**
 * Where {@link RootfsFlattener} keeps file contents: one temporary file, appended to in megabyte blocks that a
 * background thread writes out (so spooling overlaps with inflating and parsing the next entries), read back by
 * position. Memory is at most four blocks, whatever the size of the image. Deleted on {@link #close()}.
 */
final class Spool implements Closeable {
    private static final int BLOCK = 1 << 20;
    private static final int BLOCKS = 4;

    private final Path file;
    private final FileChannel channel;
    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BLOCKS);
    private final CRC32 crc = new CRC32();
    private ExecutorService writer;
    private Future<?> lastWrite;
    private volatile IOException failure;
    private int allocated;
    private byte[] block;
    private int fill;
    private long blockStart;

    Spool(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        this.file = Files.createTempFile(workDir, "rootfs-", ".spool");
        this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    /** Where the next appended byte goes. */
    long position() {
        return blockStart + fill;
    }

    /**
     * Appends exactly {@code length} bytes read from {@code in} and returns their CRC-32.
     *
     * @throws UnreadableInput if {@code in} ends first or fails (a truncated or corrupt layer); other
     *                         {@code IOException}s are the spool's own
     */
    long append(InputStream in, long length) throws IOException {
        crc.reset();
        long remaining = length;
        while (remaining > 0) {
            if (block == null) {
                block = takeBlock();
                fill = 0;
            }
            int n;
            try {
                n = in.read(block, fill, (int) Math.min(block.length - fill, remaining));
            } catch (IOException e) {
                throw new UnreadableInput(e.getMessage() + " after " + (length - remaining) + " of " + length
                        + " bytes", e);
            }
            if (n < 0) {
                throw new UnreadableInput("it ends after " + (length - remaining) + " of " + length + " bytes", null);
            }
            crc.update(block, fill, n);
            fill += n;
            remaining -= n;
            if (fill == block.length) {
                writeBlock();
            }
        }
        return crc.getValue();
    }

    /** The {@code length} bytes appended at {@code offset} (everything appended so far is on disk first). */
    InputStream read(long offset, long length) throws IOException {
        if (block != null && fill > 0) {
            writeBlock();
        }
        awaitWrites();
        return new Slice(channel, offset, length);
    }

    @Override
    public void close() throws IOException {
        if (writer != null) {
            writer.shutdownNow();
        }
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private void writeBlock() throws IOException {
        checkFailure();
        byte[] b = block;
        int length = fill;
        long at = blockStart;
        blockStart += fill;
        block = null;
        fill = 0;
        if (writer == null) {
            writer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "rootfs-spool");
                t.setDaemon(true);
                return t;
            });
        }
        lastWrite = writer.submit(() -> {
            try {
                ByteBuffer bb = ByteBuffer.wrap(b, 0, length);
                long p = at;
                while (bb.hasRemaining()) {
                    p += channel.write(bb, p);
                }
            } catch (IOException e) {
                failure = e;
            } finally {
                free.add(b);
            }
        });
    }

    private void awaitWrites() throws IOException {
        if (lastWrite != null) {
            try {
                lastWrite.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while spooling image contents");
            } catch (ExecutionException e) {
                throw new IOException("spooling image contents failed", e.getCause());
            }
        }
        checkFailure();
    }

    private void checkFailure() throws IOException {
        IOException e = failure;
        if (e != null) {
            throw new IOException("cannot write the content spool " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] takeBlock() throws IOException {
        byte[] b = free.poll();
        if (b != null) {
            return b;
        }
        if (allocated < BLOCKS) {
            allocated++;
            return new byte[BLOCK];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while spooling image contents");
        }
    }

    /** The input given to {@link #append} ended early or failed: the fault is in what was read, not in the spool. */
    static final class UnreadableInput extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableInput(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** {@code length} bytes of a file from {@code offset}, with positional reads (the spool's, an image tarball's). */
    static final class Slice extends InputStream {
        private final FileChannel channel;
        private long position;
        private long remaining;

        Slice(FileChannel channel, long offset, long length) {
            this.channel = channel;
            this.position = offset;
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, remaining)), position);
            if (n < 0) {
                return -1;
            }
            position += n;
            remaining -= n;
            return n;
        }
    }
}

package dev.attested.eif;

import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;

/**
 * One streaming pass over EIF bytes: CRC32 of everything fed, SHA-384 of the image (PCR0), a copy of that
 * digest state after the first ramdisk (PCR1), and SHA-384 of the application ramdisks (PCR2) on a second
 * thread, so PCR2 costs no extra wall time on a multi-core machine. Memory is a fixed pool of four 1 MiB direct
 * buffers (the kernel reads straight into them), whatever the size of the file.
 */
final class Measurer implements AutoCloseable {
    /** Which PCRs a byte range belongs to. */
    enum Region {
        /** Kernel, cmdline, first ramdisk: PCR0 and PCR1. */
        BOOTSTRAP,
        /** Later ramdisks: PCR0 and PCR2. */
        APPLICATION,
        /** Headers, metadata, signature: CRC only. */
        UNMEASURED
    }

    static final int CHUNK = 1 << 20;
    private static final int SMALL = 64 << 10;
    private static final int BUFFERS = 4;

    private final MessageDigest image = sha384();
    private final MessageDigest application = sha384();
    private final CRC32 crc = new CRC32();
    private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private int allocated;
    private ExecutorService worker;
    private Future<?> lastApplicationTask;
    private byte[] bootstrapDigest;
    private long crcLength;

    /** Feeds a small in-memory range (section headers, cmdline, metadata) and writes it to {@code out} if given. */
    void update(byte[] bytes, Region region, WritableByteChannel out) throws IOException {
        crc.update(bytes, 0, bytes.length);
        crcLength += bytes.length;
        if (region != Region.UNMEASURED) {
            image.update(bytes);
        }
        if (region == Region.APPLICATION && worker == null) {
            application.update(bytes);
        } else if (region == Region.APPLICATION) {
            byte[] copy = bytes.clone();
            submit(() -> application.update(copy));
        }
        if (out != null) {
            writeFully(out, bytes, bytes.length);
        }
    }

    /**
     * Streams exactly {@code size} bytes from {@code in}, feeding them to the CRC and the region's digests and
     * writing them to {@code out} if given. Returns false if {@code in} ended early.
     */
    boolean copy(ReadableByteChannel in, long size, Region region, WritableByteChannel out) throws IOException {
        if (size <= SMALL) { // cmdline-sized sections: no pooled megabyte buffers, no thread
            byte[] small = new byte[(int) size];
            if (readFully(in, small, small.length) < small.length) {
                return false;
            }
            update(small, region, out);
            return true;
        }
        long remaining = size;
        while (remaining > 0) {
            ByteBuffer buf = takeBuffer();
            int want = (int) Math.min(CHUNK, remaining);
            buf.clear().limit(want);
            while (buf.hasRemaining() && in.read(buf) >= 0) {
                // direct buffer: the kernel copies straight into it, no heap copy
            }
            if (buf.hasRemaining()) {
                free.add(buf);
                return false;
            }
            buf.flip();
            remaining -= want;
            crc.update(buf.duplicate());
            crcLength += want;
            boolean handedOver = false;
            if (region == Region.APPLICATION && worker == null && size <= CHUNK) {
                application.update(buf.duplicate()); // nothing queued yet and too small to be worth a thread
            } else if (region == Region.APPLICATION) {
                ByteBuffer view = buf.duplicate();
                submit(() -> {
                    try {
                        application.update(view);
                    } finally {
                        free.add(buf);
                    }
                });
                handedOver = true;
            }
            if (region != Region.UNMEASURED) {
                image.update(buf.duplicate());
            }
            if (out != null) {
                ByteBuffer w = buf.duplicate();
                while (w.hasRemaining()) {
                    out.write(w);
                }
            }
            if (!handedOver) {
                free.add(buf);
            }
        }
        return true;
    }

    /** Marks the end of the first ramdisk: PCR1 is the image digest at this point. */
    void endBootstrap() {
        if (bootstrapDigest == null) {
            try {
                bootstrapDigest = ((MessageDigest) image.clone()).digest();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-384 digest state cannot be copied on this platform", e);
            }
        }
    }

    boolean bootstrapEnded() {
        return bootstrapDigest != null;
    }

    /** CRC32 of everything fed so far. */
    long crc() {
        return crc.getValue();
    }

    /** Number of bytes fed to the CRC. */
    long crcLength() {
        return crcLength;
    }

    /** PCR0/1/2 of everything fed (waits for the PCR2 thread). PCR1 = PCR0 when no ramdisk ended. */
    EifMeasurements finish() throws IOException {
        awaitApplication();
        byte[] imageDigest = image.digest();
        Pcr pcr0 = Pcr.ofContentDigest(imageDigest);
        Pcr pcr1 = bootstrapDigest == null ? pcr0 : Pcr.ofContentDigest(bootstrapDigest);
        return EifMeasurements.of(pcr0, pcr1, Pcr.ofContentDigest(application.digest()));
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.shutdownNow();
        }
    }

    private ByteBuffer takeBuffer() throws IOException {
        ByteBuffer buf = free.poll();
        if (buf != null) {
            return buf;
        }
        if (allocated < BUFFERS) {
            allocated++;
            return ByteBuffer.allocateDirect(CHUNK);
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while measuring");
        }
    }

    private void submit(Runnable task) {
        if (worker == null) {
            worker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "eif-pcr2");
                t.setDaemon(true);
                return t;
            });
        }
        lastApplicationTask = worker.submit(task);
    }

    private void awaitApplication() throws IOException {
        if (lastApplicationTask == null) {
            return;
        }
        try {
            lastApplicationTask.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while measuring");
        } catch (ExecutionException e) {
            throw new IllegalStateException("PCR2 hashing failed", e.getCause());
        }
    }

    private static int readFully(ReadableByteChannel in, byte[] buf, int want) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, want);
        while (bb.hasRemaining()) {
            if (in.read(bb) < 0) {
                break;
            }
        }
        return bb.position();
    }

    static void writeFully(WritableByteChannel out, byte[] buf, int n) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        while (bb.hasRemaining()) {
            out.write(bb);
        }
    }

    static MessageDigest sha384() {
        try {
            return MessageDigest.getInstance("SHA-384");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-384 is required of every Java platform", e);
        }
    }
}

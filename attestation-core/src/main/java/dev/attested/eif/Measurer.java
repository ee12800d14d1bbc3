package dev.attested.eif;

import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * One streaming pass over EIF bytes: CRC32 of everything fed, SHA-384 of the image (PCR0), a copy of that
 * digest state after the first ramdisk (PCR1), SHA-384 of the application ramdisks (PCR2) and, for the writer,
 * SHA-256 of the whole file. Each digest runs on a thread of its own ("lane") once the data is larger than a
 * few small sections, so the digests of one byte range are computed side by side while the calling thread reads
 * or produces the next range and writes it out. Memory is a fixed pool of eight 1 MiB heap buffers (heap, because
 * the digests read arrays without copying), whatever the size of the file.
 *
 * <p>The reader feeds a regular file's large sections by mapping them instead ({@link #map}): no copy out of the
 * page cache, the lanes digest slices of the mapping, and memory stays bounded by the mapping window and a fixed
 * number of slices in flight.
 */
final class Measurer implements AutoCloseable {
    /** Which PCRs a byte range belongs to. */
    enum Region {
        /** Kernel, cmdline, first ramdisk: PCR0 and PCR1. */
        BOOTSTRAP,
        /** Later ramdisks: PCR0 and PCR2. */
        APPLICATION,
        /** Headers, metadata, signature: CRC (and the file digest) only. */
        UNMEASURED
    }

    static final int CHUNK = 1 << 20;
    private static final int SMALL = 64 << 10;
    private static final int BUFFERS = 8;
    /** Largest part of a file mapped at once: a section of any size is mapped window by window. */
    static final long WINDOW = 64L << 20;
    /** Mapped slices handed to the lanes and not yet digested by all of them: the calling thread waits beyond. */
    private static final int SLICES_IN_FLIGHT = 8;
    /** Mapped bytes are checksummed and digested through heap buffers of this size (see {@link #dispatchMapped}). */
    private static final int SCRATCH = 64 << 10;

    private final Lane image = new Lane("eif-pcr0", sha384());
    private final Lane application = new Lane("eif-pcr2", sha384());
    private final Lane file;
    private final CRC32 crc = new CRC32();
    private final ArrayBlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    private int allocated;
    private boolean threaded;
    private boolean bootstrapEnded;
    private byte[] bootstrapDigest;
    private long crcLength;
    private final Semaphore slices = new Semaphore(SLICES_IN_FLIGHT);
    private byte[] crcScratch;
    private Runnable afterMapping;

    /** A measurer of PCR0/1/2 and the CRC (the reader's). */
    Measurer() {
        this(false);
    }

    /** @param fileDigest also compute SHA-256 of every byte fed, headers included (the writer's file hash) */
    Measurer(boolean fileDigest) {
        this.file = fileDigest ? new Lane("eif-sha256", sha256()) : null;
    }

    /** Feeds a small in-memory range (section headers, cmdline, metadata) and writes it to {@code out} if given. */
    void update(byte[] bytes, Region region, WritableByteChannel out) throws IOException {
        crc.update(bytes, 0, bytes.length);
        crcLength += bytes.length;
        byte[] owned = threaded ? bytes.clone() : bytes;
        for (Lane lane : lanes(region)) {
            lane.run(d -> d.update(owned));
        }
        if (out != null) {
            writeFully(out, bytes, bytes.length);
        }
    }

    /** Feeds bytes to the file digest only: the EIF header, which the CRC covers apart from the sections. */
    void fileOnly(byte[] bytes) {
        if (file != null) {
            byte[] owned = threaded ? bytes.clone() : bytes;
            file.run(d -> d.update(owned));
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
                // fill the chunk
            }
            if (buf.hasRemaining()) {
                free.add(buf);
                return false;
            }
            buf.flip();
            remaining -= want;
            dispatch(buf, region, out);
        }
        return true;
    }

    /**
     * Feeds exactly {@code size} bytes of the regular file {@code ch} from {@code position} like {@link #copy}, but
     * by mapping them read-only, {@link #WINDOW} bytes at a time, instead of reading them into heap buffers: each
     * lane digests {@link #CHUNK}-byte slices of the mapping and this thread checksums them. Sections of at most a
     * few kilobytes are read as {@link #copy} reads them. Returns false if the file is shorter than
     * {@code position + size}.
     *
     * @throws MappedFileFault if the mapped bytes could not be read (the file shrank under the mapping)
     */
    boolean map(FileChannel ch, long position, long size, Region region) throws IOException {
        if (size <= SMALL) {
            ch.position(position);
            return copy(ch, size, region, null);
        }
        long done = 0;
        while (done < size) {
            long length = Math.min(WINDOW, size - done);
            if (ch.size() < position + done + length) {
                return false;
            }
            ByteBuffer window = ch.map(FileChannel.MapMode.READ_ONLY, position + done, length);
            Runnable hook = afterMapping;
            if (hook != null) {
                afterMapping = null;
                hook.run();
            }
            for (int offset = 0; offset < length; offset += CHUNK) {
                dispatchMapped(window.slice(offset, (int) Math.min(CHUNK, length - offset)), region);
            }
            done += length;
        }
        return true;
    }

    /** For tests: runs {@code hook} once, right after {@link #map} has made its first mapping and before any access. */
    void afterMapping(Runnable hook) {
        this.afterMapping = hook;
    }

    /**
     * A stream whose bytes are fed like {@link #copy}'s, in megabyte chunks, for section content produced on the
     * fly. {@link OutputStream#close()} feeds the last partial chunk; {@link SectionStream#count()} tells how many
     * bytes were fed.
     */
    SectionStream stream(Region region, WritableByteChannel out) {
        return new SectionStream(region, out);
    }

    /** Marks the end of the first ramdisk: PCR1 is the image digest at this point. */
    void endBootstrap() {
        if (!bootstrapEnded) {
            bootstrapEnded = true;
            image.run(d -> bootstrapDigest = copyOf(d).digest());
        }
    }

    /** CRC32 of everything fed so far. */
    long crc() {
        return crc.getValue();
    }

    /** Number of bytes fed to the CRC. */
    long crcLength() {
        return crcLength;
    }

    /** PCR0/1/2 of everything fed (waits for the digest threads). PCR1 = PCR0 when no ramdisk ended. */
    EifMeasurements finish() throws IOException {
        image.await();
        application.await();
        byte[] imageDigest = image.digest.digest();
        Pcr pcr0 = Pcr.ofContentDigest(imageDigest);
        Pcr pcr1 = bootstrapDigest == null ? pcr0 : Pcr.ofContentDigest(bootstrapDigest);
        return EifMeasurements.of(pcr0, pcr1, Pcr.ofContentDigest(application.digest.digest()));
    }

    /** Hex SHA-256 of every byte fed (after {@link #finish()}; only for a measurer made with a file digest). */
    String fileSha256() throws IOException {
        if (file == null) {
            throw new IllegalStateException("this measurer computes no file digest");
        }
        file.await();
        return HexFormat.of().formatHex(file.digest.digest());
    }

    @Override
    public void close() {
        image.shutdown();
        application.shutdown();
        if (file != null) {
            file.shutdown();
        }
    }

    /** The digests that bytes of {@code region} feed: PCR0's if measured, PCR2's for the application, the file's. */
    private List<Lane> lanes(Region region) {
        List<Lane> lanes = new ArrayList<>(3);
        if (region != Region.UNMEASURED) {
            lanes.add(image);
        }
        if (region == Region.APPLICATION) {
            lanes.add(application);
        }
        if (file != null) {
            lanes.add(file);
        }
        return lanes;
    }

    /** Hands a full buffer to the digests that need it, then checksums and writes it here. */
    private void dispatch(ByteBuffer buf, Region region, WritableByteChannel out) throws IOException {
        threaded = true;
        List<Lane> lanes = lanes(region);
        AtomicInteger users = new AtomicInteger(1 + lanes.size());
        Runnable release = () -> {
            if (users.decrementAndGet() == 0) {
                free.add(buf);
            }
        };
        for (Lane lane : lanes) {
            lane.submit(buf.duplicate(), release);
        }
        try {
            crc.update(buf.duplicate());
            crcLength += buf.remaining();
            if (out != null) {
                ByteBuffer w = buf.duplicate();
                while (w.hasRemaining()) {
                    out.write(w);
                }
            }
        } finally {
            release.run();
        }
    }

    /**
     * Hands a slice of a mapping to the digests that need it, then checksums it here. A slice is never given to
     * native code: each lane and {@link #crcOfMapped} copy it 64 KiB at a time into a heap buffer of their own
     * (which stays in the core's cache) through {@code ByteBuffer.get}, whose access of a page that no longer
     * exists (the file was truncated) raises {@link InternalError} instead of crashing the JVM.
     */
    private void dispatchMapped(ByteBuffer slice, Region region) throws IOException {
        List<Lane> lanes = lanes(region);
        if (!lanes.isEmpty()) {
            try {
                slices.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while measuring");
            }
            threaded = true;
            AtomicInteger left = new AtomicInteger(lanes.size());
            Runnable release = () -> {
                if (left.decrementAndGet() == 0) {
                    slices.release();
                }
            };
            for (Lane lane : lanes) {
                lane.submitMapped(slice, release);
            }
        }
        crcOfMapped(slice);
    }

    /** CRC32 of a mapped slice, copied to a small heap buffer first (see {@link #dispatchMapped}). */
    private void crcOfMapped(ByteBuffer slice) throws MappedFileFault {
        if (crcScratch == null) {
            crcScratch = new byte[SCRATCH];
        }
        try {
            throughScratch(slice, crcScratch, (b, n) -> crc.update(b, 0, n));
        } catch (InternalError e) {
            throw new MappedFileFault(e);
        }
        crcLength += slice.remaining();
    }

    /** Feeds {@code slice} (not moved) to {@code sink} through {@code scratch}, one buffer-full at a time. */
    private static void throughScratch(ByteBuffer slice, byte[] scratch, ScratchSink sink) {
        int length = slice.remaining();
        for (int done = 0; done < length; ) {
            int n = Math.min(scratch.length, length - done);
            slice.get(slice.position() + done, scratch, 0, n);
            sink.accept(scratch, n);
            done += n;
        }
    }

    /** Takes the first {@code n} bytes of a scratch buffer. */
    @FunctionalInterface
    private interface ScratchSink {
        void accept(byte[] bytes, int n);
    }

    /** The bytes of a mapped file could not be read: the file shrank while mapped, or its storage failed. */
    static final class MappedFileFault extends IOException {
        private static final long serialVersionUID = 1L;

        MappedFileFault(Throwable cause) {
            super("the mapped file could not be read: " + cause.getMessage(), cause);
        }
    }

    private ByteBuffer takeBuffer() throws IOException {
        ByteBuffer buf = free.poll();
        if (buf != null) {
            return buf;
        }
        if (allocated < BUFFERS) {
            allocated++;
            return ByteBuffer.allocate(CHUNK);
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while measuring");
        }
    }

    /** The chunking stream of {@link #stream}. */
    final class SectionStream extends OutputStream {
        private final Region region;
        private final WritableByteChannel out;
        private ByteBuffer current;
        private long count;
        private boolean closed;

        private SectionStream(Region region, WritableByteChannel out) {
            this.region = region;
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("section stream already closed");
            }
            while (len > 0) {
                if (current == null) {
                    current = takeBuffer();
                    current.clear();
                }
                int n = Math.min(len, current.remaining());
                current.put(b, off, n);
                off += n;
                len -= n;
                count += n;
                if (!current.hasRemaining()) {
                    flushChunk();
                }
            }
        }

        /** Bytes written so far. */
        long count() {
            return count;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (current != null && current.position() > 0) {
                flushChunk();
            } else if (current != null) {
                free.add(current);
                current = null;
            }
        }

        private void flushChunk() throws IOException {
            ByteBuffer full = current;
            current = null;
            full.flip();
            dispatch(full, region, out);
        }
    }

    /** One digest and, once the data is large, the single thread that updates it in order. */
    private static final class Lane {
        private final String name;
        final MessageDigest digest;
        private ExecutorService executor;
        private Future<?> last;
        private volatile Throwable failure;
        /** Used on the lane's thread only. */
        private byte[] scratch;

        Lane(String name, MessageDigest digest) {
            this.name = name;
            this.digest = digest;
        }

        /** Runs {@code step} on the digest: here while no thread exists, else queued behind earlier steps. */
        void run(java.util.function.Consumer<MessageDigest> step) {
            if (executor == null) {
                step.accept(digest);
            } else {
                enqueue(() -> step.accept(digest), () -> { });
            }
        }

        /** Queues a digest update of {@code view} on this lane's thread; {@code release} runs afterwards in any case. */
        void submit(ByteBuffer view, Runnable release) {
            submit(() -> digest.update(view), release);
        }

        private void submit(Runnable task, Runnable release) {
            if (executor == null) {
                executor = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    // A fault on a mapping surfaces asynchronously, possibly just after the task: kept, not printed.
                    t.setUncaughtExceptionHandler((thread, e) -> failure = e);
                    return t;
                });
            }
            enqueue(task, release);
        }

        /** Queues a digest update of a mapped {@code slice} through this lane's own heap buffer; then {@code release}. */
        void submitMapped(ByteBuffer slice, Runnable release) {
            ByteBuffer view = slice.duplicate();
            submit(() -> {
                if (scratch == null) {
                    scratch = new byte[SCRATCH];
                }
                throughScratch(view, scratch, (b, n) -> digest.update(b, 0, n));
            }, release);
        }

        private void enqueue(Runnable task, Runnable release) {
            last = executor.submit(() -> {
                try {
                    if (failure == null) {
                        task.run();
                    }
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    release.run();
                }
            });
        }

        void await() throws IOException {
            if (last != null) {
                try {
                    last.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while measuring");
                } catch (ExecutionException e) {
                    failure = e.getCause();
                }
            }
            if (failure instanceof InternalError) { // what reading a page of a truncated mapped file raises
                throw new MappedFileFault(failure);
            }
            if (failure != null) {
                throw new IllegalStateException(name + " hashing failed", failure);
            }
        }

        void shutdown() {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }

    private static MessageDigest copyOf(MessageDigest d) {
        try {
            return (MessageDigest) d.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-384 digest state cannot be copied on this platform", e);
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}

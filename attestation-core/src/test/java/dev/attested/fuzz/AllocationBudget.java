package dev.attested.fuzz;

import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;

/**
 * The "bounded memory" part of a fuzz target's contract: the bytes the calling thread allocates while one input
 * is handled must stay below a budget proportional to the input, plus a fixed allowance for buffers and
 * certificate parsing. A parser that amplifies a small input into a large allocation — a length field sizing an
 * array, a decompression bomb read into memory — fails here long before it would exhaust the fuzzing JVM's
 * small heap. The first time a code path runs it also pays for loading and initialising classes; so an input
 * over budget is handled a second time, and only the second run counts (the parsers are deterministic).
 */
public final class AllocationBudget {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long fixedBytes;
    private final long bytesPerInputByte;

    private AllocationBudget(long fixedBytes, long bytesPerInputByte) {
        this.fixedBytes = fixedBytes;
        this.bytesPerInputByte = bytesPerInputByte;
    }

    /** A budget of {@code fixedMiB} MiB plus {@code perInputByte} bytes for each input byte. */
    public static AllocationBudget of(long fixedMiB, long perInputByte) {
        return new AllocationBudget(fixedMiB << 20, perInputByte);
    }

    /** Work whose allocations are measured. */
    @FunctionalInterface
    public interface Work<T> extends Callable<T> {}

    /**
     * Runs {@code work} for an input of {@code inputLength} bytes and returns its result or throws what it threw;
     * fails with an {@link AssertionError} (a finding) when it allocated more than the budget.
     */
    public <T> T measure(long inputLength, Work<T> work) throws Exception {
        long limit = fixedBytes + bytesPerInputByte * inputLength;
        Run<T> run = Run.of(work);
        if (run.allocated > limit) {
            run = Run.of(work); // the first run may have paid for class initialisation
        }
        if (run.allocated > limit) {
            throw new AssertionError("handling one input of " + inputLength + " bytes allocated " + run.allocated
                    + " bytes, more than its budget of " + limit + " bytes: an allocation grows with a value read"
                    + " from the input rather than with its length", run.thrown);
        }
        if (run.thrown instanceof Exception e) {
            throw e;
        } else if (run.thrown instanceof Error e) {
            throw e;
        } else if (run.thrown != null) {
            throw new AssertionError(run.thrown);
        }
        return run.result;
    }

    private record Run<T>(T result, Throwable thrown, long allocated) {
        static <T> Run<T> of(Callable<T> work) {
            long start = THREADS.getCurrentThreadAllocatedBytes();
            T result = null;
            Throwable thrown = null;
            try {
                result = work.call();
            } catch (Throwable t) {
                thrown = t;
            }
            return new Run<>(result, thrown, THREADS.getCurrentThreadAllocatedBytes() - start);
        }
    }
}

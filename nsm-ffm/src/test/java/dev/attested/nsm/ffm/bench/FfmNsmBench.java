package dev.attested.nsm.ffm.bench;

import dev.attested.nsm.NsmCodec;
import dev.attested.nsm.NsmRequest;
import dev.attested.testkit.NsmSimulator;
import dev.attested.nsm.ffm.FfmNsm;
import dev.attested.nsm.ffm.SimulatedFfmNsm;

/**
 * Cost of the FFM path per NSM call: the same simulator answered directly (baseline) and through FfmNsm's
 * downcall into an upcall stub (arena, 32-byte struct, 12 KiB buffer, captured errno, copy back). The
 * difference is what nsm-ffm adds to every call on a real device, where the device itself takes far longer.
 *
 * <pre>./mvnw -B -q -pl nsm-ffm -am test-compile -Dbench</pre>
 */
public final class FfmNsmBench {
    private static final int ROUNDS = 5;
    private static final int CALLS = 20_000;

    private FfmNsmBench() {}

    public static void main(String[] args) {
        NsmSimulator simulator = NsmSimulator.create();
        byte[] describe = NsmCodec.encodeRequest(new NsmRequest.DescribePcr(16));
        try (SimulatedFfmNsm simulated = new SimulatedFfmNsm(simulator)) {
            FfmNsm ffm = simulated.nsm();
            long sink = 0;
            double bestDirect = Double.MAX_VALUE;
            double bestFfm = Double.MAX_VALUE;
            double bestTyped = Double.MAX_VALUE;
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += simulator.handle(describe).length;
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += ffm.transact(describe).length;
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += ffm.describePcr(16).data().length;
                }
                long t3 = System.nanoTime();
                bestDirect = Math.min(bestDirect, (t1 - t0) / 1000.0 / CALLS);
                bestFfm = Math.min(bestFfm, (t2 - t1) / 1000.0 / CALLS);
                bestTyped = Math.min(bestTyped, (t3 - t2) / 1000.0 / CALLS);
            }
            System.out.printf("DescribePCR, best of %d rounds x %d calls (sink %d)%n", ROUNDS, CALLS, sink);
            System.out.printf("  simulator.handle(bytes), baseline      %7.2f us/call%n", bestDirect);
            System.out.printf("  FfmNsm.transact(bytes) via upcall      %7.2f us/call  (x%.2f; FFM adds %.2f us)%n",
                    bestFfm, bestFfm / bestDirect, bestFfm - bestDirect);
            System.out.printf("  FfmNsm.describePcr (encode + decode)   %7.2f us/call  (x%.2f)%n", bestTyped,
                    bestTyped / bestDirect);
        }
    }
}

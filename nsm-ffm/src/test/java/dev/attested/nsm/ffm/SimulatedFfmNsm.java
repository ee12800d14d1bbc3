package dev.attested.nsm.ffm;

import dev.attested.testkit.NsmSimulator;

/**
 * An {@link FfmNsm} whose ioctl is an upcall stub answering through a simulator: the whole FFM path without a
 * device. For tests and benchmarks outside this package.
 */
public final class SimulatedFfmNsm implements AutoCloseable {
    private final UpcallDevice device;
    private final FfmNsm nsm;

    public SimulatedFfmNsm(NsmSimulator simulator) {
        this.device = UpcallDevice.answering(simulator::handle);
        Libc.Result fd = Libc.open("/dev/null", Libc.O_RDONLY | Libc.O_CLOEXEC);
        this.nsm = FfmNsm.withIoctl("/dev/null", (int) fd.value(), device.function());
    }

    public FfmNsm nsm() {
        return nsm;
    }

    @Override
    public void close() {
        nsm.close();
        device.close();
    }
}

package dev.attested.nsm.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.attested.nsm.Nsm;
import dev.attested.nsm.NsmRequest;
import dev.attested.nsm.NsmResponse;
import dev.attested.testkit.NsmSimulator;
import java.security.SecureRandom;
import java.security.Security;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NsmSecureRandomTest {

    /** Counts GetRandom calls on the way to a simulator. */
    private static final class Counting implements Nsm {
        final NsmSimulator sim = NsmSimulator.create();
        final AtomicInteger getRandom = new AtomicInteger();

        @Override
        public NsmResponse call(NsmRequest request) {
            if (request instanceof NsmRequest.GetRandom) {
                getRandom.incrementAndGet();
            }
            return sim.call(request);
        }
    }

    @Test
    void secureRandomBytesComeFromGetRandomInAsManyCallsAsNeeded() throws Exception {
        Counting nsm = new Counting();
        SecureRandom random = SecureRandom.getInstance(NsmSecureRandom.ALGORITHM, NsmSecureRandom.provider(nsm));
        byte[] out = new byte[600];
        random.nextBytes(out);
        assertEquals(3, nsm.getRandom.get(), "256 bytes per GetRandom: 600 bytes need three");
        assertNotEquals("00".repeat(88), HexFormat.of().formatHex(out, 512, 600));
    }

    @Test
    void callerSeedsDoNotReplaceDeviceEntropy() throws Exception {
        SecureRandom a = SecureRandom.getInstance(NsmSecureRandom.ALGORITHM, NsmSecureRandom.provider(new Counting()));
        SecureRandom b = SecureRandom.getInstance(NsmSecureRandom.ALGORITHM, NsmSecureRandom.provider(new Counting()));
        a.setSeed(1);
        b.setSeed(1);
        assertNotEquals(HexFormat.of().formatHex(a.generateSeed(32)), HexFormat.of().formatHex(b.generateSeed(32)));
    }

    @Test
    void installedFirstItIsTheDefaultSecureRandom() {
        Counting nsm = new Counting();
        Security.insertProviderAt(NsmSecureRandom.provider(nsm), 1);
        try {
            SecureRandom random = new SecureRandom();
            assertEquals(NsmSecureRandom.PROVIDER, random.getProvider().getName());
            random.nextBytes(new byte[16]);
            assertEquals(1, nsm.getRandom.get());
        } finally {
            Security.removeProvider(NsmSecureRandom.PROVIDER);
        }
    }
}

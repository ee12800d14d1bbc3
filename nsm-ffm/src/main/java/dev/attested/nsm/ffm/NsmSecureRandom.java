package dev.attested.nsm.ffm;

import dev.attested.nsm.Nsm;
import java.security.Provider;
import java.security.SecureRandomSpi;
import java.util.Map;
import java.util.Objects;

/**
 * {@code SecureRandom} backed by the NSM's hardware RNG ({@code GetRandom}): enclaves boot with little entropy,
 * the NSM has plenty.
 *
 * <pre>{@code
 * FfmNsm nsm = FfmNsm.open();
 * Security.insertProviderAt(NsmSecureRandom.provider(nsm), 1);   // now also the default for new SecureRandom()
 * SecureRandom random = SecureRandom.getInstance(NsmSecureRandom.ALGORITHM);
 * }</pre>
 * Seeding is a no-op (the device mixes its own entropy); every call reads fresh device output.
 */
public final class NsmSecureRandom {
    /** Provider name. */
    public static final String PROVIDER = "NSM";
    /** {@code SecureRandom} algorithm name. */
    public static final String ALGORITHM = "NSM";

    private NsmSecureRandom() {}

    /** A JCA provider offering {@link #ALGORITHM} over {@code nsm}. */
    public static Provider provider(Nsm nsm) {
        return new NsmProvider(Objects.requireNonNull(nsm));
    }

    private static final class NsmProvider extends Provider {
        private static final long serialVersionUID = 1L;

        NsmProvider(Nsm nsm) {
            super(PROVIDER, "1.0", "SecureRandom from the Nitro Secure Module (GetRandom)");
            putService(new Service(this, "SecureRandom", ALGORITHM, Spi.class.getName(), null,
                    Map.of("ThreadSafe", "true")) {
                @Override
                public Object newInstance(Object parameter) {
                    return new Spi(nsm);
                }
            });
        }
    }

    /** The SPI; public because the JCA requires it, not meant to be created directly. */
    public static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final transient Nsm nsm;

        Spi(Nsm nsm) {
            this.nsm = nsm;
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            // The device's entropy cannot be replaced or weakened by caller seeds.
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            nsm.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] out = new byte[numBytes];
            nsm.nextBytes(out);
            return out;
        }
    }
}

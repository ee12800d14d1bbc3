package dev.attested.bench;

import dev.attested.attestation.AttestationVerifier;
import dev.attested.attestation.Expectations;
import dev.attested.attestation.UnverifiedDocument;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.internal.cose.Es384;
import dev.attested.testkit.SimulatedNitroPki;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Documents verified per second of one thread's CPU time for an already-seen instance chain, against the floor of two P-384
 * verifications per document (leaf certificate + COSE signature), measured in the same run with the fastest
 * implementation available (Bouncy Castle's lightweight ECDSA on its custom secp384r1 curve; JDK SunEC and the BC
 * JCA provider are printed for comparison).
 *
 * <pre>./mvnw -B -q -pl attestation-core -am test-compile exec:java -Dexec.mainClass=dev.attested.bench.VerifierBenchmark -Dexec.classpathScope=test</pre>
 *
 * Optional argument: seconds per measurement (default 3).
 */
public final class VerifierBenchmark {
    private static final int DOCS = 64;
    private static volatile Object sink;

    private VerifierBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Instant start = Instant.parse("2025-06-01T00:00:00Z");
        SimulatedNitroPki pki = SimulatedNitroPki.create(start, 5);
        byte[][] docs = new byte[DOCS][];
        byte[][] nonces = new byte[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            nonces[i] = new byte[32];
            nonces[i][0] = (byte) i;
            docs[i] = pki.documentBuilder().nonce(nonces[i]).timestamp(start.plusSeconds(60 + i)).sign();
        }
        AttestationVerifier verifier = AttestationVerifier.builder().trustAnchor(pki.root())
                .clock(Clock.fixed(start.plusSeconds(120), ZoneOffset.UTC)).maxAge(Duration.ofMinutes(5)).build();
        Expectations[] expectations = new Expectations[DOCS];
        for (int i = 0; i < DOCS; i++) {
            expectations[i] = Expectations.builder().nonce(nonces[i]).pcrs(UnverifiedDocument.parse(docs[i]).pcrs()).build();
        }

        // floor inputs: what any verifier must check per document once the intermediates are cached
        X509Certificate leaf = pki.leaf();
        byte[] tbs = leaf.getTBSCertificate();
        byte[] leafSig = leaf.getSignature();
        byte[][] sigStructures = new byte[DOCS][];
        byte[][] coseSigs = new byte[DOCS][];
        for (int i = 0; i < DOCS; i++) {
            CoseSign1 c = CoseSign1.parse(docs[i]);
            sigStructures[i] = c.sigStructure();
            coseSigs[i] = c.signature();
        }
        Es384.PublicKeyHandle instanceKey = Es384.publicKey(pki.instanceCa().getPublicKey());
        Es384.PublicKeyHandle leafKey = Es384.publicKey(leaf.getPublicKey());

        Task verify = i -> sink = verifier.verify(docs[i % DOCS], expectations[i % DOCS]);
        Task floorBc = i -> {
            if (!instanceKey.verifyDer(tbs, leafSig) || !leafKey.verifyRaw(sigStructures[i % DOCS], coseSigs[i % DOCS])) {
                throw new IllegalStateException("floor verification failed");
            }
        };
        Task floorSunEc = jcaFloor(null, leaf, pki, tbs, leafSig, sigStructures, coseSigs);
        Task floorBcJca = jcaFloor(new BouncyCastleProvider(), leaf, pki, tbs, leafSig, sigStructures, coseSigs);

        // Warm-up, then short alternating slices: on a shared machine the load changes from second to second,
        // so each verifier slice is compared with the floor slice next to it and the median ratio is reported.
        for (Task t : new Task[] {verify, floorBc, floorSunEc, floorBcJca}) {
            rate(t, 1);
        }
        int rounds = (int) Math.max(5, seconds * 4);
        double[] ratios = new double[rounds];
        double bestVerify = 0;
        double bestFloor = 0;
        for (int r = 0; r < rounds; r++) {
            double v = rate(verify, 0.25);
            double f = rate(floorBc, 0.25);
            ratios[r] = f / v;
            bestVerify = Math.max(bestVerify, v);
            bestFloor = Math.max(bestFloor, f);
        }
        long wallStart = System.nanoTime();
        int wallCount = 0;
        while (System.nanoTime() - wallStart < 1_000_000_000L) {
            verify.run(wallCount++);
        }
        double wall = wallCount / ((System.nanoTime() - wallStart) / 1e9);
        double sun = rate(floorSunEc, 1);
        double bcJca = rate(floorBcJca, 1);
        java.util.Arrays.sort(ratios);
        double median = ratios[rounds / 2];
        System.out.println("Attestation verification, one thread, already-seen instance chain (" + System.getProperty("java.vm.name")
                + " " + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, load average "
                + java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() + ")");
        System.out.printf(Locale.ROOT, "  AttestationVerifier.verify            %8.0f documents per CPU-second  (%.3f ms each, best slice)%n",
                bestVerify, 1000 / bestVerify);
        System.out.printf(Locale.ROOT, "  AttestationVerifier.verify, wall     %8.0f documents/s on one thread (shared machine)%n", wall);
        System.out.printf(Locale.ROOT, "  floor: 2 x P-384, BC custom curve     %8.0f documents per CPU-second  (best slice)%n", bestFloor);
        System.out.printf(Locale.ROOT, "  floor: 2 x P-384, BC JCA provider     %8.0f documents per CPU-second%n", bcJca);
        System.out.printf(Locale.ROOT, "  floor: 2 x P-384, JDK SunEC           %8.0f documents per CPU-second%n", sun);
        if (Math.max(sun, bcJca) > bestFloor) {
            System.out.println("  note: a JCA floor was faster than the BC custom-curve floor in this run");
        }
        System.out.printf(Locale.ROOT, "  CPU-time ratio to the fastest floor  %8.2fx  (median of %d paired slices, range %.2f..%.2f; target <= 1.30x)%n",
                median, rounds, ratios[0], ratios[rounds - 1]);
        System.out.printf(Locale.ROOT, "  best-slice ratio                     %8.2fx  (fastest verifier slice against fastest floor slice)%n",
                Math.max(bestFloor, Math.max(sun, bcJca)) / bestVerify);
    }

    private interface Task {
        void run(int i) throws Exception;
    }

    private static Task jcaFloor(java.security.Provider provider, X509Certificate leaf, SimulatedNitroPki pki, byte[] tbs,
            byte[] leafSig, byte[][] sigStructures, byte[][] coseSigs) {
        return i -> {
            Signature der = provider == null ? Signature.getInstance("SHA384withECDSA")
                    : Signature.getInstance("SHA384withECDSA", provider);
            der.initVerify(pki.instanceCa().getPublicKey());
            der.update(tbs);
            Signature raw = provider == null ? Signature.getInstance("SHA384withECDSAinP1363Format")
                    : Signature.getInstance("SHA384withPLAIN-ECDSA", provider);
            raw.initVerify(leaf.getPublicKey());
            raw.update(sigStructures[i % sigStructures.length]);
            if (!der.verify(leafSig) || !raw.verify(coseSigs[i % coseSigs.length])) {
                throw new IllegalStateException("floor verification failed");
            }
        };
    }

    /**
     * Operations per second of this thread's CPU time (ThreadMXBean), so that other processes competing for the
     * cores slow the wall clock but not the measurement.
     */
    private static double rate(Task task, double seconds) throws Exception {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long cpuBegin = mx.getCurrentThreadCpuTime();
        int n = 0;
        while (System.nanoTime() < deadline) {
            for (int k = 0; k < 16; k++) {
                task.run(n++);
            }
        }
        return n / ((mx.getCurrentThreadCpuTime() - cpuBegin) / 1e9);
    }
}

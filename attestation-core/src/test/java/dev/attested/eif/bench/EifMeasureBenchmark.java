package dev.attested.eif.bench;

import dev.attested.eif.EifImage;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifReader;
import dev.attested.eif.EifWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Measuring an EIF (strict read + CRC + PCR0/1/2) against {@code sha384sum} of the same file, in one run.
 * Target: ≤ 1.1× {@code sha384sum} in wall time. PCR0 and PCR2 are two SHA-384 passes over the application
 * ramdisk (each digest on a thread of its own, the calling thread reading and checksumming), so the CPU time is
 * also printed: on a machine whose cores are busy the wall ratio approaches the CPU ratio. Also reports writing an
 * EIF (copy + CRC + PCR0/1/2 + the file's SHA-256) against {@code cp} followed by {@code sha384sum} of the copy.
 *
 * <pre>
 * ./mvnw -B -q -pl attestation-core -am test-compile exec:java \
 *     -Dexec.mainClass=dev.attested.eif.bench.EifMeasureBenchmark -Dexec.classpathScope=test [-Dexec.args="256 7"]
 * </pre>
 * Arguments: EIF size in MiB (default 256), rounds (default 7). Each round runs every contender once, interleaved;
 * the best and the median round are reported, since other processes on a shared machine only ever add time.
 */
public final class EifMeasureBenchmark {
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private EifMeasureBenchmark() {}

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Path dir = Files.createTempDirectory("eif-bench");
        try {
            Path kernel = random(dir.resolve("bzImage"), 8L << 20, 1);
            Path bootstrap = random(dir.resolve("bootstrap.cpio"), 8L << 20, 2);
            Path app = random(dir.resolve("customer.cpio"), ((long) mib - 16) << 20, 3);
            EifWriter writer = EifWriter.builder().kernel(kernel)
                    .cmdline("reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on")
                    .metadata(EifMetadata.of("bench", "1", EifMetadata.BuildMetadata.of(Instant.EPOCH, "bench", "1", "Linux", "4.14.256")))
                    .ramdisk(bootstrap).ramdisk(app).build();
            Path eif = writer.write(dir.resolve("bench.eif")).file();
            System.out.printf("EIF of %d MiB (%d bytes), %d rounds, %d CPUs%n", mib, Files.size(eif), rounds,
                    Runtime.getRuntime().availableProcessors());

            long[] sha = new long[rounds];
            long[] shaCpu = new long[rounds];
            long[] measureCpu = new long[rounds];
            long[] callerCpu = new long[rounds];
            long[] measure = new long[rounds];
            long[] javaSha = new long[rounds];
            long[] write = new long[rounds];
            long[] copyHash = new long[rounds];
            String pcr0 = null;
            for (int i = -1; i < rounds; i++) { // round -1 warms up the JIT and the page cache
                long t0 = System.nanoTime();
                long childCpu = cpuOfChild("sha384sum", eif.toString());
                long t1 = System.nanoTime();
                long cpu0 = processCpu();
                long main0 = THREADS.getCurrentThreadCpuTime();
                EifImage image = EifReader.read(eif);
                long t2 = System.nanoTime();
                long cpu1 = processCpu();
                long main1 = THREADS.getCurrentThreadCpuTime();
                long t20 = System.nanoTime();
                javaSha384(eif);
                long t21 = System.nanoTime();
                writer.write(dir.resolve("again.eif"));
                long t3 = System.nanoTime();
                run("cp", eif.toString(), dir.resolve("copy.eif").toString());
                run("sha384sum", dir.resolve("copy.eif").toString());
                long t4 = System.nanoTime();
                pcr0 = image.measurements().pcr0().hex();
                if (i >= 0) {
                    sha[i] = t1 - t0;
                    shaCpu[i] = childCpu;
                    measureCpu[i] = cpu1 - cpu0;
                    callerCpu[i] = main1 - main0;
                    measure[i] = t2 - t1;
                    javaSha[i] = t21 - t20;
                    write[i] = t3 - t2;
                    copyHash[i] = t4 - t3;
                }
            }
            System.out.println("PCR0 " + pcr0);
            Path loadavg = Path.of("/proc/loadavg");
            if (Files.isReadable(loadavg)) {
                System.out.println("load average (1/5/15 min) " + Files.readString(loadavg).trim());
            }
            report("sha384sum <eif>", sha, null);
            report("EifReader.read (CRC + PCR0/1/2)", measure, sha);
            report("  one SHA-384 pass in Java (MessageDigest)", javaSha, sha);
            report("  CPU time: sha384sum", shaCpu, null);
            report("  CPU time: EifReader.read (all threads)", measureCpu, shaCpu);
            report("  CPU time: EifReader.read calling thread", callerCpu, shaCpu);
            report("cp + sha384sum", copyHash, null);
            report("EifWriter.write (copy, CRC, PCRs, SHA-256)", write, copyHash);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(String name, long[] times, long[] baseline) {
        long best = Arrays.stream(times).min().orElseThrow();
        long median = median(times);
        String ratio = baseline == null ? "" : String.format("   ratio best %.2fx, median %.2fx", (double) best / Arrays.stream(baseline).min().orElseThrow(),
                (double) median / median(baseline));
        System.out.printf("%-42s best %7.3f s   median %7.3f s%s%n", name, best / 1e9, median / 1e9, ratio);
    }

    private static long median(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed with exit status " + p.exitValue());
        }
    }

    private static void javaSha384(Path file) throws Exception {
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-384");
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            while (ch.read(buf.clear()) > 0) {
                md.update(buf.flip());
            }
        }
        md.digest();
    }

    /** CPU time (user + system) of a child command, from bash's {@code times} builtin. */
    private static long cpuOfChild(String... command) throws IOException, InterruptedException {
        java.util.List<String> argv = new java.util.ArrayList<>(java.util.List.of("bash", "-c", "\"$@\" > /dev/null && times", "bench"));
        argv.addAll(java.util.List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        String[] children = out.strip().lines().reduce((a, b) -> b).orElseThrow().trim().split("\\s+");
        return seconds(children[0]) + seconds(children[1]);
    }

    private static long seconds(String bashTime) {
        int m = bashTime.indexOf('m');
        return (long) ((Long.parseLong(bashTime.substring(0, m)) * 60 + Double.parseDouble(bashTime.substring(m + 1, bashTime.length() - 1))) * 1e9);
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static Path random(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
        return file;
    }
}

package dev.attested.enclave.bench;

import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.EifBuild;
import dev.attested.pcr.PcrManifest;
import dev.attested.internal.ramdisk.TestImages;
import dev.attested.internal.ramdisk.TestImages.Layer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Time of a native EIF build (image tarball → customer ramdisk, bootstrap ramdisk, EIF with PCRs, SHA-256,
 * manifest) against the floor of producing that many bytes: copying the finished EIF and hashing it once
 * (SHA-384), measured in the same run on the same files. Each round prints both and their ratio; the summary gives
 * the ratio of the best times and the median of the per-round ratios (on shared cores, read the median).
 *
 * <pre>./mvnw -B -q -pl attestation-core test-compile exec:java -Dexec.mainClass=dev.attested.enclave.bench.BuildEifBenchmark -Dexec.classpathScope=test [-Dexec.args="128 15"]</pre>
 * Arguments: application megabytes in the image (default 128), rounds (default 15).
 */
public final class BuildEifBenchmark {
    private BuildEifBenchmark() {}

    public static void main(String[] args) throws Exception {
        int appMiB = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Path dir = Files.createTempDirectory("build-eif-bench");
        try {
            Path blobs = blobs(dir.resolve("blobs"));
            Path image = image(dir.resolve("image.tar"), appMiB);
            BootBlobs bb = BootBlobs.load(blobs);
            java.util.List<Double> ratios = new java.util.ArrayList<>();
            long bestBuild = Long.MAX_VALUE;
            long bestFloor = Long.MAX_VALUE;
            long eifSize = 0;
            for (int r = 0; r < rounds; r++) {
                Path out = dir.resolve("out");
                Files.deleteIfExists(out.resolve("bench.eif")); // like the copy below: each round writes a new file
                Files.deleteIfExists(out.resolve("pcr-manifest.json"));
                long t0 = System.nanoTime();
                EifBuild.Result res = EifBuild.build(EifBuild.Request.builder(
                        new EifBuild.FromImage(bb, image, new PcrManifest.Image("bench", "1", null, "scratch"),
                                EifBuild.Backend.NATIVE), new EifBuild.BuildTool("bench", "1"),
                        new EifBuild.Output(out, "bench.eif", dir.resolve("work")))
                        .imageName("bench", "1").buildTime(Instant.parse("2026-01-01T00:00:00Z")).build());
                long build = System.nanoTime() - t0;
                eifSize = Files.size(res.eif());

                long t1 = System.nanoTime();
                Files.copy(res.eif(), dir.resolve("copy.eif"), StandardCopyOption.REPLACE_EXISTING);
                sha384(dir.resolve("copy.eif"));
                long floor = System.nanoTime() - t1;
                Files.delete(dir.resolve("copy.eif"));

                long t2 = System.nanoTime();
                try (dev.attested.internal.ramdisk.CustomerRamdisk.Flattened f =
                        dev.attested.internal.ramdisk.CustomerRamdisk.flatten(image, dir.resolve("work"))) {
                    f.size();
                }
                long flatten = System.nanoTime() - t2;
                System.out.printf("round %d: build %.3f s (of which flattening the image ~%.3f s), "
                        + "copy+SHA-384 %.3f s, ratio %.2f%n", r + 1, build / 1e9, flatten / 1e9,
                        floor / 1e9, (double) build / floor);
                ratios.add((double) build / floor);
                bestBuild = Math.min(bestBuild, build);
                bestFloor = Math.min(bestFloor, floor);
            }
            System.out.printf("EIF %d MiB (image with %d MiB of application files, gzip layers)%n", eifSize >> 20, appMiB);
            java.util.Collections.sort(ratios);
            System.out.printf("best build-eif (native) %.3f s; best copy + SHA-384 of the EIF %.3f s; ratio of bests %.2f; "
                    + "median per-round ratio %.2f (target <= 2.0)%n", bestBuild / 1e9, bestFloor / 1e9,
                    (double) bestBuild / bestFloor, ratios.get(ratios.size() / 2));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Path blobs(Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] kernel = new byte[7 << 20]; // about the size of the real bzImage
        new Random(1).nextBytes(kernel);
        Files.write(dir.resolve("bzImage"), kernel);
        Files.writeString(dir.resolve("bzImage.config"), "#\n#\n# Linux/x86_64 4.14.256-209.484.amzn2.x86_64 Kernel Configuration\n");
        Files.writeString(dir.resolve("cmdline"), "reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on\n");
        byte[] init = new byte[742968];
        new Random(2).nextBytes(init);
        Files.write(dir.resolve("init"), init);
        byte[] nsm = new byte[20504];
        new Random(3).nextBytes(nsm);
        Files.write(dir.resolve("nsm.ko"), nsm);
        return dir;
    }

    /** A base-like layer of many small files and an application layer of jars (incompressible bytes). */
    private static Path image(Path file, int appMiB) throws IOException {
        Random rnd = new Random(4);
        Layer base = new Layer().dir("usr", 0755, 1).dir("usr/lib", 0755, 1);
        for (int i = 0; i < 2000; i++) {
            byte[] b = new byte[4096];
            rnd.nextBytes(b);
            base.file("usr/lib/f" + i, 0644, 0, 0, 1, b);
        }
        Layer app = new Layer().dir("app", 0755, 1).dir("app/lib", 0755, 1);
        for (int i = 0; i < appMiB; i++) {
            byte[] b = new byte[1 << 20];
            rnd.nextBytes(b);
            app.file("app/lib/dep" + i + ".jar", 0644, 0, 0, 1, b);
        }
        return TestImages.dockerSave(file, TestImages.config("[\"java\",\"-jar\",\"/app/app.jar\"]", null, null), base, app);
    }

    private static void sha384(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-384");
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        md.digest();
    }
}

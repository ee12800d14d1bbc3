package dev.attested.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher {@code attestation-cli/attested} as users run it: the first run makes the JDK's start-up cache
 * (AOT cache on 25, CDS archive on 17), later runs use it, and every run prints exactly what {@code java -jar}
 * prints, with the same exit status; a damaged cache or ATTESTED_CACHE=off changes nothing users see.
 */
class LauncherIT {
    static final Path LAUNCHER = Path.of("attested").toAbsolutePath();

    static List<Path> javas() {
        return AttestedJarIT.javas();
    }

    record Run(int exit, String out, String err) {}

    static Run launch(Path java, Path cacheDir, Map<String, String> env, byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", java.getParent().getParent().toString());
        pb.environment().put("ATTESTED_JAR", AttestedJarIT.JAR.toAbsolutePath().toString());
        pb.environment().put("ATTESTED_CACHE_DIR", cacheDir.toString());
        pb.environment().remove("ATTESTED_CACHE");
        pb.environment().putAll(env);
        Path in = Files.createTempFile("stdin", ".bin");
        Files.write(in, stdin == null ? new byte[0] : stdin);
        pb.redirectInput(in.toFile());
        Process p = pb.start();
        var out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        var err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the launcher did not finish");
        Files.delete(in);
        return new Run(p.exitValue(), out.get(), err.get());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Path> caches(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".aot") || p.toString().endsWith(".jsa")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void theFirstRunMakesTheCacheAndEveryRunPrintsWhatJavaJarPrints(Path java, @TempDir Path cache) throws Exception {
        byte[] doc = AttestedJarIT.marlin();
        String[] verify = {"verify", "--at", "document", "--pcrs", AttestedJarIT.MARLIN_PCRS};
        AttestedJarIT.Run plain = AttestedJarIT.run(java, doc, verify);
        assertEquals(0, plain.exit(), plain.toString());

        Run first = launch(java, cache, Map.of(), doc, verify);
        assertTrue(first.err().contains("preparing the start-up cache"), first.err());
        assertEquals(1, caches(cache).size(), "one cache for this jar and JDK");
        Run second = launch(java, cache, Map.of(), doc, verify);
        assertFalse(second.err().contains("preparing"), second.err());
        for (Run r : List.of(first, second)) {
            assertEquals(plain.exit(), r.exit());
            assertEquals(plain.out(), r.out());
        }
        assertEquals(plain.err(), second.err());

        // A tampered document: the same code and exit status through the cache.
        byte[] tampered = Base64.getMimeDecoder().decode(doc);
        tampered[tampered.length - 1] ^= 1;
        AttestedJarIT.Run plainBad = AttestedJarIT.run(java, tampered, verify);
        Run bad = launch(java, cache, Map.of(), tampered, verify);
        assertEquals(1, bad.exit());
        assertEquals(plainBad.out(), bad.out());

        // A damaged cache is refused by the JDK without a word on standard output.
        Files.write(caches(cache).get(0), "not a cache".getBytes(StandardCharsets.US_ASCII));
        Run damaged = launch(java, cache, Map.of(), doc, verify);
        assertEquals(plain.exit(), damaged.exit());
        assertEquals(plain.out(), damaged.out());

        Run off = launch(java, cache, Map.of("ATTESTED_CACHE", "off"), doc, verify);
        assertEquals(plain.out(), off.out());
        assertEquals(plain.err(), off.err());
    }

    @ParameterizedTest
    @MethodSource("javas")
    void eachFamilyOfCommandsGetsItsOwnCacheAndANewerJarANewOne(Path java, @TempDir Path work) throws Exception {
        Path cache = Files.createDirectory(work.resolve("cache"));
        Path jar = Files.copy(AttestedJarIT.JAR, work.resolve("attested-copy.jar"));
        Map<String, String> env = Map.of("ATTESTED_JAR", jar.toString());
        Path file = Files.write(work.resolve("file.bin"), "attested".getBytes(StandardCharsets.US_ASCII));

        Run verify = launch(java, cache, env, AttestedJarIT.marlin(), "verify", "--at", "document", "--any-image");
        assertEquals(0, verify.exit(), verify.toString());
        Run pcr = launch(java, cache, env, null, "pcr", "--file", file.toString());
        assertTrue(pcr.err().contains("preparing the start-up cache"), pcr.err());
        AttestedJarIT.Run plainPcr = AttestedJarIT.run(java, null, "pcr", "--file", file.toString());
        assertEquals(plainPcr.exit(), pcr.exit());
        assertEquals(plainPcr.out(), pcr.out());
        Run version = launch(java, cache, env, null, "--version");
        assertTrue(version.err().contains("preparing the start-up cache"), version.err());
        List<Path> made = caches(cache);
        assertEquals(3, made.size(), "verify; describe-eif, build-eif and pcr; the rest: " + made);
        assertFalse(launch(java, cache, env, null, "pcr", "--file", file.toString()).err().contains("preparing"));

        // A rebuilt jar (newer than its caches) gets a new cache, under the same name: none is left behind.
        Path other = made.stream().filter(p -> p.getFileName().toString().contains("-other.")).findFirst().orElseThrow();
        Files.setLastModifiedTime(jar, FileTime.fromMillis(
                Files.getLastModifiedTime(other).toMillis() + 10_000));
        Run again = launch(java, cache, env, null, "--version");
        assertTrue(again.err().contains("preparing the start-up cache"), again.err());
        assertEquals(version.out(), again.out());
        assertEquals(made, caches(cache));
    }

    @ParameterizedTest
    @MethodSource("javas")
    void usageErrorsKeepTheirExitStatus(Path java, @TempDir Path cache) throws Exception {
        Run r = launch(java, cache, Map.of(), null, "verify", "--no-such-flag");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().contains("Unknown option: '--no-such-flag'"), r.err());
    }

    @org.junit.jupiter.api.Test
    void withoutAJarItSaysHowToBuildOne(@TempDir Path cache) throws Exception {
        Run r = launch(AttestedJarIT.javas().get(1), cache, Map.of("ATTESTED_JAR", cache.resolve("none.jar").toString()),
                null, "--version");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("./mvnw -B -q -pl attestation-cli -am package -DskipTests"), r.err());
    }
}

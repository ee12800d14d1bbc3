package dev.attested.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.eif.EifDescription;
import dev.attested.eif.EifMeasurements;
import dev.attested.eif.EifReader;
import dev.attested.enclave.BootBlobs;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs {@code attested-<version>.jar} as a user does: {@code java -jar}, as a separate process, on Java 17 and on
 * the Java 25 that runs the build. Exit status and output are what scripts rely on.
 */
class AttestedJarIT {
    static final Path JAR = Path.of(System.getProperty("attested.jar", "target/attested.jar"));
    static final Path VECTORS = Path.of(System.getProperty("attested.vectors.dir", "../test-vectors"), "attestation");
    /** A real production document (Marlin, 2024-08-07) and its image PCRs. */
    static final String MARLIN = "05-marlin-2024-08-07-aps1-prod.b64";
    static final String MARLIN_PCRS = "0:5fec1b73727425848d725d68f4a062c634061a035067bd0b9a6dc73e25ed5013dfe7ccbf8a7e9857eceb0841c4cb6ae6,"
            + "1:bcdf05fefccaa8e55bf2c8d6dee9e79bbff31e34bf28a99aa19e6b29c37ee80b214a414b7607236edf26fcb78654e63f,"
            + "2:ae41ca22df64a32d729667160a7f218e59e31586809e121ff2c446a36dc5354ba4e0f74dce737be3298cf82c364692e7";

    @TempDir
    static Path dir;

    record Run(int exit, String out, String err) {
        String lastLine() {
            String[] lines = out.strip().split("\n");
            return lines[lines.length - 1];
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** The Java 17 and Java 25 runtimes the jar must work on. */
    static List<Path> javas() {
        List<Path> out = new ArrayList<>();
        out.add(java17());
        out.add(Path.of(System.getProperty("java.home"), "bin", "java"));
        return out;
    }

    /** A Java 17 runtime: $ATTESTED_JAVA17, or a JDK 17 in /usr/lib/jvm. Its absence fails the test. */
    static Path java17() {
        String env = System.getenv("ATTESTED_JAVA17");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/jvm"))) {
            Optional<Path> found = s.filter(p -> p.getFileName().toString().matches(".*(-17-|-17$|jdk-17).*"))
                    .map(p -> p.resolve("bin/java")).filter(Files::isExecutable).sorted().findFirst();
            return found.orElseThrow(() -> new AssertionError("no Java 17 under /usr/lib/jvm; set ATTESTED_JAVA17"));
        } catch (IOException e) {
            throw new AssertionError("no Java 17 found (set ATTESTED_JAVA17 to its bin/java)", e);
        }
    }

    static Run run(Path java, byte[] stdin, String... args) throws Exception {
        return runIn(Path.of("").toAbsolutePath(), java, stdin, args);
    }

    static Run runIn(Path cwd, Path java, byte[] stdin, String... args) throws Exception {
        return runIn(cwd, java, List.of(), stdin, args);
    }

    static Run runIn(Path cwd, Path java, List<String> jvmOptions, byte[] stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java.toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("attested " + String.join(" ", args) + " did not finish in 120 s");
        }
        return new Run(p.exitValue(), new String(out.get(), StandardCharsets.UTF_8),
                new String(err.get(), StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static byte[] marlin() throws IOException {
        return Files.readAllBytes(VECTORS.resolve(MARLIN));
    }

    @BeforeAll
    static void jarExists() {
        assertTrue(Files.isRegularFile(JAR), "build the jar first (mvn package): " + JAR);
    }

    @ParameterizedTest
    @MethodSource("javas")
    void versionStartsOnBothJavas(Path java) throws Exception {
        Run r = run(java, null, "--version");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().matches("attested \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\n"), r.toString());
    }

    /**
     * The command model is built without reading picocli's annotations: the JDK would make each annotation instance
     * a dynamic proxy whose class is generated at run time, which no start-up cache (CDS, AOT) can hold.
     */
    @ParameterizedTest
    @MethodSource("javas")
    void aShortRunGeneratesNoProxyClass(Path java) throws Exception {
        Path cwd = Path.of("").toAbsolutePath();
        Path classes = dir.resolve("class-load-" + java.hashCode() + ".log");
        List<String> log = List.of("-Xlog:class+load=info:file=" + classes);
        Map<List<String>, Integer> runs = new LinkedHashMap<>();
        runs.put(List.of("--version"), 0);
        runs.put(List.of("verify", "--at", "document", "--pcrs", MARLIN_PCRS), 0);
        runs.put(List.of("--help"), 0);
        runs.put(List.of("kms-policy", "generate", "--help"), 0);
        runs.put(List.of("pcr", "--role", "arn:aws:iam::123456789012:role/r"), 0);
        runs.put(List.of("verfy"), 2);
        for (Map.Entry<List<String>, Integer> e : runs.entrySet()) {
            Run r = runIn(cwd, java, log, marlin(), e.getKey().toArray(String[]::new));
            assertEquals(e.getValue(), r.exit(), e.getKey() + ": " + r.exit());
            String loaded = Files.readString(classes);
            assertTrue(loaded.contains("dev.attested.cli.Attested source:"), e.getKey() + ": class loading is logged");
            List<String> proxies = loaded.lines().filter(l -> l.contains("__dynamic_proxy__")).toList();
            assertEquals(List.of(), proxies, e.getKey() + " generated proxy classes");
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void aRealDocumentOnStandardInputIsVerifiedAgainstItsImagePcrs(Path java) throws Exception {
        Run r = run(java, marlin(), "verify", "--at", "document", "--pcrs", MARLIN_PCRS);
        assertEquals(0, r.exit(), r.toString());
        assertEquals("verified: true", r.lastLine(), r.toString());
        assertTrue(r.out().contains("PCR0   5fec1b73727425848d725d68f4a062c6") && r.out().contains("  match"), r.toString());
        // The same with - named explicitly.
        Run dash = run(java, marlin(), "verify", "-", "--at", "document", "--pcrs", MARLIN_PCRS);
        assertEquals(0, dash.exit(), dash.toString());
    }

    @ParameterizedTest
    @MethodSource("javas")
    void aTamperedDocumentIsRejectedWithItsCode(Path java) throws Exception {
        byte[] cbor = Base64.getMimeDecoder().decode(new String(marlin(), StandardCharsets.US_ASCII).strip());
        cbor[cbor.length - 10] ^= 0x01; // inside the ES384 signature
        Run r = run(java, Base64.getEncoder().encode(cbor), "verify", "--at", "document", "--pcrs", MARLIN_PCRS);
        assertEquals(1, r.exit(), r.toString());
        assertEquals("verified: false (SIGNATURE_INVALID)", r.lastLine(), r.toString());

        String otherImage = MARLIN_PCRS.replace("0:5fec", "0:6fec");
        Run wrongImage = run(java, marlin(), "verify", "--at", "document", "--pcrs", otherImage);
        assertEquals(1, wrongImage.exit(), wrongImage.toString());
        assertTrue(wrongImage.lastLine().startsWith("verified: false (PCR"), wrongImage.toString());
        assertTrue(wrongImage.out().contains("MISMATCH, expected 6fec"), wrongImage.toString());

        // Expired certificates at the current time: the real document is not fresh.
        Run now = run(java, marlin(), "verify", "--pcrs", MARLIN_PCRS);
        assertEquals(1, now.exit(), now.toString());
        assertEquals("verified: false (CERT_NOT_VALID_AT_TIME)", now.lastLine(), now.toString());
    }

    @ParameterizedTest
    @MethodSource("javas")
    void jsonIsTheVerifyGoalsReport(Path java) throws Exception {
        Run r = run(java, marlin(), "verify", "--at", "document", "--pcrs", MARLIN_PCRS, "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertEquals(dev.attested.attestation.VerificationReport.SCHEMA_VERSION, report.get("schemaVersion").asInt(), r.out());
        assertEquals(1, report.get("results").size(), r.out());
        assertFalse(r.out().contains("verified:"), "pure JSON on stdout");
    }

    @ParameterizedTest
    @MethodSource("javas")
    void aDirectoryOfRealDocumentsIsVerifiedFileByFile(Path java) throws Exception {
        Path docs = Files.createDirectories(dir.resolve("docs-" + java.hashCode()));
        try (Stream<Path> s = Files.list(VECTORS)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".b64")).toList()) {
                Files.copy(p, docs.resolve(p.getFileName()));
            }
        }
        Run all = run(java, null, "verify", docs.toString(), "--at", "document", "--any-image", "--allow-debug-mode");
        assertEquals(0, all.exit(), all.toString());
        assertTrue(all.out().contains("4 ok, 0 rejected; the enclave image was NOT checked"), all.toString());
        assertTrue(all.err().contains("--any-image"), "the waiver is said out loud: " + all);
        Run strict = run(java, null, "verify", docs.toString(), "--at", "document", "--any-image");
        assertEquals(1, strict.exit(), strict.toString());
        assertEquals("verified: false (DEBUG_MODE)", strict.lastLine(), strict.toString());
    }

    @ParameterizedTest
    @MethodSource("javas")
    void usageErrorsExitTwo(Path java) throws Exception {
        Run unknown = run(java, null, "verify", "--no-such-option");
        assertEquals(2, unknown.exit(), unknown.toString());
        assertTrue(unknown.err().contains("Unknown option: '--no-such-option'"), unknown.toString());
        Run noCommand = run(java, null);
        assertEquals(2, noCommand.exit(), noCommand.toString());
        Run nothingExpected = run(java, marlin(), "verify", "--at", "document");
        assertEquals(2, nothingExpected.exit(), "no expected image and no --any-image: " + nothingExpected);
        assertTrue(nothingExpected.err().contains("MANIFEST_NOT_FOUND"), nothingExpected.toString());
        assertFalse(nothingExpected.err().contains("\tat "), "no stack trace: " + nothingExpected);
        Run missing = run(java, null, "verify", "--manifest", "no-such-manifest.json");
        assertEquals(2, missing.exit(), missing.toString());
        assertTrue(missing.err().contains("no-such-manifest.json: no such file"), missing.toString());
        Run missingHistory = run(java, marlin(), "verify", "--any-image", "--at", "document", "--history", "no-such-history.json");
        assertEquals(2, missingHistory.exit(), "a named history is never ignored, even without --environment: " + missingHistory);
        assertTrue(missingHistory.err().contains("no-such-history.json: no such file"), missingHistory.toString());
        Run strayHistory = run(java, null, "kms-policy", "generate", "--manifest", "pcr-manifest.json", "--history", "h.json",
                "--role-arn", "arn:aws:iam::123456789012:role/app");
        assertEquals(2, strayHistory.exit(), strayHistory.toString());
        assertTrue(strayHistory.err().contains("--history h.json is used only with --environment"), strayHistory.toString());
        Run missingDoc = run(java, null, "verify", "no-such-doc.b64", "--any-image");
        assertEquals(2, missingDoc.exit(), missingDoc.toString());
        Run bothPcrs = run(java, null, "pcr", "--role", "arn:aws:iam::123456789012:role/ci", "--instance", "i-0123456789abcdef0");
        assertEquals(2, bothPcrs.exit(), bothPcrs.toString());
        Run badRole = run(java, null, "pcr", "--role", "not-an-arn");
        assertEquals(2, badRole.exit(), badRole.toString());
    }

    @Test
    void nsmSaysItNeedsJava25OnJava17() throws Exception {
        Run r = run(java17(), null, "nsm", "attest");
        assertEquals(2, r.exit(), r.toString());
        assertTrue(r.err().contains("needs Java 25"), r.toString());
        assertFalse(r.err().contains("Exception"), r.toString());
    }

    @Test
    void nsmOnJava25ReachesTheDeviceThroughFfm() throws Exception {
        Path java25 = javas().get(1);
        Run r = run(java25, null, "nsm", "--device", dir.resolve("no-nsm").toString(), "attest");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("attested: DEVICE_NOT_FOUND"), r.toString());
        assertFalse(r.err().contains("WARNING"), "native access is enabled by the jar's manifest: " + r);
    }

    @ParameterizedTest
    @MethodSource("javas")
    void pcrOfRoleInstanceCertificateAndFile(Path java) throws Exception {
        Run role = run(java, null, "pcr", "--role", "arn:aws:iam::123456789012:role/ci");
        assertEquals(0, role.exit(), role.toString());
        assertEquals("095b791f46d568a77f9d98ea4610b9666e7cd1d26401ff7c137ff21ffaa2ddf54fe6cb3da91b4842a239d04a19ac7565\n",
                role.out());
        Run instance = run(java, null, "pcr", "--instance", "i-084e1dd2f1b2c529b");
        assertEquals("4b41d8e9ba3411505c1604762a2e91ba72c2c11d954f4a640bf4402bd195dd432804ffa0ceed1b6c39233d13b1e2e595\n",
                instance.out());
        Path pem = VECTORS.resolve("aws-nitro-enclaves-root-g1.pem");
        Run cert = run(java, null, "pcr", "--certificate", pem.toString());
        assertEquals(0, cert.exit(), cert.toString());
        assertEquals(Pcr.ofSigningCertificate(dev.attested.attestation.NitroRoots.awsG1()).hex() + "\n", cert.out());
        Run file = run(java, null, "pcr", "--file", pem.toString());
        assertEquals(Pcr.ofContent(Files.readAllBytes(pem)).hex() + "\n", file.out());
    }

    /**
     * build-eif from a docker-save tarball and blobs (as a directory and as coordinates in a local Maven
     * repository) gives the same bytes on both Javas; describe-eif prints the describe-eif goal's JSON for it.
     */
    @Test
    void buildEifThenDescribeEifOnBothJavas() throws Exception {
        Path work = Files.createDirectories(dir.resolve("build"));
        Path image = dockerSave(work.resolve("image.tar"));
        Path blobs = fakeBlobs(work.resolve("blobs"));
        Path repo = work.resolve("m2");
        Path zip = Files.createDirectories(repo.resolve("com/example/nitro-blobs/1.0")).resolve("nitro-blobs-1.0.zip");
        try (OutputStream o = Files.newOutputStream(zip)) {
            BootBlobs.load(blobs).writeZip(o);
        }
        List<byte[]> eifs = new ArrayList<>();
        List<byte[]> manifests = new ArrayList<>();
        for (Path java : javas()) {
            for (String[] blobArgs : List.of(new String[] {"--blobs", "blobs"},
                    new String[] {"--blobs", "com.example:nitro-blobs:1.0", "--maven-repo", "m2"})) {
                Path out = work.resolve("out-" + eifs.size());
                List<String> args = new ArrayList<>(List.of("build-eif", "--image", "image.tar", "--output",
                        out.toString(), "--timestamp", "2026-01-01T00:00:00Z", "--name", "app", "--version", "1.0"));
                args.addAll(List.of(blobArgs));
                Run r = runIn(work, java, null, args.toArray(String[]::new));
                assertEquals(0, r.exit(), r.toString());
                assertTrue(r.out().contains("PCR0 "), r.toString());
                try (Stream<Path> s = Files.list(out)) {
                    assertEquals(List.of("app-1.0.eif", "pcr-manifest.json"),
                            s.map(p -> p.getFileName().toString()).sorted().toList(), "no work files left");
                }
                eifs.add(Files.readAllBytes(out.resolve("app-1.0.eif")));
                manifests.add(Files.readAllBytes(out.resolve("pcr-manifest.json")));
            }
        }
        for (int i = 1; i < eifs.size(); i++) {
            assertArrayEquals(eifs.get(0), eifs.get(i), "EIF " + i);
            assertArrayEquals(manifests.get(0), manifests.get(i), "manifest " + i);
        }
        Path eif = work.resolve("out-0/app-1.0.eif");
        PcrManifest m = PcrManifest.read(work.resolve("out-0/pcr-manifest.json"));
        assertEquals("image.tar", m.image().tarball().path());
        String goalJson = EifDescription.json(EifReader.inspect(eif), EifMeasurements.NITRO_CLI_HASH_ALGORITHM) + "\n";
        for (Path java : javas()) {
            Run d = run(java, null, "describe-eif", eif.toString());
            assertEquals(0, d.exit(), d.toString());
            assertEquals(goalJson, d.out());
            assertTrue(d.out().contains(m.pcrs().get(0)), d.out());
        }
        Run missing = run(javas().get(0), null, "build-eif", "--image", work.resolve("absent.tar").toString(),
                "--blobs", blobs.toString());
        assertEquals(2, missing.exit(), missing.toString());
        Run absentGav = runIn(work, javas().get(0), null, "build-eif", "--image", "image.tar", "--output",
                "out-x", "--blobs", "com.example:nitro-blobs:9.9", "--maven-repo", "m2");
        assertEquals(1, absentGav.exit(), absentGav.toString());
        assertTrue(absentGav.err().startsWith("attested: BLOBS_NOT_FOUND"), absentGav.toString());
        Path truncated = Files.write(work.resolve("truncated.eif"), java.util.Arrays.copyOf(Files.readAllBytes(eif), 100));
        Run bad = run(javas().get(0), null, "describe-eif", truncated.toString());
        assertEquals(1, bad.exit(), bad.toString());
        assertTrue(bad.err().startsWith("attested: EIF_"), bad.toString());
    }

    /** The kms-policy goal's workshop (it/kms-policy): generate, lint and evaluate with the jar. */
    @ParameterizedTest
    @MethodSource("javas")
    void kmsPolicyGenerateLintEvaluate(Path java) throws Exception {
        Path src = VECTORS.getParent().getParent().resolve("it/kms-policy");
        Path w = Files.createDirectories(dir.resolve("kms-" + java.hashCode()));
        Files.createDirectories(w.resolve("fixtures"));
        try (Stream<Path> s = Files.list(VECTORS)) {
            for (Path p : s.filter(p -> p.toString().endsWith(".b64")).toList()) {
                Files.copy(p, w.resolve("fixtures").resolve(p.getFileName()));
            }
        }
        for (String f : List.of("pcr-manifest.json", "scenarios.txt", "scenarios-root.txt", "root-kms-star-policy.json")) {
            Files.copy(src.resolve(f), w.resolve(f));
        }
        Run gen = runIn(w, java, null, "kms-policy", "generate", "--manifest", "pcr-manifest.json", "--role-arn",
                "arn:aws:iam::111122223333:role/data-processing", "--admins", "arn:aws:iam::111122223333:role/key-admin",
                "--output", "out/kms-policy.json");
        assertEquals(0, gen.exit(), gen.toString());
        assertTrue(Files.isRegularFile(w.resolve("out/kms-policy.json")) && Files.isRegularFile(w.resolve("out/kms-policy.txt")));
        Run lint = runIn(w, java, null, "kms-policy", "lint", "out/kms-policy.json");
        assertEquals(0, lint.exit(), lint.toString());
        assertTrue(lint.out().contains("Lint: 0 errors"), lint.toString());
        Run eval = runIn(w, java, null, "kms-policy", "evaluate", "out/kms-policy.json", "scenarios.txt");
        assertEquals(0, eval.exit(), eval.toString());
        assertTrue(eval.out().contains("5 of 5 scenarios got the expected decision"), eval.toString());
        Run badLint = runIn(w, java, null, "kms-policy", "lint", "root-kms-star-policy.json");
        assertEquals(1, badLint.exit(), badLint.toString());
        assertTrue(badLint.err().contains("ERROR KMS-ROOT"), badLint.toString());
        Run wrongExpectation = runIn(w, java, null, "kms-policy", "evaluate", "out/kms-policy.json", "scenarios-root.txt");
        assertEquals(1, wrongExpectation.exit(), "the root scenario expects allow-via-iam: " + wrongExpectation);
        Run noReleases = runIn(w, java, null, "kms-policy", "generate", "--role-arn",
                "arn:aws:iam::111122223333:role/data-processing");
        assertEquals(2, noReleases.exit(), noReleases.toString());
        assertFalse(Files.exists(w.resolve("kms-policy.json")));
    }

    static Path fakeBlobs(Path d) throws IOException {
        Files.createDirectories(d);
        byte[] kernel = new byte[64 * 1024];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (byte) (i * 31 + 7);
        }
        Files.write(d.resolve("bzImage"), kernel);
        Files.writeString(d.resolve("bzImage.config"), "#\n# Linux/x86_64 4.14.256-209.484.amzn2.x86_64 Kernel "
                + "Configuration\n#\nCONFIG_64BIT=y\n", StandardCharsets.US_ASCII);
        Files.writeString(d.resolve("cmdline"), "reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on"
                + " root=/dev/ram0\n", StandardCharsets.US_ASCII);
        Files.writeString(d.resolve("init"), "\u007fELF fake init\n", StandardCharsets.US_ASCII);
        Files.writeString(d.resolve("nsm.ko"), "\u007fELF fake nsm.ko\n", StandardCharsets.US_ASCII);
        return d;
    }

    /** A docker-save tarball of one layer holding /app/run. */
    static Path dockerSave(Path file) throws IOException {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(layer)) {
            TarArchiveEntry d = new TarArchiveEntry("app/");
            d.setMode(040755);
            d.setModTime(1_700_000_000_000L);
            t.putArchiveEntry(d);
            t.closeArchiveEntry();
            byte[] run = "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII);
            TarArchiveEntry f = new TarArchiveEntry("app/run");
            f.setMode(0100755);
            f.setSize(run.length);
            f.setModTime(1_700_000_000_000L);
            t.putArchiveEntry(f);
            t.write(run);
            t.closeArchiveEntry();
        }
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"/app/run\"]},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
        try (OutputStream os = Files.newOutputStream(file); TarArchiveOutputStream out = new TarArchiveOutputStream(os)) {
            add(out, "layer0/layer.tar", layer.toByteArray());
            add(out, "config.json", config.getBytes(StandardCharsets.UTF_8));
            add(out, "manifest.json", "[{\"Config\":\"config.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"layer0/layer.tar\"]}]"
                    .getBytes(StandardCharsets.UTF_8));
        }
        return file;
    }

    private static void add(TarArchiveOutputStream out, String name, byte[] content) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(content.length);
        e.setModTime(0);
        out.putArchiveEntry(e);
        out.write(content);
        out.closeArchiveEntry();
    }
}

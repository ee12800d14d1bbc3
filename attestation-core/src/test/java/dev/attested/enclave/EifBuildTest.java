package dev.attested.enclave;

import dev.attested.testkit.FakeBlobs;
import dev.attested.eif.EifArchitecture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.eif.EifHeader;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import dev.attested.internal.ramdisk.BootstrapRamdisk;
import dev.attested.internal.ramdisk.CustomerRamdisk;
import dev.attested.internal.ramdisk.TestImages;
import dev.attested.internal.ramdisk.TestImages.Layer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EifBuildTest {
    static final Instant TIME = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    static Path image(Path file) throws IOException {
        return TestImages.dockerSave(file, TestImages.config("[\"/app/run\"]", null, "[\"A=1\"]"),
                new Layer().dir("app", 0755, 1700000000L).file("app/run", 0755, 1700000000L, "#!/bin/sh\necho hi\n"));
    }

    private EifBuild.Request.Builder build(Path root) throws IOException {
        return build(root, EifBuild.Backend.NATIVE);
    }

    private EifBuild.Request.Builder build(Path root, EifBuild.Backend backend) throws IOException {
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(root.resolve("blobs")));
        return EifBuild.Request.builder(new EifBuild.FromImage(blobs, image(root.resolve("image.tar")),
                        new PcrManifest.Image("app", "1.0", null, "scratch"), backend),
                        new EifBuild.BuildTool("attestation-maven-plugin", "test"),
                        new EifBuild.Output(root.resolve("out"), "app-1.0.eif", root.resolve("work")))
                .imageName("app", "1.0").buildTime(TIME);
    }

    @Test
    void nativeBuildWritesEifAndManifestWhosePcrsMeasureTheFile() throws IOException {
        EifBuild.Result r = EifBuild.build(build(dir).build());
        assertEquals(dir.resolve("out/app-1.0.eif"), r.eif());
        assertEquals(dir.resolve("out/pcr-manifest.json"), r.manifestFile());
        PcrManifest m = PcrManifest.read(r.manifestFile());
        assertEquals(EifAssembly.measure(r.eif()), m.pcrValues());
        assertEquals(BootBlobs.sha256(r.eif()), m.eif().sha256());
        assertEquals("native", m.mode());
        assertEquals("2026-01-01T00:00:00Z", m.outputTimestamp());
        assertEquals(FakeBlobs.CMDLINE, m.cmdline());
        assertEquals(BootBlobs.sha256(dir.resolve("blobs/nsm.ko")), m.blobs().get("nsm.ko"));
        assertEquals(m.pcrs().get(0), m.kmsConditions().get("kms:RecipientAttestation:ImageSha384"));
    }

    /** PCR1 covers kernel, cmdline and the bootstrap ramdisk only: it is a function of the blobs. */
    @Test
    void pcr1DependsOnlyOnTheBlobs() throws IOException {
        EifBuild.Result r = EifBuild.build(build(dir).build());
        ByteArrayOutputStream bootstrap = new ByteArrayOutputStream();
        BootstrapRamdisk.write(dir.resolve("blobs/init"), dir.resolve("blobs/nsm.ko"), bootstrap);
        java.security.MessageDigest d;
        try {
            d = java.security.MessageDigest.getInstance("SHA-384");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        d.update(Files.readAllBytes(dir.resolve("blobs/bzImage")));
        d.update(FakeBlobs.CMDLINE.getBytes());
        d.update(bootstrap.toByteArray());
        assertEquals(Pcr.ofContentDigest(d.digest()), r.manifest().pcrValues().get(1));
    }

    @Test
    void sameInputsInAnotherDirectoryGiveIdenticalFiles() throws IOException {
        EifBuild.Result a = EifBuild.build(build(dir.resolve("a")).build());
        EifBuild.Result b = EifBuild.build(build(dir.resolve("b")).build());
        assertArrayEquals(Files.readAllBytes(a.eif()), Files.readAllBytes(b.eif()));
        assertArrayEquals(Files.readAllBytes(a.manifestFile()), Files.readAllBytes(b.manifestFile()));
    }

    @Test
    void unreadableImageLeavesNoOutputFiles() throws IOException {
        EifBuild.Request b = build(dir).build();
        Files.writeString(dir.resolve("image.tar"), "not a tarball");
        assertThrows(RuntimeException.class, () -> EifBuild.build(b));
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void explicitKernelCmdlineAndRamdisksNeedNoBlobs() throws IOException {
        Path kernel = Files.writeString(dir.resolve("kernel"), "KERNEL-BYTES");
        Path r0 = Files.writeString(dir.resolve("r0"), "RAMDISK-0");
        Path r1 = Files.writeString(dir.resolve("r1"), "RAMDISK-1-APP");
        EifBuild.Result r = EifBuild.build(EifBuild.Request.builder(new EifBuild.ExplicitKernel(EifArchitecture.X86_64,
                        kernel, java.util.Optional.empty(), "console=ttyS0", List.of(r0, r1)), TOOL,
                new EifBuild.Output(dir.resolve("out"), "x.eif", dir.resolve("work"))).build());
        assertEquals("explicit", r.manifest().mode());
        assertEquals(Pcr.ofContent("KERNEL-BYTESconsole=ttyS0RAMDISK-0RAMDISK-1-APP".getBytes()),
                r.manifest().pcrValues().get(0));
        assertEquals(Pcr.ofContent("RAMDISK-1-APP".getBytes()), r.manifest().pcrValues().get(2));
        assertEquals(BootBlobs.sha256(r1), r.manifest().blobs().get("r1"));
    }

    @Test
    void explicitBuildWithoutRamdisksIsRejected() throws IOException {
        Path kernel = Files.writeString(dir.resolve("kernel"), "K");
        BuildException e = assertThrows(BuildException.class, () -> EifBuild.build(EifBuild.Request.builder(
                new EifBuild.ExplicitKernel(EifArchitecture.X86_64, kernel, java.util.Optional.empty(), "c", List.of()),
                TOOL, new EifBuild.Output(dir, "x.eif", dir)).build()));
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
    }

    private static final EifBuild.BuildTool TOOL = new EifBuild.BuildTool("test", "1");

    private EifBuild.NitroCliBackend standIn(String pcrSource) throws IOException {
        // Writes the native EIF it is given as its output and prints measurements taken from a file.
        Path s = dir.resolve("nitro-cli");
        Files.writeString(s, "#!/bin/sh\n"
                + "if [ \"$1\" = --version ]; then echo 'Nitro CLI 1.4.2'; exit 0; fi\n"
                + "while [ $# -gt 0 ]; do if [ \"$1\" = --output-file ]; then out=$2; fi; shift; done\n"
                + "cp \"" + dir.resolve("native.eif") + "\" \"$out\"\n"
                + "echo 'Start building the Enclave Image...' >&2\n"
                + "cat \"" + pcrSource + "\"\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new EifBuild.NitroCliBackend(s.toString(), "app:1.0", Duration.ofSeconds(30));
    }

    private static String json(SortedMap<Integer, Pcr> pcrs) {
        return "{\n  \"Measurements\": {\n    \"HashAlgorithm\": \"Sha384 { ... }\",\n    \"PCR0\": \"" + pcrs.get(0).hex()
                + "\",\n    \"PCR1\": \"" + pcrs.get(1).hex() + "\",\n    \"PCR2\": \"" + pcrs.get(2).hex() + "\"\n  }\n}\n";
    }

    @Test
    void nitroCliModeKeepsItsEifWhenItsPcrsMatchTheFileAndReportsTheNativeComparison() throws IOException {
        EifBuild.Result nat = EifBuild.build(build(dir.resolve("n")).build());
        Files.copy(nat.eif(), dir.resolve("native.eif"));
        Files.writeString(dir.resolve("pcrs.json"), json(nat.manifest().pcrValues()));
        EifBuild.Result r = EifBuild.build(build(dir.resolve("c"), standIn(dir.resolve("pcrs.json").toString())).build());
        assertEquals("nitro-cli", r.manifest().mode());
        assertEquals(nat.manifest().pcrs(), r.manifest().pcrs());
        assertEquals(nat.manifest().pcrValues(), r.nativePcrs().orElseThrow());
    }

    @Test
    void nitroCliModeFailsWhenItsReportedPcrsDifferFromTheFile() throws IOException {
        EifBuild.Result nat = EifBuild.build(build(dir.resolve("n")).build());
        Files.copy(nat.eif(), dir.resolve("native.eif"));
        SortedMap<Integer, Pcr> wrong = new java.util.TreeMap<>(nat.manifest().pcrValues());
        wrong.put(2, Pcr.ofContent(new byte[] {1}));
        Files.writeString(dir.resolve("pcrs.json"), json(wrong));
        EifBuild.Request b = build(dir.resolve("c"), standIn(dir.resolve("pcrs.json").toString())).build();
        BuildException e = assertThrows(BuildException.class, () -> EifBuild.build(b));
        assertEquals(BuildException.Code.NITRO_CLI_MISMATCH, e.code());
        assertFalse(Files.exists(dir.resolve("c/out/app-1.0.eif")), "no EIF under the final name");
        assertFalse(Files.exists(dir.resolve("c/out/pcr-manifest.json")));
        try (var files = Files.list(dir.resolve("c/out"))) {
            assertTrue(files.toList().isEmpty(), "no temporary files left behind");
        }
    }

    private static Path[] p384KeyAndCertificate(Path dir, Instant notBefore, Instant notAfter) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
        g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        java.security.KeyPair kp = g.generateKeyPair();
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=enclave signer");
        org.bouncycastle.cert.X509CertificateHolder cert = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                name, java.math.BigInteger.ONE, java.util.Date.from(notBefore), java.util.Date.from(notAfter), name,
                kp.getPublic()).build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA384withECDSA")
                .build(kp.getPrivate()));
        java.util.Base64.Encoder b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes());
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + b64.encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Path crt = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n"
                + b64.encodeToString(cert.getEncoded()) + "\n-----END CERTIFICATE-----\n");
        return new Path[] {key, crt};
    }

    @Test
    void signedBuildAddsPcr8OfTheCertificateAndKeepsPcr0To2() throws Exception {
        EifBuild.Result unsigned = EifBuild.build(build(dir.resolve("u")).build());
        Path[] kc = p384KeyAndCertificate(Files.createDirectories(dir.resolve("keys")),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
        EifBuild.Result signed = EifBuild.build(build(dir.resolve("s")).signing(new EifBuild.Signing(kc[0], kc[1])).build());
        SortedMap<Integer, Pcr> pcrs = signed.manifest().pcrValues();
        assertEquals(List.of(0, 1, 2, 8), List.copyOf(pcrs.keySet()));
        java.security.cert.X509Certificate cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory
                .getInstance("X.509").generateCertificate(Files.newInputStream(kc[1]));
        assertEquals(Pcr.ofSigningCertificate(cert), pcrs.get(8));
        assertEquals(unsigned.manifest().pcrs().get(0), signed.manifest().pcrs().get(0));
        assertEquals(pcrs.get(8).hex(), signed.manifest().kmsConditions().get("kms:RecipientAttestation:PCR8"));
    }

    private static List<String> filesIn(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Two layers with a file larger than the spool's 1 MiB block, small files, a hard link and a whiteout. */
    static Path largerImage(Path file) throws IOException {
        byte[] big = new byte[(1 << 20) + 777];
        new java.util.Random(11).nextBytes(big);
        Layer lower = new Layer().dir("app", 0755, 1700000000L).file("app/run", 0755, 1700000000L, "#!/bin/sh\necho hi\n")
                .file("app/lib.bin", 0644, 0, 0, 1700000000L, big).hardlink("app/lib-again.bin", "app/lib.bin")
                .file("app/old", 0644, 1700000000L, "old");
        Layer upper = new Layer().whiteout("app/old").file("app/conf", 0644, 1700000001L, "k=v\n");
        return TestImages.dockerSave(file, TestImages.config("[\"/app/run\"]", null, "[\"A=1\"]"), lower, upper);
    }

    @Test
    void nativeBuildLeavesTheBootstrapRamdiskButNoCustomerRamdiskOrSpoolInTheWorkDirectory() throws IOException {
        EifBuild.build(build(dir).build());
        List<String> work = filesIn(dir.resolve("work"));
        assertTrue(work.contains("bootstrap-initrd.img"), work.toString());
        assertFalse(work.contains("customer-initrd.img"), work.toString());
        assertTrue(work.stream().noneMatch(n -> n.endsWith(".spool")), work.toString());
    }

    @Test
    void customerRamdiskStreamedIntoTheEifIsTheOneCustomerRamdiskWrites() throws IOException {
        Path image = largerImage(dir.resolve("larger.tar"));
        BootBlobs blobs = BootBlobs.load(FakeBlobs.create(dir.resolve("blobs")));
        EifBuild.Result r = EifBuild.build(EifBuild.Request.builder(new EifBuild.FromImage(blobs, image,
                        new PcrManifest.Image("app", "1.0", null, "scratch"), EifBuild.Backend.NATIVE),
                        new EifBuild.BuildTool("attestation-maven-plugin", "test"),
                        new EifBuild.Output(dir.resolve("out"), "app-1.0.eif", dir.resolve("work")))
                .imageName("app", "1.0").buildTime(TIME).build());
        ByteArrayOutputStream customer = new ByteArrayOutputStream();
        CustomerRamdisk.write(image, dir.resolve("other-work"), customer);
        assertTrue(customer.size() > 1 << 20);

        byte[] eif = Files.readAllBytes(r.eif());
        EifHeader header = EifHeader.decode(eif);
        assertEquals(5, header.sectionCount(), "kernel, cmdline, metadata, bootstrap and customer ramdisks");
        int offset = Math.toIntExact(header.sectionOffsets().get(4) + EifHeader.SECTION_HEADER_LENGTH);
        assertArrayEquals(customer.toByteArray(),
                java.util.Arrays.copyOfRange(eif, offset, offset + Math.toIntExact(header.sectionSizes().get(4))));
        assertEquals(Pcr.ofContent(customer.toByteArray()), r.manifest().pcrValues().get(2));
        assertEquals(BootBlobs.sha256(r.eif()), r.manifest().eif().sha256());
        assertEquals(eif.length, r.manifest().eif().size());
        assertTrue(filesIn(dir.resolve("work")).stream().noneMatch(n -> n.endsWith(".spool")));
    }

    @Test
    void signedBuildManifestNamesTheSha256AndSizeOfTheSignedFile() throws Exception {
        Path[] kc = p384KeyAndCertificate(Files.createDirectories(dir.resolve("keys")),
                Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"));
        EifBuild.Result signed = EifBuild.build(build(dir).signing(new EifBuild.Signing(kc[0], kc[1])).build());
        PcrManifest m = PcrManifest.read(signed.manifestFile());
        assertEquals(BootBlobs.sha256(signed.eif()), m.eif().sha256());
        assertEquals(Files.size(signed.eif()), m.eif().size());
    }

    @Test
    void imageForAnotherArchitectureIsRejectedAndLeavesNoSpool() throws IOException {
        EifBuild.Request b = build(dir).build();
        TestImages.dockerSave(dir.resolve("image.tar"), TestImages.config("[\"/app/run\"]", null, null)
                .replace("\"amd64\"", "\"arm64\""), new Layer().file("app/run", 0755, 1, "x"));
        BuildException e = assertThrows(BuildException.class, () -> EifBuild.build(b));
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
        assertTrue(e.getMessage().contains("arm64"), e.getMessage());
        assertTrue(filesIn(dir.resolve("work")).stream().noneMatch(n -> n.endsWith(".spool")));
        assertEquals(List.of(), filesIn(dir.resolve("out")));
    }

    @Test
    void buildFailingAfterTheImageIsFlattenedLeavesNoSpool() throws Exception {
        Path[] kc = p384KeyAndCertificate(Files.createDirectories(dir.resolve("keys")),
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"));
        EifBuild.Request b = build(dir).signing(new EifBuild.Signing(kc[0], kc[1])).build();
        assertThrows(dev.attested.eif.EifException.class, () -> EifBuild.build(b));
        assertTrue(filesIn(dir.resolve("work")).stream().noneMatch(n -> n.endsWith(".spool")),
                filesIn(dir.resolve("work")).toString());
    }

    @Test
    void certificateNotValidAtTheBuildTimeIsRejectedWithoutOutput() throws Exception {
        Path[] kc = p384KeyAndCertificate(Files.createDirectories(dir.resolve("keys")),
                Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2021-01-01T00:00:00Z"));
        EifBuild.Request b = build(dir).signing(new EifBuild.Signing(kc[0], kc[1])).build();
        dev.attested.eif.EifException e = assertThrows(dev.attested.eif.EifException.class, () -> EifBuild.build(b));
        assertTrue(e.getMessage().toLowerCase().contains("expire") || e.getMessage().contains("valid"), e.getMessage());
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(List.of(), files.toList());
        }
    }
}

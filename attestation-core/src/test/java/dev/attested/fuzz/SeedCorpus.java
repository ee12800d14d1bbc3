package dev.attested.fuzz;

import dev.attested.enclave.BootBlobs;
import dev.attested.internal.cbor.CborWriter;
import dev.attested.internal.cose.CoseSign1;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifSigner;
import dev.attested.eif.EifWriter;
import dev.attested.kms.KeyPolicyGenerator;
import dev.attested.kms.RecipientCms;
import dev.attested.nsm.NsmCodec;
import dev.attested.nsm.NsmErrorCode;
import dev.attested.nsm.NsmRequest;
import dev.attested.nsm.NsmResponse;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import dev.attested.testkit.SimulatedNitroPki;
import dev.attested.internal.ramdisk.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * Writes the generated seeds of the fuzz corpora (docs/fuzzing.md) into
 * {@code src/test/resources/…/<Class>FuzzTestInputs/<method>/}: documents and payloads signed by the simulated
 * PKI, COSE structures, EIFs written by {@link EifWriter}, image tarballs and layers, a blob zip, CMS envelopes,
 * key policies and NSM messages. Hand-written seeds (CBOR items, real AWS documents, the KMS sample) sit beside
 * them. Run it after a change that makes the seeds stale:
 *
 * <pre>./mvnw -q -pl attestation-core test-compile exec:java -Dexec.mainClass=dev.attested.fuzz.SeedCorpus -Dexec.classpathScope=test</pre>
 */
public final class SeedCorpus {
    /** The module directory: exec:java runs in Maven's JVM, whose working directory is where Maven started. */
    private static final Path MODULE = Files.isDirectory(Path.of("attestation-core")) ? Path.of("attestation-core") : Path.of(".");
    private static final Path RESOURCES = MODULE.resolve("src/test/resources/dev/attested");

    private SeedCorpus() {}

    public static void main(String[] args) throws Exception {
        attestation();
        cose();
        eif();
        images();
        blobs();
        kms();
        nsm();
    }

    private static void attestation() throws IOException {
        SimulatedNitroPki pki = FuzzFixtures.pki();
        Path verify = dir("attestation/AttestationDocumentFuzzTestInputs/verify");
        write(verify, "valid-sim-plain.cbor", pki.documentBuilder().sign());
        write(verify, "valid-sim-tagged-public-key.cbor", pki.documentBuilder().tagged(true).publicKey(new byte[91]).sign());
        write(verify, "valid-sim-indefinite-nonce.cbor", pki.documentBuilder().indefinitePayloadMap(true)
                .nonce(new byte[32]).userData(new byte[0]).indefiniteUnprotectedMap(true).sign());
        write(verify, "valid-sim-debug-17-pcrs.cbor", pki.documentBuilder().debugMode().pcr(16, new byte[48]).sign());
        for (String name : List.of("08-nautilus-2025-04-15-use1-prod", "01-uid2-2021-04-26-usw1-debug")) {
            byte[] b64 = Files.readAllBytes(MODULE.resolve("../test-vectors/attestation/" + name + ".b64"));
            write(verify, "valid-aws-" + name + ".cbor", Base64.getMimeDecoder().decode(b64));
        }
        Path payloads = dir("attestation/AttestationDocumentFuzzTestInputs/verifySignedPayload");
        write(payloads, "plain.cbor", pki.documentBuilder().payload());
        write(payloads, "nonce-user-data-public-key.cbor", pki.documentBuilder().nonce(new byte[] {1, 2, 3})
                .userData("hello".getBytes(StandardCharsets.UTF_8)).publicKey(new byte[] {4, 5}).payload());
        write(payloads, "indefinite-debug.cbor", pki.documentBuilder().indefinitePayloadMap(true).debugMode().payload());
    }

    private static void cose() throws IOException {
        SimulatedNitroPki pki = FuzzFixtures.pki();
        Path dir = dir("cose/CoseSign1FuzzTestInputs/parseAndVerify");
        write(dir, "signed-short-payload.cbor", CoseSign1.signEs384("payload".getBytes(StandardCharsets.UTF_8), pki.leafKey()));
        write(dir, "signed-tagged-empty-payload.cbor", new CborWriter().tag(CoseSign1.TAG)
                .raw(CoseSign1.signEs384(new byte[0], pki.leafKey())).toByteArray());
        write(dir, "signed-other-protected-header.cbor", CoseSign1.sign(new byte[] {(byte) 0xa1, 0x01, 0x26},
                new byte[] {1, 2, 3}, pki.leafKey()).encode(false));
    }

    private static void eif() throws Exception {
        Path work = Files.createTempDirectory("eif-seeds");
        Path kernel = Files.write(work.resolve("kernel"), "KERNEL-BYTES".getBytes(StandardCharsets.US_ASCII));
        Path r0 = Files.write(work.resolve("r0"), "RAMDISK-0".getBytes(StandardCharsets.US_ASCII));
        Path r1 = Files.write(work.resolve("r1"), "RAMDISK-1-APP".getBytes(StandardCharsets.US_ASCII));
        EifMetadata metadata = EifMetadata.of("fuzz", "1.0",
                EifMetadata.BuildMetadata.of(Instant.EPOCH, "eif_build", "0.3.1", "OS", "kernel"));
        Path dir = dir("eif/EifReaderFuzzTestInputs/inspect");
        EifWriter.Builder b = EifWriter.builder().kernel(kernel).cmdline("console=ttyS0").metadata(metadata).ramdisk(r0);
        write(dir, "one-ramdisk.eif", Files.readAllBytes(b.build().write(work.resolve("a.eif")).file()));
        b.ramdisk(r1);
        write(dir, "two-ramdisks.eif", Files.readAllBytes(b.build().write(work.resolve("b.eif")).file()));
        KeyPair signing = FuzzFixtures.pki().keyPair("eif-signer");
        Instant at = FuzzFixtures.PKI_NOT_BEFORE.plusSeconds(60);
        byte[] certificatePem = pem(FuzzFixtures.pki().issueLeaf(signing.getPublic(), FuzzFixtures.PKI_NOT_BEFORE,
                Duration.ofDays(1))).getBytes(StandardCharsets.US_ASCII);
        b.signer(EifSigner.of(signing.getPrivate(), certificatePem, at));
        write(dir, "signed.eif", Files.readAllBytes(b.build().write(work.resolve("c.eif")).file()));
        FuzzFixtures.empty(work);
        Files.delete(work);
    }

    private static void images() throws IOException {
        TestImages.Layer base = new TestImages.Layer().dir("app", 0755, 1_700_000_000L)
                .file("app/run", 0755, 1_700_000_000L, "#!/bin/sh\necho hi\n")
                .symlink("app/link", "run", 1_700_000_000L).hardlink("app/hard", "app/run")
                .dir("etc", 0755, 0).file("etc/passwd", 0644, 0, "root:x:0:0::/root:/bin/sh\n");
        TestImages.Layer upper = new TestImages.Layer().whiteout("etc/passwd").opaque("app")
                .file("app/new", 0600, 1000, 1000, 5L, "upper");
        String config = TestImages.config("[\"/app/run\"]", "[\"/bin/sh\"]", "[\"PATH=/usr/bin\"]");
        Path work = Files.createTempDirectory("image-seeds");
        Path tarballs = dir("ramdisk/ImageArchiveFuzzTestInputs/imageTarball");
        write(tarballs, "docker-save-gzip.tar", Files.readAllBytes(TestImages.dockerSave(work.resolve("a.tar"), config,
                new TestImages.Layer().file("run", 0755, 1L, "x"))));
        write(tarballs, "oci-layout-two-layers.tar", Files.readAllBytes(TestImages.ociLayout(work.resolve("b.tar"), config,
                new TestImages.Layer().file("run", 0755, 1L, "x"), new TestImages.Layer().whiteout("run"))));
        Path layers = dir("ramdisk/ImageArchiveFuzzTestInputs/layer");
        write(layers, "entry-types.tar", base.tarBytes());
        write(layers, "whiteouts.tar.gz", gzip(upper.tarBytes()));
        write(layers, "long-name.tar", new TestImages.Layer().file("d/" + "n".repeat(120), 0644, 0, "pax path").tarBytes());
        FuzzFixtures.empty(work);
        Files.delete(work);
    }

    private static void blobs() throws IOException {
        Path work = Files.createTempDirectory("blob-seeds");
        Files.write(work.resolve("bzImage"), "fake kernel".getBytes(StandardCharsets.US_ASCII));
        Files.writeString(work.resolve("bzImage.config"), "#\n#\n# Linux/x86_64 4.14.256 Kernel Configuration\n");
        Files.writeString(work.resolve("cmdline"), "console=ttyS0\n");
        Files.writeString(work.resolve("init"), "init");
        Files.writeString(work.resolve("nsm.ko"), "nsm");
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        BootBlobs.load(work).writeZip(zip);
        write(dir("build/BootBlobsFuzzTestInputs/unzip"), "x86_64-set.zip", zip.toByteArray());
        FuzzFixtures.empty(work);
        Files.delete(work);
    }

    private static void kms() throws Exception {
        Path envelopes = dir("kms/RecipientCmsFuzzTestInputs/decrypt");
        byte[] sample = Files.readAllBytes(RESOURCES.resolve("kms/kms-ciphertext-for-recipient.b64"));
        write(envelopes, "kms-sample.ber", Base64.getMimeDecoder().decode(sample));
        PrivateKey key;
        try (PEMParser pem = new PEMParser(new InputStreamReader(Files.newInputStream(
                RESOURCES.resolve("kms/kms-recipient-key.pem")), StandardCharsets.US_ASCII))) {
            key = new JcaPEMKeyConverter().getKeyPair((PEMKeyPair) pem.readObject()).getPrivate();
        }
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
        PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(1);
        write(envelopes, "encrypted-32-bytes.ber", RecipientCms.encrypt(new byte[32], pub, random));
        write(envelopes, "encrypted-empty.ber", RecipientCms.encrypt(new byte[0], pub, random));

        Path policies = dir("kms/KeyPolicyFuzzTestInputs/parse");
        TreeMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, Pcr.ofContent(new byte[] {0}));
        pcrs.put(1, Pcr.ofContent(new byte[] {1}));
        pcrs.put(2, Pcr.ofContent(new byte[] {2}));
        PcrManifest release = PcrManifest.of(new PcrManifest.Eif("app.eif", "00".repeat(32), 1024), pcrs,
                new PcrManifest.Image("app", "1.0.0", null, null), null, "console=ttyS0", "native", "x86_64", null,
                "2026-01-01T00:00:00Z");
        write(policies, "generated.json", KeyPolicyGenerator.builder().roleArn("arn:aws:iam::111122223333:role/data-processing")
                .admins(List.of("arn:aws:iam::111122223333:role/KeyAdmin")).release(release).build().generate().policy()
                .toJson().getBytes(StandardCharsets.UTF_8));
        write(policies, "root-kms-star.json", Files.readAllBytes(MODULE.resolve("../it/kms-policy/root-kms-star-policy.json")));
        write(policies, "scalar-statement-conditions.json", ("{\"Version\":\"2012-10-17\",\"Id\":\"k\",\"Statement\":"
                + "{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":[\"arn:aws:iam::111122223333:role/a\"]},"
                + "\"NotAction\":[\"kms:Encrypt\"],\"NotResource\":\"*\",\"Condition\":{\"Null\":"
                + "{\"kms:RecipientAttestation:PCR8\":true},\"ForAnyValue:StringLike\":{\"aws:PrincipalTag/x\":[\"a*\",1]},"
                + "\"BoolIfExists\":{\"aws:SecureTransport\":\"false\"}}}}").getBytes(StandardCharsets.UTF_8));
    }

    private static void nsm() throws IOException {
        Path requests = dir("nsm/NsmCodecFuzzTestInputs/decodeRequest");
        List<NsmRequest> rs = List.of(new NsmRequest.DescribeNsm(), new NsmRequest.GetRandom(), new NsmRequest.DescribePcr(3),
                new NsmRequest.ExtendPcr(16, new byte[] {1, 2, 3}), new NsmRequest.LockPcr(17), new NsmRequest.LockPcrs(32),
                new NsmRequest.Attestation(new byte[] {1}, null, new byte[0]));
        for (NsmRequest r : rs) {
            write(requests, r.name() + ".cbor", NsmCodec.encodeRequest(r));
        }
        Path responses = dir("nsm/NsmCodecFuzzTestInputs/decodeResponse");
        SortedSet<Integer> locked = new TreeSet<>(List.of(0, 1, 2, 15));
        List<NsmResponse> ps = List.of(new NsmResponse.DescribePcr(true, new byte[48]), new NsmResponse.ExtendPcr(new byte[48]),
                new NsmResponse.LockPcr(), new NsmResponse.LockPcrs(),
                new NsmResponse.DescribeNsm(1, 0, 0, "i-0123456789abcdef0-enc0123456789abcdef", 32, locked, "SHA384"),
                new NsmResponse.Attestation(new byte[] {(byte) 0x84, 0x40, (byte) 0xa0, 0x40, 0x40}),
                new NsmResponse.GetRandom(new byte[16]), new NsmResponse.Error(NsmErrorCode.INVALID_INDEX));
        for (NsmResponse r : ps) {
            write(responses, r.name() + ".cbor", NsmCodec.encodeResponse(r));
        }
    }

    private static Path dir(String relative) throws IOException {
        return Files.createDirectories(RESOURCES.resolve(relative));
    }

    private static void write(Path dir, String name, byte[] bytes) throws IOException {
        Files.write(dir.resolve(name), bytes);
        System.out.println(bytes.length + "\t" + dir.resolve(name));
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(b)) {
            gz.write(data);
        }
        return b.toByteArray();
    }

}

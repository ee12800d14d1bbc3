package dev.attested.release;

import dev.attested.eif.EifArchitecture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.enclave.EifBuild;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A consumer rebuilds a signed release without its key: PCR8 comes from the published EIF's signature. */
class SignedReproduceTest {
    @TempDir
    Path dir;

    private EifBuild.Result build(String name, String app, Path[] keyAndCert) throws Exception {
        Path src = Files.createDirectories(dir.resolve(name + "-src"));
        Path kernel = Files.writeString(src.resolve("kernel"), "KERNEL");
        Path boot = Files.writeString(src.resolve("boot"), "BOOTSTRAP");
        Path appDisk = Files.writeString(src.resolve("app"), app);
        EifBuild.Request.Builder b = EifBuild.Request.builder(new EifBuild.ExplicitKernel(EifArchitecture.X86_64, kernel,
                        java.util.Optional.empty(), "console=ttyS0", List.of(boot, appDisk)),
                        new EifBuild.BuildTool("attestation-maven-plugin", "test"),
                        new EifBuild.Output(dir.resolve(name), "app.eif", dir.resolve(name + "-work")))
                .buildTime(Instant.parse("2026-01-01T00:00:00Z"));
        if (keyAndCert != null) {
            b.signing(new EifBuild.Signing(keyAndCert[0], keyAndCert[1]));
        }
        return EifBuild.build(b.build());
    }

    private Path[] key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp384r1"));
        KeyPair pair = g.generateKeyPair();
        X500Name name = new X500Name("CN=release signer");
        byte[] cert = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(Instant.parse("2025-01-01T00:00:00Z")),
                Date.from(Instant.parse("2027-01-01T00:00:00Z")), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("SHA384withECDSA").build(pair.getPrivate())).getEncoded();
        Base64.Encoder pem = Base64.getMimeEncoder(64, new byte[] {'\n'});
        Path k = Files.writeString(dir.resolve("key.pem"),
                "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        Path c = Files.writeString(dir.resolve("cert.pem"),
                "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert) + "\n-----END CERTIFICATE-----\n");
        return new Path[] {k, c};
    }

    @Test
    void unsignedRebuildOfASignedReleaseTakesPcr8FromThePublishedEif() throws Exception {
        EifBuild.Result release = build("release", "APP", key());
        EifBuild.Result rebuild = build("rebuild", "APP", null);
        ReproduceComparison c = ReproduceComparison.compare(release.manifest(), null, rebuild.manifest(), null,
                release.eif());
        assertTrue(c.pcrsMatch(), c.render());
        assertEquals(release.manifest().pcrs().get(8), c.pcrs().get(3).rebuilt());
        assertTrue(c.notes().get(0).startsWith("PCR8 was measured from the signing certificate"), c.render());
        assertFalse(c.eifIdentical(), "a signed EIF is never byte-identical to an unsigned one");
    }

    @Test
    void withoutThePublishedEifASignedReleaseDoesNotReproduce() throws Exception {
        EifBuild.Result release = build("release", "APP", key());
        EifBuild.Result rebuild = build("rebuild", "APP", null);
        ReproduceComparison c = ReproduceComparison.compare(release.manifest(), null, rebuild.manifest(), null,
                dir.resolve("missing.eif"));
        assertFalse(c.pcrsMatch());
        assertEquals(List.of("PCR8"), c.differingPcrs());
        assertNull(c.pcrs().get(3).rebuilt());
        assertTrue(c.causes().get(0).startsWith("The release is signed (PCR8)"), c.render());
    }

    @Test
    void aSignedEifThatIsNotTheReleasedOneIsNotUsedForPcr8() throws Exception {
        Path[] k = key();
        EifBuild.Result release = build("release", "APP", k);
        EifBuild.Result other = build("other", "OTHER APP", k);
        EifBuild.Result rebuild = build("rebuild", "APP", null);
        ReproduceComparison c = ReproduceComparison.compare(release.manifest(), null, rebuild.manifest(), null,
                other.eif());
        assertEquals(List.of("PCR8"), c.differingPcrs());
        assertTrue(c.notes().get(0).contains("it is not the released EIF"), c.render());
    }

    @Test
    void aTamperedPublishedEifIsNotTrusted() throws Exception {
        EifBuild.Result release = build("release", "APP", key());
        EifBuild.Result rebuild = build("rebuild", "APP", null);
        byte[] bytes = Files.readAllBytes(release.eif());
        bytes[bytes.length - 10] ^= 1;
        Path tampered = Files.write(dir.resolve("tampered.eif"), bytes);
        ReproduceComparison c = ReproduceComparison.compare(release.manifest(), null, rebuild.manifest(), null, tampered);
        assertEquals(List.of("PCR8"), c.differingPcrs());
        assertTrue(c.notes().get(0).contains("is not intact"), c.render());
    }

    /** With the release's key, a consumer's rebuild is the released file byte for byte (RFC 6979 signatures). */
    @Test
    void rebuildSignedWithTheReleasesKeyIsByteIdentical() throws Exception {
        Path[] k = key();
        EifBuild.Result release = build("release", "APP", k);
        EifBuild.Result rebuild = build("rebuild", "APP", k);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(release.eif()), Files.readAllBytes(rebuild.eif())));
        ReproduceComparison c = ReproduceComparison.compare(release.manifest(), null, rebuild.manifest(), null,
                release.eif());
        assertTrue(c.pcrsMatch(), c.render());
        assertTrue(c.eifIdentical(), c.render());
        assertEquals(List.of(), c.causes());
        assertTrue(c.notes().get(0).startsWith("EIF bytes: both are signed with the same certificate"), c.render());
    }

    @Test
    void unsignedRebuildOfASignedReleaseSaysHowToCompareBytes() throws Exception {
        EifBuild.Result release = build("release", "APP", key());
        EifBuild.Result rebuild = build("rebuild", "APP", null);
        ReproduceComparison c = ReproduceComparison.compare(release.manifest(), null, rebuild.manifest(), null,
                release.eif());
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("EIF bytes: the release is signed and the rebuild is not")
                && n.contains("{signingKey}=")), c.render());
    }
}

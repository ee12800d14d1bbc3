package dev.attested.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code attested verify} of the four real AWS documents against the bundled Root-G1 never initialises the JDK's
 * JCA: the certificates are read with Bouncy Castle's ASN.1 classes, hashed with its digests, and the summary is
 * built without a Formatter. The JVM's class-loading log of the real jar, on Java 17 and 25, shows it.
 */
class JcaFreeVerifyIT {
    /**
     * Classes whose loading means the JCA was set up: the provider list, and what asks for it. (Reading the
     * security properties alone, {@code java.security.Security}, is allowed: Bouncy Castle reads its settings
     * there, a few milliseconds.)
     */
    private static final List<String> JCA = List.of("sun.security.jca.ProviderList",
            "sun.security.jca.Providers", "java.security.cert.CertificateFactory", "java.security.MessageDigest",
            "java.security.Signature", "java.security.KeyFactory", "sun.security.x509.X509CertImpl",
            "java.util.Formatter");

    @TempDir
    static Path dir;

    /** The four documents alone (test-vectors/attestation also holds the root PEM and a README). */
    static Path documents;

    @BeforeAll
    static void jarAndDocuments() throws Exception {
        AttestedJarIT.jarExists();
        documents = Files.createDirectories(dir.resolve("documents"));
        try (java.util.stream.Stream<Path> s = Files.list(AttestedJarIT.VECTORS)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".b64")).toList()) {
                Files.copy(p, documents.resolve(p.getFileName()));
            }
        }
        try (java.util.stream.Stream<Path> s = Files.list(documents)) {
            assertEquals(4, s.count());
        }
    }

    static List<Path> javas() {
        return AttestedJarIT.javas();
    }

    @ParameterizedTest
    @MethodSource("javas")
    void verifyingTheRealDocumentsLoadsNoJcaClass(Path java) throws Exception {
        Path log = dir.resolve("class-load-" + Math.abs(java.hashCode()) + ".log");
        AttestedJarIT.Run r = AttestedJarIT.runIn(Path.of("").toAbsolutePath(), java,
                List.of("-Xlog:class+load=info:file=" + log), null, "verify", documents.toString(),
                "--at", "document", "--any-image", "--allow-debug-mode");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("verified: true", r.lastLine(), r.toString());
        assertTrue(r.out().contains("4 ok, 0 rejected"), r.toString());
        assertTrue(r.out().contains("  root: CN=aws.nitro-enclaves,OU=AWS,O=Amazon,C=US"), r.toString());
        List<String> loaded = Files.readAllLines(log).stream()
                .map(l -> l.substring(l.indexOf(']', l.indexOf("[class,load]")) + 1).strip())
                .map(l -> l.split(" ", 2)[0]).toList();
        assertTrue(loaded.contains("dev.attested.cli.Attested"), "class loading is logged: " + log);
        assertTrue(loaded.contains("org.bouncycastle.asn1.x509.Certificate"), "the certificates are read by Bouncy Castle");
        for (String jca : JCA) {
            assertTrue(!loaded.contains(jca), jca + " was loaded on " + java);
        }
    }

    @ParameterizedTest
    @MethodSource("javas")
    void theJsonReportStillNamesTheRootAndEveryChain(Path java) throws Exception {
        AttestedJarIT.Run r = AttestedJarIT.run(java, null, "verify", documents.toString(), "--at",
                "document", "--any-image", "--allow-debug-mode", "--json");
        assertEquals(0, r.exit(), r.toString());
        JsonNode report = new ObjectMapper().readTree(r.out());
        assertEquals("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b",
                report.at("/trustAnchors/0/sha256").asText(), r.out());
        assertEquals("CN=aws.nitro-enclaves,OU=AWS,O=Amazon,C=US", report.at("/trustAnchors/0/subject").asText());
        assertEquals(4, report.get("results").size());
        for (JsonNode result : report.get("results")) {
            assertEquals("ok", result.get("verdict").asText(), result.toString());
            assertEquals(5, result.get("chain").size(), result.toString());
            assertEquals("641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b",
                    result.at("/chain/4/sha256").asText());
        }
    }
}

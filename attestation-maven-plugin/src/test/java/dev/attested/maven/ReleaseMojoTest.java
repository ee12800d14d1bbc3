package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import dev.attested.release.KmsPolicyTemplate;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.project.MavenProject;
import org.apache.maven.rtinfo.RuntimeInformation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release goal on a real Git checkout: its parameters reach {@code Release.run} (whose rules core's
 * {@code ReleaseTest} covers one by one) and every refusal fails the goal with its code before anything is
 * written, so the bundle released earlier and the PCR history stay byte-for-byte as they were.
 */
class ReleaseMojoTest {
    private static final String TIMESTAMP = "2026-01-01T00:00:00Z";

    @TempDir
    Path dir;
    private Path project;
    private final BuildEifMojoTest.Lines log = new BuildEifMojoTest.Lines();

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        return ItGit.run(dir, args);
    }

    /** A committed project whose build (target/, ignored) holds an EIF and its PCR manifest. */
    @BeforeEach
    void project() throws Exception {
        project = dir.resolve("app");
        Files.createDirectories(project.resolve("src/main/java"));
        Files.writeString(project.resolve("pom.xml"), "<project/>\n");
        Files.writeString(project.resolve("src/main/java/Main.java"), "class Main {}\n");
        Files.writeString(project.resolve(".gitignore"), "target/\n");
        ItGit.initAndCommit(project, "release 1.0.0");
        build("EIF bytes", "app");
    }

    /** Writes target/attestation/app-1.0.0.eif and a manifest whose PCR2 is derived from {@code app}. */
    private PcrManifest build(String eifContent, String app) throws Exception {
        Path out = Files.createDirectories(project.resolve("target/attestation"));
        Path eif = out.resolve("app-1.0.0.eif");
        Files.writeString(eif, eifContent);
        TreeMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(0, Pcr.ofContent(("kernel" + app).getBytes(StandardCharsets.UTF_8)));
        pcrs.put(1, Pcr.ofContent("kernel".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(2, Pcr.ofContent(app.getBytes(StandardCharsets.UTF_8)));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(eif)));
        PcrManifest m = PcrManifest.of(new PcrManifest.Eif("app-1.0.0.eif", sha, Files.size(eif)), pcrs, null, null,
                "console=ttyS0", "native", "x86_64", null, TIMESTAMP);
        m.write(out.resolve("pcr-manifest.json"));
        return m;
    }

    private ReleaseMojo mojo() {
        Model model = new Model();
        model.setGroupId("com.example");
        model.setArtifactId("app");
        model.setVersion("1.0.0");
        Build b = new Build();
        b.setDirectory(project.resolve("target").toString());
        model.setBuild(b);
        MavenProject p = new MavenProject(model);
        p.setFile(project.resolve("pom.xml").toFile());
        DefaultMavenExecutionRequest request = new DefaultMavenExecutionRequest();
        request.setMultiModuleProjectDirectory(project.toFile());
        PluginDescriptor plugin = new PluginDescriptor();
        plugin.setVersion("0.1.0-test");
        ReleaseMojo m = new ReleaseMojo(new RuntimeInformation() {
            @Override
            public String getMavenVersion() {
                return "3.9.11";
            }

            @Override
            public boolean isMavenVersion(String range) {
                return true;
            }
        });
        m.project = p;
        m.session = new MavenSession(null, null, request, new DefaultMavenExecutionResult());
        m.plugin = plugin;
        m.manifest = project.resolve("target/attestation/pcr-manifest.json").toFile();
        m.releaseDirectory = project.resolve("target/attestation/release").toFile();
        m.history = project.resolve("pcr-history.json").toFile();
        m.outputTimestamp = TIMESTAMP;
        m.environment = "prod";
        m.setLog(log);
        return m;
    }

    private Path bundle() {
        return project.resolve("target/attestation/release/1.0.0");
    }

    /** Every file under the release directory plus the history: path → SHA-256 and time. */
    private Map<String, String> published() throws Exception {
        Map<String, String> out = new TreeMap<>();
        Path root = project.resolve("target/attestation/release");
        try (Stream<Path> s = Files.walk(root)) {
            for (Path f : (Iterable<Path>) s::iterator) {
                out.put(root.relativize(f).toString(), Files.isDirectory(f) ? "dir" : sha256(f) + " "
                        + Files.getLastModifiedTime(f).toInstant());
            }
        }
        out.put("pcr-history.json", sha256(project.resolve("pcr-history.json")));
        return out;
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    /** Releases 1.0.0 once, then runs {@code second} and expects it refused with {@code code}, nothing changed. */
    private MojoFailureException refusedAfterARelease(String code, ReleaseMojo second) throws Exception {
        Map<String, String> before = published();
        MojoFailureException e = assertThrows(MojoFailureException.class, second::execute);
        assertTrue(e.getMessage().startsWith(code + ": "), e.getMessage());
        assertEquals(before, published(), "the earlier bundle and the history are untouched");
        return e;
    }

    private JsonNode json(Path f) throws IOException {
        return new ObjectMapper().readTree(f.toFile());
    }

    @Test
    void aCleanCheckoutIsReleasedWithItsCommit() throws Exception {
        mojo().execute();
        JsonNode build = json(bundle().resolve("build-manifest.json"));
        assertEquals(git(project, "rev-parse", "HEAD"), build.at("/source/revision").asText());
        assertFalse(build.at("/source/dirty").asBoolean());
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("Source: commit ") && l.endsWith("working tree clean")),
                log.lines.toString());
        assertTrue(Files.readString(project.resolve("pcr-history.json")).contains("\"prod\""));
    }

    @Test
    void aSecondRunOfTheSameBuildChangesNothing() throws Exception {
        mojo().execute();
        Map<String, String> before = published();
        mojo().execute();
        assertEquals(before, published());
        assertTrue(log.lines.stream().anyMatch(l -> l.endsWith("already holds this release (same PCRs): kept unchanged.")),
                log.lines.toString());
    }

    @Test
    void aProjectWithoutOutputTimestampIsRefused() throws Exception {
        mojo().execute();
        ReleaseMojo m = mojo();
        m.outputTimestamp = null;
        MojoFailureException e = refusedAfterARelease("RELEASE_NO_TIMESTAMP", m);
        assertTrue(e.getMessage().contains("Set a fixed output timestamp (<project.build.outputTimestamp> in the POM's"
                + " <properties>), e.g. 2026-01-01T00:00:00Z"), e.getMessage());
    }

    @Test
    void uncommittedChangesToTrackedFilesAreRefused() throws Exception {
        mojo().execute();
        Files.writeString(project.resolve("src/main/java/Main.java"), "class Main { int changed; }\n");
        build("EIF bytes of the changed source", "changed app");
        MojoFailureException e = refusedAfterARelease("RELEASE_DIRTY_TREE", mojo());
        assertTrue(e.getMessage().contains("src/main/java/Main.java"), e.getMessage());
    }

    @Test
    void allowDirtyReleasesTheChangedTreeMarkedAsNotReproducibleFromTheCommit() throws Exception {
        Files.writeString(project.resolve("src/main/java/Main.java"), "class Main { int changed; }\n");
        ReleaseMojo m = mojo();
        m.allowDirty = true;
        m.execute();
        JsonNode build = json(bundle().resolve("build-manifest.json"));
        assertTrue(build.at("/source/dirty").asBoolean(), build.toString());
        assertEquals(git(project, "rev-parse", "HEAD"), build.at("/source/revision").asText());
        assertTrue(Files.readString(bundle().resolve("REPRODUCE.md")).contains("## Warning: not reproducible from a commit"));
        assertTrue(log.lines.stream().anyMatch(l -> l.startsWith("WARN Releasing with -Dattestation.allowDirty=true")),
                log.lines.toString());
    }

    @Test
    void aProjectOutsideAGitCheckoutIsRefused() throws Exception {
        Files.walk(project.resolve(".git")).sorted(java.util.Comparator.reverseOrder()).map(Path::toFile)
                .forEach(File::delete);
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo()::execute);
        assertTrue(e.getMessage().startsWith("RELEASE_NOT_A_CHECKOUT: "), e.getMessage());
        assertFalse(Files.exists(bundle()));
        assertFalse(Files.exists(project.resolve("pcr-history.json")));
    }

    @Test
    void anotherBuildUnderTheReleasedVersionIsRefused() throws Exception {
        ReleaseMojo first = mojo();
        first.environment = null;
        first.execute();
        Files.writeString(project.resolve("pcr-history.json"), "{}"); // compared too: must stay as it is
        build("EIF bytes of another build", "another app");
        ReleaseMojo m = mojo();
        m.environment = null;
        MojoFailureException e = refusedAfterARelease("RELEASE_BUNDLE_EXISTS", m);
        assertTrue(e.getMessage().contains("PCR0, PCR2 differ"), e.getMessage());
    }

    @Test
    void aLeftoverKmsPolicyOfAnotherImageIsRefused() throws Exception {
        mojo().execute();
        PcrManifest current = PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json"));
        Path stale = project.resolve("target/attestation/kms-policy.json");
        PcrManifest other = build("older EIF", "older app");
        Files.write(stale, KmsPolicyTemplate.forRelease(other));
        build("EIF bytes", "app");
        assertEquals(current, PcrManifest.read(project.resolve("target/attestation/pcr-manifest.json")));
        MojoFailureException e = refusedAfterARelease("RELEASE_POLICY_MISMATCH", mojo());
        assertTrue(e.getMessage().contains(other.pcrs().get(0)), e.getMessage());

        // The policy for this release is shipped in place of the template.
        Files.write(stale, KmsPolicyTemplate.forRelease(current));
        ReleaseMojo next = mojo();
        next.releaseDirectory = project.resolve("target/attestation/release-with-policy").toFile();
        next.execute();
        assertTrue(Files.exists(project.resolve("target/attestation/release-with-policy/1.0.0/kms-policy.json")));
    }

    @Test
    void aPolicyFileNamedButMissingIsAnError() throws Exception {
        mojo().execute();
        ReleaseMojo m = mojo();
        m.kmsPolicy = project.resolve("kms/policy.json").toFile();
        refusedAfterARelease("RELEASE_POLICY_NOT_FOUND", m);
    }
}

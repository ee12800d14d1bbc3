package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.enclave.BuildException;
import dev.attested.eif.EifException;
import dev.attested.pcr.PcrManifest;
import dev.attested.release.ReproduceComparison;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code reproduce -Dattestation.signingKey=… -Dattestation.signingCertificate=…} signs the rebuild with them. */
class ReproduceSigningTest {
    @TempDir
    Path dir;

    @Test
    void keyAndCertificateArePassedToTheRebuildAsAbsolutePaths() throws Exception {
        File key = Files.writeString(dir.resolve("key.pem"), "k").toFile();
        File cert = Files.writeString(dir.resolve("cert.pem"), "c").toFile();
        assertEquals(List.of("-Dattestation.signingKey=" + key.getAbsolutePath(),
                "-Dattestation.signingCertificate=" + cert.getAbsolutePath()), ReproduceMojo.signingArguments(key, cert));
        assertEquals(List.of(), ReproduceMojo.signingArguments(null, null), "unsigned rebuild");
    }

    /**
     * An unsigned rebuild of a signed release: the log tells a Maven user how to compare bytes in the plugin's own
     * syntax (the library's notes name the options neutrally, as {@code {signingKey}} placeholders).
     */
    @Test
    void theReportNamesTheSigningOptionsAsMavenUserProperties() throws Exception {
        String[] pem = ReleaseWorkflow.testSigningKey();
        Path release = MojoProjects.create(dir.resolve("release"));
        BuildEifMojo signed = MojoProjects.mojo(release);
        signed.signingKey = Files.writeString(dir.resolve("key.pem"), pem[0]).toFile();
        signed.signingCertificate = Files.writeString(dir.resolve("cert.pem"), pem[1]).toFile();
        signed.setLog(new BuildEifMojoTest.Lines());
        signed.execute();
        Path rebuild = MojoProjects.create(dir.resolve("rebuild"));
        BuildEifMojo unsigned = MojoProjects.mojo(rebuild);
        unsigned.setLog(new BuildEifMojoTest.Lines());
        unsigned.execute();
        Path published = release.resolve("target/attestation");
        ReproduceComparison c = ReproduceComparison.compare(PcrManifest.read(published.resolve("pcr-manifest.json")),
                null, PcrManifest.read(rebuild.resolve("target/attestation/pcr-manifest.json")), null,
                published.resolve("app-1.0.eif"));
        assertTrue(c.pcrsMatch(), c.render());

        BuildEifMojoTest.Lines log = new BuildEifMojoTest.Lines();
        ReproduceMojo.logComparison(log, c);
        String text = String.join("\n", log.lines);
        assertTrue(text.contains("(-Dattestation.signingKey=… -Dattestation.signingCertificate=…)"), text);
        assertFalse(text.contains("{signingKey}") || text.contains("(signingKey="), text);
    }

    @Test
    void aKeyWithoutCertificateIsRefusedBeforeAnyRebuild() throws Exception {
        File key = Files.writeString(dir.resolve("key.pem"), "k").toFile();
        BuildException e = assertThrows(BuildException.class, () -> ReproduceMojo.signingArguments(key, null));
        assertEquals(BuildException.Code.INPUT_INVALID, e.code());
    }

    @Test
    void aMissingKeyFileIsNamed() throws Exception {
        File cert = Files.writeString(dir.resolve("cert.pem"), "c").toFile();
        EifException e = assertThrows(EifException.class,
                () -> ReproduceMojo.signingArguments(dir.resolve("absent.pem").toFile(), cert));
        assertEquals(EifException.Code.EIF_SIGNING_KEY_INVALID, e.code());
        assertTrue(e.getMessage().contains("absent.pem"), e.getMessage());
    }
}

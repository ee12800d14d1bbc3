package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.enclave.BuildException;
import dev.attested.eif.EifException;
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

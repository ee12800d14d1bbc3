package dev.attested.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalMavenRepositoryTest {
    @TempDir
    Path repo;

    @Test
    void findsAnArtifactWithAndWithoutClassifierInMavensLayout() throws IOException {
        Path plain = Files.createDirectories(repo.resolve("com/example/blobs/1.2")).resolve("blobs-1.2.zip");
        Files.write(plain, new byte[] {1});
        Path classified = plain.resolveSibling("blobs-1.2-x86_64.zip");
        Files.write(classified, new byte[] {2});
        LocalMavenRepository r = new LocalMavenRepository(repo);
        assertEquals(plain, r.artifact("com.example:blobs:1.2", "zip"));
        assertEquals(classified, r.artifact("com.example:blobs:1.2:x86_64", "zip"));
    }

    @Test
    void anAbsentArtifactIsBlobsNotFoundNamingWhereItLooked() {
        BuildException e = assertThrows(BuildException.class,
                () -> new LocalMavenRepository(repo).artifact("com.example:blobs:9", "zip"));
        assertEquals(BuildException.Code.BLOBS_NOT_FOUND, e.code());
        assertTrue(e.getMessage().contains("com/example/blobs/9/blobs-9.zip"), e.getMessage());
    }

    @Test
    void pathsAreNotCoordinates() {
        assertTrue(LocalMavenRepository.isCoordinates("g:a:1"));
        assertTrue(LocalMavenRepository.isCoordinates("g:a:1:c"));
        assertFalse(LocalMavenRepository.isCoordinates("/usr/share/nitro_enclaves/blobs"));
        assertFalse(LocalMavenRepository.isCoordinates("C:\\blobs"));
        assertFalse(LocalMavenRepository.isCoordinates("blobs"));
        assertFalse(LocalMavenRepository.isCoordinates(null));
        assertThrows(BuildException.class, () -> new LocalMavenRepository(repo).artifact("blobs", "zip"));
    }
}

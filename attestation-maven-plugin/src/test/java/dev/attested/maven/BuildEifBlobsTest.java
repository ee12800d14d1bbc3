package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.BuildException;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.Artifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildEifBlobsTest {
    @TempDir
    Path dir;

    /** A repository system that resolves one artifact to a file and records what was asked for. */
    private static RepositorySystem repository(Path file, List<Artifact> requested) {
        return (RepositorySystem) Proxy.newProxyInstance(RepositorySystem.class.getClassLoader(),
                new Class<?>[] {RepositorySystem.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("resolveArtifact")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    ArtifactRequest request = (ArtifactRequest) args[1];
                    requested.add(request.getArtifact());
                    if (file == null) {
                        ArtifactResult missing = new ArtifactResult(request);
                        throw new ArtifactResolutionException(List.of(missing), "Could not find artifact "
                                + request.getArtifact());
                    }
                    return new ArtifactResult(request).setArtifact(request.getArtifact().setFile(file.toFile()));
                });
    }

    @Test
    void coordinatesResolveAZipWithTheClassifierAndUnpackIt() throws Exception {
        Path blobsDir = MojoProjects.create(dir.resolve("p")).resolve("blobs");
        Path zip = dir.resolve("blobs.zip");
        try (OutputStream out = Files.newOutputStream(zip)) {
            BootBlobs.load(blobsDir).writeZip(out);
        }
        List<Artifact> requested = new ArrayList<>();
        BootBlobs blobs = BuildEifBlobs.resolve("com.example:nitro-blobs:1.4.2:x86_64", Map.of(), Optional.empty(),
                dir.resolve("unpacked"), repository(zip, requested), null, List.of());
        assertEquals("com.example:nitro-blobs:zip:x86_64:1.4.2", requested.get(0).toString());
        assertEquals(dir.resolve("unpacked"), blobs.directory());
        assertEquals(BootBlobs.load(blobsDir).sha256(), blobs.sha256());
    }

    @Test
    void unresolvableCoordinatesAreBlobsNotFound() {
        BuildException e = assertThrows(BuildException.class, () -> BuildEifBlobs.resolve("com.example:nope:1.0",
                Map.of(), Optional.empty(), dir.resolve("u"), repository(null, new ArrayList<>()), null, List.of()));
        assertEquals(BuildException.Code.BLOBS_NOT_FOUND, e.code());
    }

    @Test
    void aDirectoryPathIsNotMistakenForCoordinates() throws Exception {
        Path blobsDir = MojoProjects.create(dir.resolve("p")).resolve("blobs");
        BootBlobs blobs = BuildEifBlobs.resolve(blobsDir.toString(), Map.of(), Optional.empty(), dir.resolve("u"),
                repository(null, new ArrayList<>()), null, List.of());
        assertEquals(blobsDir, blobs.directory());
    }

    @Test
    void environmentVariableIsUsedWhenNothingIsConfigured() throws Exception {
        Path blobsDir = MojoProjects.create(dir.resolve("p")).resolve("blobs");
        BootBlobs blobs = BuildEifBlobs.resolve(null, Map.of("NITRO_CLI_BLOBS", blobsDir.toString()), Optional.empty(),
                dir.resolve("u"), repository(null, new ArrayList<>()), null, List.of());
        assertEquals(blobsDir, blobs.directory());
    }
}

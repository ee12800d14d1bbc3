package dev.attested.maven;

import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.BuildException;
import dev.attested.eif.EifArchitecture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

/**
 * Finds the boot blobs for {@code build-eif}: {@code -Dattestation.blobs=} as a directory or as Maven coordinates
 * {@code groupId:artifactId:version[:classifier]} of a blobs zip (made by {@code package-blobs}), else
 * {@code $NITRO_CLI_BLOBS}, else {@code /usr/share/nitro_enclaves/blobs}.
 */
final class BuildEifBlobs {
    private static final String COORDINATES = "[^:/\\\\\\s]+:[^:/\\\\\\s]+:[^:/\\\\\\s]+(:[^:/\\\\\\s]+)?";

    private BuildEifBlobs() {}

    /** Resolves and loads the blobs; {@code unpackDir} receives an unpacked blobs zip. */
    static BootBlobs resolve(String configured, Map<String, String> env, Optional<EifArchitecture> arch, Path unpackDir,
            RepositorySystem repositorySystem, RepositorySystemSession session, List<RemoteRepository> repositories) {
        if (configured != null && configured.trim().matches(COORDINATES)) {
            String[] c = configured.trim().split(":");
            DefaultArtifact artifact = new DefaultArtifact(c[0], c[1], c.length > 3 ? c[3] : "", "zip", c[2]);
            Path zip;
            try {
                zip = repositorySystem.resolveArtifact(session, new ArtifactRequest(artifact, repositories, null))
                        .getArtifact().getFile().toPath();
            } catch (ArtifactResolutionException e) {
                throw new BuildException(BuildException.Code.BLOBS_NOT_FOUND, "cannot resolve the blobs artifact "
                        + artifact + ": " + e.getMessage() + ". Deploy it with package-blobs, or pass a directory.", e);
            }
            return BootBlobs.unzip(zip, unpackDir, arch);
        }
        return BootBlobs.load(BootBlobs.locate(configured, env).directory(), arch);
    }
}

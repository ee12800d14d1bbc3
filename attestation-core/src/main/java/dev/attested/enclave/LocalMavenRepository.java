package dev.attested.enclave;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Artifacts in a local Maven repository (the {@code ~/.m2/repository} layout), for tools that run without Maven:
 * {@code groupId:artifactId:version[:classifier]} is looked up, never downloaded.
 */
public final class LocalMavenRepository {
    private static final Pattern COORDINATES =
            Pattern.compile("[^:/\\\\\\s]+:[^:/\\\\\\s]+:[^:/\\\\\\s]+(:[^:/\\\\\\s]+)?");

    private final Path root;

    public LocalMavenRepository(Path root) {
        this.root = root;
    }

    /** Maven's default local repository, {@code <user.home>/.m2/repository}. */
    public static LocalMavenRepository userDefault(String userHome) {
        return new LocalMavenRepository(Path.of(userHome, ".m2", "repository"));
    }

    /** The repository's directory. */
    public Path root() {
        return root;
    }

    /** Whether {@code value} reads as {@code groupId:artifactId:version[:classifier]} (a path never does). */
    public static boolean isCoordinates(String value) {
        return value != null && COORDINATES.matcher(value.trim()).matches();
    }

    /**
     * The file of an artifact with the given extension (e.g. {@code zip} for a blobs zip made by package-blobs).
     *
     * @throws BuildException BLOBS_NOT_FOUND when the repository does not hold it (nothing is downloaded)
     */
    public Path artifact(String coordinates, String extension) {
        if (!isCoordinates(coordinates)) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, "'" + coordinates
                    + "' is not groupId:artifactId:version[:classifier]");
        }
        String[] c = coordinates.trim().split(":");
        String file = c[1] + "-" + c[2] + (c.length > 3 ? "-" + c[3] : "") + "." + extension;
        Path p = root.resolve(c[0].replace('.', '/')).resolve(c[1]).resolve(c[2]).resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new BuildException(BuildException.Code.BLOBS_NOT_FOUND, "the local Maven repository " + root
                    + " does not hold " + coordinates + " (" + extension + "; looked for " + p + "). Nothing is "
                    + "downloaded: fetch it first (mvn dependency:get -Dartifact=" + c[0] + ":" + c[1] + ":" + c[2]
                    + ":" + extension + (c.length > 3 ? ":" + c[3] : "") + "), point to another repository, or pass "
                    + "the blobs directory.");
        }
        return p;
    }

    @Override
    public String toString() {
        return root.toString();
    }
}

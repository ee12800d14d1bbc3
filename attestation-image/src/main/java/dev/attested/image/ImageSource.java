package dev.attested.image;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** Where the enclave image comes from: built here from a Java application, or a tarball built elsewhere. */
public sealed interface ImageSource permits ImageSource.JavaApplication, ImageSource.ImageTarball {

    /**
     * A Java application, laid out as the PCR2 of every attested release expects: the runtime classpath under
     * {@code /app/lib/<file name>} (one layer, sorted by name), the application jar as {@code /app/<file name>}
     * (one layer), then the files of {@code extraFiles} at the image root (one layer). Jars get fixed permissions
     * and times; the creation time is the build time.
     *
     * @param jar              the application jar; empty for an image of the classpath and extra files only
     * @param runtimeClasspath the runtime dependency jars (their file names must differ)
     * @param launch           the entrypoint
     * @param base             what the image is built on
     * @param extraFiles       a directory copied to the image root; ignored when it does not exist
     * @param environment      environment variables of the enclave process
     */
    record JavaApplication(Optional<Path> jar, List<Path> runtimeClasspath, Launch launch, BaseImage base,
            Optional<Path> extraFiles, Map<String, String> environment) implements ImageSource {
        public JavaApplication {
            Objects.requireNonNull(jar, "jar");
            runtimeClasspath = List.copyOf(runtimeClasspath);
            Objects.requireNonNull(launch, "launch");
            Objects.requireNonNull(base, "base");
            Objects.requireNonNull(extraFiles, "extraFiles");
            environment = Collections.unmodifiableSortedMap(new TreeMap<>(environment));
        }

        /** An executable jar on {@code base}, without dependencies, extra files or environment. */
        public static JavaApplication of(Path jar, BaseImage base) {
            return new JavaApplication(Optional.of(jar), List.of(), Launch.EXECUTABLE_JAR, base, Optional.empty(),
                    Map.of());
        }
    }

    /** An OCI or {@code docker save} image tarball built elsewhere, used as it is. */
    record ImageTarball(Path path) implements ImageSource {
        public ImageTarball {
            Objects.requireNonNull(path, "path");
        }
    }
}

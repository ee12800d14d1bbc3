package dev.attested.maven;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.DockerDaemonImage;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import dev.attested.build.BuildException;
import dev.attested.build.ReproducibleJar;
import dev.attested.eif.EifArchitecture;
import dev.attested.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * Builds the enclave's container image with Jib core: base image (digest-pinned registry reference,
 * {@code tar://} docker-save/OCI tarball, or {@code scratch}), a layer of runtime dependencies under
 * {@code /app/lib/}, the project artifact as {@code /app/<name>.jar}, and optional extra files; Jib fixes
 * permissions, owners and file times, the creation time comes from the build's output timestamp.
 *
 * @param baseImage   {@code scratch}, {@code tar:///path/image.tar} or {@code registry/repo@sha256:…}
 * @param artifact    the project's jar (may be null for an image of extra files only)
 * @param dependencies runtime dependency jars
 * @param extraFiles  directory copied to {@code /} (may be null or absent)
 * @param entrypoint  explicit entrypoint, or empty for {@code java -jar}/{@code java -cp … mainClass}
 * @param mainClass   main class for the default entrypoint, or null
 * @param environment environment variables
 * @param creationTime image creation time (the output timestamp)
 * @param arch        image platform
 */
record EnclaveImageBuilder(String baseImage, Path artifact, List<Path> dependencies, Path extraFiles,
        List<String> entrypoint, String mainClass, Map<String, String> environment, Instant creationTime, EifArchitecture arch) {

    static final String SCRATCH = "scratch";
    static final String TAR_PREFIX = "tar://";

    /**
     * The image of a Maven project: its jar (required for jar packaging unless a ready image tarball is used)
     * and its compile and runtime dependencies.
     */
    static EnclaveImageBuilder forProject(org.apache.maven.project.MavenProject project, boolean haveImageTarball,
            String baseImage, Path extraFiles, List<String> entrypoint, String mainClass,
            Map<String, String> environment, Instant time, EifArchitecture arch) {
        org.apache.maven.artifact.Artifact artifact = project.getArtifact();
        Path jar = artifact == null || artifact.getFile() == null || !artifact.getFile().isFile() ? null
                : artifact.getFile().toPath();
        if (jar == null && !haveImageTarball && "jar".equals(project.getPackaging())) {
            throw new BuildException(BuildException.Code.INPUT_INVALID,
                    "the project jar is not built yet: run 'mvn package' (build-eif binds to package), not the goal alone");
        }
        List<Path> deps = project.getArtifacts().stream()
                .filter(x -> "compile".equals(x.getScope()) || "runtime".equals(x.getScope()))
                .map(x -> x.getFile().toPath()).toList();
        return new EnclaveImageBuilder(baseImage, jar, deps, extraFiles, entrypoint == null ? List.of() : entrypoint,
                mainClass, environment == null ? Map.of() : environment, time, arch);
    }

    /** A built image: where it is and its manifest digest. */
    record BuiltImage(Path tarball, String digest, String imageId) {}

    /** Builds the image as an OCI tarball (offline unless the base is a registry image) and returns its digest. */
    BuiltImage toTarball(Path tarball, String imageReference, Path cacheDir) {
        try {
            Path tmp = AtomicFiles.newTempSibling(tarball);
            Files.delete(tmp); // Jib creates the file itself
            try {
                JibContainer c = containerBuilder(cacheDir.resolve("jars")).containerize(cache(Containerizer.to(
                        TarImage.at(tmp).named(imageReference)), cacheDir).setOfflineMode(!isRegistryBase()));
                AtomicFiles.moveIntoPlace(tmp, tarball);
                return new BuiltImage(tarball, c.getDigest().toString(), c.getImageId().toString());
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (BuildException e) {
            throw e;
        } catch (InvalidImageReferenceException e) {
            throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID, "invalid image reference: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(BuildException.Code.IMAGE_BUILD_FAILED, "interrupted while building the image", e);
        } catch (Exception e) {
            throw new BuildException(BuildException.Code.IMAGE_BUILD_FAILED,
                    "Jib could not build the enclave image on base '" + baseImage + "': " + rootMessage(e), e);
        }
    }

    /** Loads the image into the local Docker daemon (for nitro-cli), through the given docker executable. */
    String toDockerDaemon(String imageReference, Path dockerExecutable, Path cacheDir) {
        try {
            DockerDaemonImage target = DockerDaemonImage.named(imageReference);
            if (dockerExecutable != null) {
                target.setDockerExecutable(dockerExecutable);
            }
            JibContainer c = containerBuilder(cacheDir.resolve("jars")).containerize(cache(Containerizer.to(target), cacheDir)
                    .setOfflineMode(!isRegistryBase()));
            return c.getImageId().toString();
        } catch (BuildException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(BuildException.Code.IMAGE_BUILD_FAILED, "interrupted while loading into Docker", e);
        } catch (Exception e) {
            throw new BuildException(BuildException.Code.IMAGE_BUILD_FAILED,
                    "could not load the enclave image into the Docker daemon (mode=nitro-cli needs Docker): "
                            + rootMessage(e), e);
        }
    }

    /** {@code jarDir} receives the jars with normalized permissions ({@link ReproducibleJar}). */
    private JibContainerBuilder containerBuilder(Path jarDir) throws IOException, InvalidImageReferenceException {
        JibContainerBuilder b = base();
        List<String> classpath = new ArrayList<>();
        if (!dependencies.isEmpty()) {
            FileEntriesLayer.Builder deps = FileEntriesLayer.builder().setName("dependencies");
            Set<String> seen = new java.util.HashSet<>();
            for (Path d : dependencies.stream().sorted((x, y) -> x.getFileName().toString()
                    .compareTo(y.getFileName().toString())).toList()) {
                String name = d.getFileName().toString();
                if (!seen.add(name)) {
                    throw new BuildException(BuildException.Code.INPUT_INVALID, "two runtime dependencies are both named "
                            + name + "; rename one (e.g. with the dependency plugin) so /app/lib/ can hold both");
                }
                deps.addEntry(normalized(d, jarDir.resolve("lib")), AbsoluteUnixPath.get("/app/lib/" + name));
            }
            b.addFileEntriesLayer(deps.build());
            classpath.add("/app/lib/*");
        }
        String jar = null;
        if (artifact != null) {
            jar = "/app/" + artifact.getFileName();
            b.addFileEntriesLayer(FileEntriesLayer.builder().setName("application")
                    .addEntry(normalized(artifact, jarDir), AbsoluteUnixPath.get(jar)).build());
            classpath.add(0, jar);
        }
        if (extraFiles != null && Files.isDirectory(extraFiles)) {
            FileEntriesLayer.Builder extra = FileEntriesLayer.builder().setName("extra files");
            try (java.util.stream.Stream<Path> top = Files.list(extraFiles)) {
                for (Path p : top.sorted().toList()) {
                    extra.addEntryRecursive(p, AbsoluteUnixPath.get("/" + p.getFileName()));
                }
            }
            b.addFileEntriesLayer(extra.build());
        }
        if (!entrypoint.isEmpty()) {
            b.setEntrypoint(entrypoint);
        } else if (mainClass != null && !mainClass.isBlank()) {
            b.setEntrypoint("java", "-cp", String.join(":", classpath), mainClass);
        } else if (jar != null) {
            b.setEntrypoint("java", "-jar", jar);
        }
        b.setEnvironment(new TreeMap<>(environment));
        b.setCreationTime(creationTime);
        b.setFormat(ImageFormat.OCI);
        b.setPlatforms(Set.of(new Platform(arch.ociName(), "linux")));
        return b;
    }

    /** Fails with {@code BASE_IMAGE_INVALID} unless the base is scratch, an existing tarball or digest-pinned. */
    void validateBase() {
        try {
            base();
        } catch (InvalidImageReferenceException e) {
            throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID,
                    "invalid base image reference '" + baseImage + "': " + e.getMessage(), e);
        }
    }

    /** Jars get fixed permission bits; other files are used as they are. */
    private static Path normalized(Path file, Path dir) {
        if (!file.getFileName().toString().endsWith(".jar")) {
            return file;
        }
        Path out = dir.resolve(file.getFileName());
        ReproducibleJar.normalize(file, out);
        return out;
    }

    private JibContainerBuilder base() throws InvalidImageReferenceException {
        String ref = baseImage == null ? "" : baseImage.trim();
        if (ref.equals(SCRATCH)) {
            return Jib.fromScratch();
        }
        if (ref.startsWith(TAR_PREFIX)) {
            Path p = Path.of(ref.substring(TAR_PREFIX.length()));
            if (!Files.isRegularFile(p)) {
                throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID,
                        "base image tarball " + p + " does not exist (from baseImage=" + ref + ")");
            }
            requireDockerSaveLayout(p);
            return Jib.from(TarImage.at(p));
        }
        if (!isRegistryBase()) {
            throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID, "base image '" + ref + "' is not pinned: "
                    + "use a registry reference with a digest (e.g. eclipse-temurin@sha256:<64 hex>), "
                    + "tar:///path/to/image.tar, or scratch. Tags move, and a moved tag changes PCR2.");
        }
        return Jib.from(ref);
    }

    private static void requireDockerSaveLayout(Path tarball) {
        try (org.apache.commons.compress.archivers.tar.TarFile tar =
                new org.apache.commons.compress.archivers.tar.TarFile(tarball)) {
            boolean dockerSave = tar.getEntries().stream()
                    .anyMatch(e -> e.getName().equals("manifest.json") || e.getName().equals("./manifest.json"));
            if (!dockerSave) {
                throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID, "base image tarball " + tarball
                        + " has no manifest.json: Jib takes a 'docker save' tarball as base (an OCI layout is not "
                        + "accepted). Create it with 'docker save' or a Jib/Docker-format tar build.");
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof BuildException) {
                throw (BuildException) e;
            }
            throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID,
                    "base image tarball " + tarball + " cannot be read as tar: " + e.getMessage(), e);
        }
    }

    private boolean isRegistryBase() {
        return baseImage != null && baseImage.trim().matches("[^\\s@]+@sha256:[0-9a-f]{64}");
    }

    private static Containerizer cache(Containerizer c, Path cacheDir) {
        return c.setApplicationLayersCache(cacheDir.resolve("application"))
                .setBaseImageLayersCache(cacheDir.resolve("base")).setToolName("attestation-maven-plugin");
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}

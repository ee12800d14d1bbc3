package dev.attested.image;

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
import dev.attested.OutputFiles;
import dev.attested.eif.EifArchitecture;
import dev.attested.enclave.BuildException;
import dev.attested.enclave.ReproducibleJar;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/**
 * Builds the enclave's container image of a {@link ImageSource.JavaApplication} with Jib core: the base image, a
 * layer of runtime dependencies under {@code /app/lib/}, the application jar as {@code /app/<name>.jar}, and the
 * extra files; Jib fixes permissions, owners and file times, the creation time is the build time. This layout
 * decides PCR2: every front end builds through here.
 */
final class EnclaveImage {
    /** Where a command without a slash is looked up when the image sets no PATH (Docker's default). */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final BaseImage baseImage;
    private final Path artifact;
    private final List<Path> dependencies;
    private final Path extraFiles;
    private final Launch launch;
    private final Map<String, String> environment;
    private final Instant creationTime;
    private final EifArchitecture arch;
    /**
     * The tool name Jib writes into the image config's history ({@code created_by}): part of the image digest, so
     * the same for every front end (the name it had when the Maven plugin was the only one).
     */
    static final String JIB_TOOL_NAME = "attestation-maven-plugin";

    EnclaveImage(ImageSource.JavaApplication app, Instant creationTime, EifArchitecture arch) {
        this.baseImage = app.base();
        this.artifact = app.jar().orElse(null);
        this.dependencies = app.runtimeClasspath();
        this.extraFiles = app.extraFiles().orElse(null);
        this.launch = app.launch();
        this.environment = app.environment();
        this.creationTime = creationTime;
        this.arch = arch;
    }

    /** Builds the image as an OCI tarball (offline unless the base is a registry image) and returns its digest. */
    EnclaveBuild.BuiltImage toTarball(Path tarball, String imageReference, Path cacheDir) {
        try {
            Path tmp = OutputFiles.newTempSibling(tarball);
            Files.delete(tmp); // Jib creates the file itself
            try {
                JibContainer c = containerBuilder(cacheDir.resolve("jars")).containerize(cache(Containerizer.to(
                        TarImage.at(tmp).named(imageReference)), cacheDir).setOfflineMode(!isRegistryBase()));
                OutputFiles.moveIntoPlace(tmp, tarball);
                return new EnclaveBuild.BuiltImage(tarball, c.getDigest().toString(), c.getImageId().toString());
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
                    "Jib could not build the enclave image on base '" + baseImage.text() + "': " + rootMessage(e), e);
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
        }
        if (artifact != null) {
            b.addFileEntriesLayer(FileEntriesLayer.builder().setName("application")
                    .addEntry(normalized(artifact, jarDir), AbsoluteUnixPath.get("/app/" + artifact.getFileName())).build());
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
        List<String> command = command();
        if (!command.isEmpty()) {
            b.setEntrypoint(command);
        }
        b.setEnvironment(new TreeMap<>(environment));
        b.setCreationTime(creationTime);
        b.setFormat(ImageFormat.OCI);
        b.setPlatforms(Set.of(new Platform(arch.ociName(), "linux")));
        return b;
    }

    /**
     * The container entrypoint: the explicit one, else {@code java -cp /app/<jar>:/app/lib/* <mainClass>}, else
     * {@code java -jar /app/<jar>}; empty when there is nothing to run (the base image's command then applies).
     */
    List<String> command() {
        if (launch instanceof Launch.Entrypoint e) {
            return e.command();
        }
        String jar = artifact == null ? null : "/app/" + artifact.getFileName();
        if (launch instanceof Launch.MainClass m) {
            String mainClass = m.className();
            List<String> classpath = new ArrayList<>();
            if (jar != null) {
                classpath.add(jar);
            }
            if (!dependencies.isEmpty()) {
                classpath.add("/app/lib/*");
            }
            return List.of("java", "-cp", String.join(":", classpath), mainClass);
        }
        return jar == null ? List.of() : List.of("java", "-jar", jar);
    }

    /**
     * Fails with {@code BASE_IMAGE_INVALID} unless the base is scratch, an existing tarball or digest-pinned, and
     * with {@code ENTRYPOINT_NOT_IN_IMAGE} when the base is scratch and the command's program is not among the
     * files the image will hold (scratch has no Java runtime: {@code java} is never there).
     */
    void validateBase() {
        try {
            base();
        } catch (InvalidImageReferenceException e) {
            throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID,
                    "invalid base image reference '" + baseImage.text() + "': " + e.getMessage(), e);
        }
        List<String> command = command();
        if (baseImage instanceof BaseImage.Scratch && !command.isEmpty()
                && !inScratchImage(command.get(0))) {
            String program = command.get(0);
            boolean java = program.equals("java") || program.endsWith("/java");
            throw new BuildException(BuildException.Code.ENTRYPOINT_NOT_IN_IMAGE, java
                    ? "baseImage is scratch, an empty image without a Java runtime, but the enclave's command runs "
                            + "'" + program + "' (" + String.join(" ", command) + "): the enclave could not start. "
                            + "Use a base image with a JRE: pin one by digest (<baseImage>eclipse-temurin@sha256:<64 hex>"
                            + "</baseImage>; 'docker buildx imagetools inspect eclipse-temurin:25-jre' prints the digest), "
                            + "or save one into the project ('docker save eclipse-temurin:25-jre -o base/jre.tar', then "
                            + "<baseImage>tar://base/jre.tar</baseImage>). See docs/build-eif.md, 'Base images'."
                    : "baseImage is scratch and the enclave's command runs '" + program + "', which the image does "
                            + "not contain (a scratch image holds only the application jars and the files of extraFiles). "
                            + "Add it under " + (extraFiles == null ? "src/main/enclave" : extraFiles.toString())
                            + ", or use a base image that has it.");
        }
    }

    /** Whether a scratch image will hold {@code program}: a file of {@code extraFiles}, looked up on PATH. */
    private boolean inScratchImage(String program) {
        if (extraFiles == null || !Files.isDirectory(extraFiles)) {
            return false;
        }
        List<String> candidates = new ArrayList<>();
        if (program.contains("/")) {
            candidates.add(program);
        } else {
            String path = environment.getOrDefault("PATH", DEFAULT_PATH);
            for (String dir : path.split(":")) {
                candidates.add(dir + "/" + program);
            }
        }
        for (String c : candidates) {
            String relative = c.replaceFirst("^/+", "");
            if (!relative.isEmpty() && Files.exists(extraFiles.resolve(relative), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
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
        if (baseImage instanceof BaseImage.Tarball t) {
            Path p = t.file();
            if (!Files.isRegularFile(p)) {
                throw new BuildException(BuildException.Code.BASE_IMAGE_INVALID,
                        "base image tarball " + p + " does not exist (from baseImage=" + baseImage.text() + ")");
            }
            requireDockerSaveLayout(p);
            return Jib.from(TarImage.at(p));
        }
        if (baseImage instanceof BaseImage.Registry r) {
            return Jib.from(r.reference());
        }
        return Jib.fromScratch();
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
        return baseImage instanceof BaseImage.Registry;
    }

    private static Containerizer cache(Containerizer c, Path cacheDir) {
        return c.setApplicationLayersCache(cacheDir.resolve("application"))
                .setBaseImageLayersCache(cacheDir.resolve("base")).setToolName(JIB_TOOL_NAME);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t.getMessage() == null) && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}

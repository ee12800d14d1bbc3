package dev.attested.release;

import dev.attested.io.AtomicFiles;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A release bundle: {@code <root>/<version>/} holding the EIF, {@code pcr-manifest.json}, a KMS policy,
 * {@code build-manifest.json}, {@code provenance.intoto.json}, {@code REPRODUCE.md} and {@code SHA256SUMS}.
 *
 * <p>Deterministic (same inputs → same bytes, file times set to the output timestamp) and atomic: the bundle is
 * assembled in a temporary sibling directory and moved into place, so {@code <version>/} is either the previous
 * complete bundle or the new complete one.
 *
 * @param directory the bundle directory
 * @param sums      file name → SHA-256 of every file in the bundle except {@code SHA256SUMS}
 */
public record ReleaseBundle(Path directory, SortedMap<String, String> sums) {
    public static final String SUMS_FILE = "SHA256SUMS";
    public static final String MANIFEST_FILE = "pcr-manifest.json";

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");

    public ReleaseBundle {
        sums = Collections.unmodifiableSortedMap(new TreeMap<>(sums));
    }

    /**
     * What goes into a bundle.
     *
     * @param eif           the EIF file (must have the SHA-256 the manifest records)
     * @param manifest      its PCR manifest
     * @param build         its build inputs
     * @param kmsPolicy     a KMS key policy for it ({@code kms-policy.json} from the kms-policy goal), or null for
     *                      the {@link KmsPolicyTemplate} with placeholders
     * @param pluginVersion the version REPRODUCE.md tells consumers to run
     */
    public record Request(Path eif, PcrManifest manifest, BuildManifest build, byte[] kmsPolicy, String pluginVersion) {}

    /** Writes the bundle for {@code request} into {@code root/<version>/}, replacing an earlier one. */
    public static ReleaseBundle write(Path root, Request request) {
        PcrManifest manifest = request.manifest();
        BuildManifest build = request.build();
        String version = checkName(build.version(), "version");
        String eifName = checkName(manifest.eif().file(), "EIF file name");
        checkTimestamp(manifest.outputTimestamp());
        checkEif(request.eif(), manifest);

        Path target = root.resolve(version);
        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, "." + version + ".");
            FileTime time = FileTime.from(Instant.parse(manifest.outputTimestamp()));
            SortedMap<String, String> sums = new TreeMap<>();

            Path eifCopy = tmp.resolve(eifName);
            Files.copy(request.eif(), eifCopy, StandardCopyOption.COPY_ATTRIBUTES);
            String eifSha = Sha256Sums.of(eifCopy);
            if (!eifSha.equals(manifest.eif().sha256())) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_EIF_MISMATCH,
                        request.eif() + " changed while it was being copied. Rebuild, then run release again.");
            }
            sums.put(eifName, eifSha);
            Files.setLastModifiedTime(eifCopy, time);

            byte[] manifestJson = manifest.toJson();
            put(tmp, MANIFEST_FILE, manifestJson, time, sums);
            put(tmp, BuildManifest.FILE_NAME, build.toJson(), time, sums);
            if (request.kmsPolicy() != null) {
                put(tmp, "kms-policy.json", request.kmsPolicy(), time, sums);
            } else {
                put(tmp, KmsPolicyTemplate.FILE_NAME, KmsPolicyTemplate.forRelease(manifest), time, sums);
            }
            put(tmp, Provenance.FILE_NAME, Provenance.statement(manifest, manifestJson, build), time, sums);
            put(tmp, ReproduceInstructions.FILE_NAME,
                    ReproduceInstructions.render(manifest, build, request.pluginVersion()), time, sums);
            Path sumsFile = tmp.resolve(SUMS_FILE);
            Files.write(sumsFile, Sha256Sums.format(sums));
            Files.setLastModifiedTime(sumsFile, time);

            moveIntoPlace(tmp, target);
            tmp = null;
            return new ReleaseBundle(target, sums);
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot write the release bundle "
                    + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
        }
    }

    private static void put(Path dir, String name, byte[] content, FileTime time, SortedMap<String, String> sums)
            throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        Files.setLastModifiedTime(f, time);
        sums.put(name, Sha256Sums.of(content));
    }

    /** Replaces {@code target} by {@code ready}: the old bundle is moved aside first and deleted afterwards. */
    private static void moveIntoPlace(Path ready, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
            Files.delete(old);
            Files.move(target, old);
        }
        try {
            AtomicFiles.moveIntoPlace(ready, target);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target);
            }
            throw e;
        }
        if (old != null) {
            deleteQuietly(old);
        }
    }

    private static void checkEif(Path eif, PcrManifest manifest) {
        String sha;
        try {
            sha = Sha256Sums.of(eif);
        } catch (NoSuchFileException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_EIF_NOT_FOUND,
                    "no EIF at " + eif + ". Run build-eif first (e.g. mvn package attestation:release).");
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot read " + eif + ": " + e, e);
        }
        if (!sha.equals(manifest.eif().sha256())) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_EIF_MISMATCH,
                    eif + " has SHA-256 " + sha + " but the PCR manifest describes " + manifest.eif().sha256()
                            + ". The EIF was rebuilt or replaced after its manifest was written: run build-eif again.");
        }
    }

    private static String checkName(String name, String what) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_BAD_NAME,
                    what + " '" + name + "' cannot name a file in the bundle: use letters, digits, '.', '_', '+' or '-'.");
        }
        return name;
    }

    static void checkTimestamp(String outputTimestamp) {
        try {
            Instant.parse(outputTimestamp == null ? "" : outputTimestamp);
        } catch (DateTimeParseException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_NO_TIMESTAMP,
                    "the PCR manifest's outputTimestamp is '" + outputTimestamp + "', not an ISO-8601 instant. Set "
                            + "<project.build.outputTimestamp>2026-01-01T00:00:00Z</project.build.outputTimestamp> and rebuild.");
        }
    }

    static void deleteQuietly(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary directory is harmless and never has a final name
        }
    }

    /** Lists the files in a bundle directory (sorted), for tests and logs. */
    public static SortedMap<String, Long> listing(Path directory) throws IOException {
        SortedMap<String, Long> out = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                out.put(p.getFileName().toString(), Files.size(p));
            }
        }
        return out;
    }
}

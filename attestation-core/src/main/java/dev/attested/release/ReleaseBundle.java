package dev.attested.release;

import dev.attested.enclave.BuildException;
import dev.attested.enclave.OutputTimestamp;
import dev.attested.internal.io.AtomicFiles;
import dev.attested.pcr.PcrManifest;
import dev.attested.pcr.PcrManifestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A release bundle: {@code <root>/<version>/} holding the EIF, {@code pcr-manifest.json}, a KMS policy,
 * {@code build-manifest.json}, {@code provenance.intoto.json}, {@code REPRODUCE.md} and {@code SHA256SUMS}.
 *
 * <p>Deterministic (same inputs → same bytes, file times set to the output timestamp) and atomic: the bundle is
 * assembled in a temporary sibling directory and moved into place, so {@code <version>/} never holds a partial
 * bundle. A published version is never replaced: when {@code <version>/} exists with the same PCRs it is kept as
 * it is ({@link #created()} false, the run is idempotent); with other PCRs, or when it is not an intact bundle,
 * the release is refused and nothing is touched.
 *
 * @param directory   the bundle directory
 * @param sums        file name → SHA-256 of every file in the bundle except {@code SHA256SUMS}
 * @param created     true when this call wrote the bundle, false when an existing bundle with the same PCRs was kept
 * @param differences files this build would have written with other bytes than the kept bundle has (e.g. a build
 *                    manifest naming a later commit, or a signed EIF's new signature); empty when created
 */
public record ReleaseBundle(Path directory, SortedMap<String, String> sums, boolean created,
        SortedSet<String> differences) {
    public static final String SUMS_FILE = "SHA256SUMS";
    public static final String MANIFEST_FILE = "pcr-manifest.json";
    /** The name of a policy from the kms-policy goal in the bundle. */
    public static final String POLICY_FILE = "kms-policy.json";

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,127}");
    private static final Pattern SUMS_LINE = Pattern.compile("([0-9a-f]{64})  (\\S+)");
    private static final long MAX_SUMS_BYTES = 1 << 20;

    public ReleaseBundle {
        sums = Collections.unmodifiableSortedMap(new TreeMap<>(sums));
        differences = Collections.unmodifiableSortedSet(new TreeSet<>(differences));
    }

    /**
     * What goes into a bundle.
     *
     * @param eif           the EIF file (must have the SHA-256 the manifest records)
     * @param manifest      its PCR manifest
     * @param build         its build inputs
     * @param kmsPolicy     a KMS key policy for it ({@code kms-policy.json} from the kms-policy goal), or null for
     *                      the {@link KmsPolicyTemplate} with placeholders; checked with {@link ReleasePolicyCheck}
     * @param kmsPolicySource names the policy in messages (its path)
     * @param pluginVersion the version REPRODUCE.md tells consumers to run
     * @param alsoAccepted  PCR sets of other releases the policy may also admit (the releases accepted for the
     *                      environment this release is accepted for); empty: the policy pins this release only
     */
    public record Request(Path eif, PcrManifest manifest, BuildManifest build, byte[] kmsPolicy, String kmsPolicySource,
            String pluginVersion, List<SortedMap<Integer, String>> alsoAccepted) {
        public Request {
            alsoAccepted = List.copyOf(alsoAccepted);
        }

        /** A request whose policy (if any) must pin exactly this release. */
        public Request(Path eif, PcrManifest manifest, BuildManifest build, byte[] kmsPolicy, String pluginVersion) {
            this(eif, manifest, build, kmsPolicy, POLICY_FILE, pluginVersion, List.of());
        }
    }

    /**
     * Writes the bundle for {@code request} into {@code root/<version>/}, or keeps an existing bundle with the same
     * PCRs. Every check runs before anything is written; a refusal leaves {@code root} as it was.
     */
    public static ReleaseBundle write(Path root, Request request) {
        PcrManifest manifest = request.manifest();
        BuildManifest build = request.build();
        String version = checkName(build.version(), "version");
        String eifName = checkName(manifest.eif().file(), "EIF file name");
        checkTimestamp(manifest.outputTimestamp());
        checkEif(request.eif(), manifest);
        if (request.kmsPolicy() != null) {
            ReleasePolicyCheck.check(request.kmsPolicy(), request.kmsPolicySource(), manifest, request.alsoAccepted());
        }
        Path target = root.resolve(version);
        SortedMap<String, String> existing = checkExisting(target, manifest);

        // Every file but the EIF and SHA256SUMS, in name order.
        SortedMap<String, byte[]> files = new TreeMap<>();
        byte[] manifestJson = manifest.toJson();
        files.put(MANIFEST_FILE, manifestJson);
        files.put(BuildManifest.FILE_NAME, build.toJson());
        if (request.kmsPolicy() != null) {
            files.put(POLICY_FILE, request.kmsPolicy());
        } else {
            files.put(KmsPolicyTemplate.FILE_NAME, KmsPolicyTemplate.forRelease(manifest));
        }
        files.put(Provenance.FILE_NAME, Provenance.statement(manifest, manifestJson, build));
        files.put(ReproduceInstructions.FILE_NAME, ReproduceInstructions.render(manifest, build, request.pluginVersion()));
        SortedMap<String, String> sums = new TreeMap<>();
        sums.put(eifName, manifest.eif().sha256());
        files.forEach((name, content) -> sums.put(name, Sha256Sums.of(content)));

        if (existing != null) {
            SortedSet<String> differences = new TreeSet<>();
            for (String name : union(existing.keySet(), sums.keySet())) {
                if (!Objects.equals(existing.get(name), sums.get(name))) {
                    differences.add(name);
                }
            }
            return new ReleaseBundle(target, existing, false, differences);
        }

        Path tmp = null;
        try {
            Files.createDirectories(root);
            tmp = Files.createTempDirectory(root, "." + version + ".");
            FileTime time = FileTime.from(Instant.parse(manifest.outputTimestamp()));
            Path eifCopy = tmp.resolve(eifName);
            Files.copy(request.eif(), eifCopy, StandardCopyOption.COPY_ATTRIBUTES);
            if (!Sha256Sums.of(eifCopy).equals(manifest.eif().sha256())) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_EIF_MISMATCH,
                        request.eif() + " changed while it was being copied.");
            }
            Files.setLastModifiedTime(eifCopy, time);
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                put(tmp, f.getKey(), f.getValue(), time);
            }
            put(tmp, SUMS_FILE, Sha256Sums.format(sums), time);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_BUNDLE_EXISTS,
                        target + " appeared while this bundle was assembled (another release running?).");
            }
            AtomicFiles.moveIntoPlace(tmp, target);
            tmp = null;
            return new ReleaseBundle(target, sums, true, new TreeSet<>());
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot write the release bundle "
                    + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                AtomicFiles.deleteTreeQuietly(tmp);
            }
        }
    }

    /**
     * The PCR manifest of the bundle already in {@code root/<version>/}, if there is one that can be read; the
     * full check (its SHA256SUMS) is made by {@link #write}. Lets a caller decide, before writing anything else
     * (e.g. a PCR history), which manifest a rerun publishes.
     */
    public static Optional<PcrManifest> publishedManifest(Path root, String version) {
        Path file = root.resolve(checkName(version, "version")).resolve(MANIFEST_FILE);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(PcrManifest.read(file));
        } catch (PcrManifestException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks an existing bundle directory: null when there is none; its sums when it is an intact bundle with the
     * same PCRs as {@code manifest}; otherwise refused.
     */
    private static SortedMap<String, String> checkExisting(Path target, PcrManifest manifest) {
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw incomplete(target, "it is not a directory");
        }
        Path manifestFile = target.resolve(MANIFEST_FILE);
        PcrManifest published;
        try {
            published = PcrManifest.read(manifestFile);
        } catch (PcrManifestException e) {
            throw incomplete(target, "its " + MANIFEST_FILE + " cannot be read (" + e.getMessage() + ")");
        }
        if (!published.pcrs().equals(manifest.pcrs())) {
            List<String> differ = new ArrayList<>();
            for (Integer i : union(published.pcrs().keySet(), manifest.pcrs().keySet())) {
                if (!Objects.equals(published.pcrs().get(i), manifest.pcrs().get(i))) {
                    differ.add("PCR" + i);
                }
            }
            throw new ReleaseException(ReleaseException.Code.RELEASE_BUNDLE_EXISTS, target + " already holds a "
                    + "release of this version with other measurements (" + String.join(", ", differ)
                    + " differ; published PCR0 " + published.pcrs().get(0) + ", this build's "
                    + manifest.pcrs().get(0) + "). It was left untouched.");
        }
        SortedMap<String, String> sums = readSums(target);
        if (!sums.containsKey(MANIFEST_FILE) || !sums.containsKey(published.eif().file())) {
            throw incomplete(target, SUMS_FILE + " does not list " + MANIFEST_FILE + " and " + published.eif().file());
        }
        for (Map.Entry<String, String> e : sums.entrySet()) {
            Path f = target.resolve(e.getKey());
            String actual;
            try {
                actual = Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) ? Sha256Sums.of(f) : null;
            } catch (IOException ex) {
                throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot read " + f + ": " + ex, ex);
            }
            if (actual == null) {
                throw incomplete(target, e.getKey() + " listed in " + SUMS_FILE + " is missing");
            }
            if (!actual.equals(e.getValue())) {
                throw incomplete(target, e.getKey() + " does not match its SHA-256 in " + SUMS_FILE);
            }
        }
        return sums;
    }

    private static SortedMap<String, String> readSums(Path target) {
        Path file = target.resolve(SUMS_FILE);
        List<String> lines;
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw incomplete(target, "it has no " + SUMS_FILE);
            }
            if (Files.size(file) > MAX_SUMS_BYTES) {
                throw incomplete(target, "its " + SUMS_FILE + " is larger than " + MAX_SUMS_BYTES + " bytes");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw incomplete(target, "its " + SUMS_FILE + " cannot be read (" + e.getMessage() + ")");
        }
        SortedMap<String, String> sums = new TreeMap<>();
        for (String line : lines) {
            Matcher m = SUMS_LINE.matcher(line);
            if (!m.matches() || !SAFE_NAME.matcher(m.group(2)).matches() || m.group(2).equals(SUMS_FILE)
                    || sums.put(m.group(2), m.group(1)) != null) {
                throw incomplete(target, SUMS_FILE + " has a malformed line '" + line + "'");
            }
        }
        return sums;
    }

    private static ReleaseException incomplete(Path target, String why) {
        return new ReleaseException(ReleaseException.Code.RELEASE_BUNDLE_INCOMPLETE,
                target + " exists but is not an intact release bundle: " + why + ". It was left untouched.");
    }

    private static <T extends Comparable<T>> SortedSet<T> union(Set<T> a, Set<T> b) {
        SortedSet<T> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Refuses a release whose project does not set {@code project.build.outputTimestamp} (maven-jar-plugin would
     * stamp the wall clock into the application jar: PCR2 would differ on every build) or whose PCR manifest was
     * built with another timestamp.
     *
     * @param projectOutputTimestamp the project's {@code project.build.outputTimestamp} (null when unset)
     */
    public static void requireOutputTimestamp(String projectOutputTimestamp, PcrManifest manifest) {
        if (projectOutputTimestamp == null || projectOutputTimestamp.trim().length() <= 1) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_NO_TIMESTAMP, "project.build.outputTimestamp is "
                    + "not set, so the application jar carries the build machine's clock and nobody can rebuild the "
                    + "same PCR2.");
        }
        Instant project;
        try {
            project = OutputTimestamp.parse(projectOutputTimestamp);
        } catch (BuildException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_NO_TIMESTAMP, "project.build.outputTimestamp '"
                    + projectOutputTimestamp.trim() + "' is neither ISO-8601 with an offset nor epoch seconds.", e);
        }
        checkTimestamp(manifest.outputTimestamp());
        if (!project.equals(Instant.parse(manifest.outputTimestamp()))) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_TIMESTAMP_MISMATCH, "the PCR manifest was built "
                    + "with output timestamp " + manifest.outputTimestamp() + " but project.build.outputTimestamp is "
                    + projectOutputTimestamp.trim() + " (" + project + ").");
        }
    }

    private static void put(Path dir, String name, byte[] content, FileTime time) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, content);
        Files.setLastModifiedTime(f, time);
    }

    private static void checkEif(Path eif, PcrManifest manifest) {
        String sha;
        try {
            sha = Sha256Sums.of(eif);
        } catch (NoSuchFileException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_EIF_NOT_FOUND, "no EIF at " + eif + ".");
        } catch (IOException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_IO, "cannot read " + eif + ": " + e, e);
        }
        if (!sha.equals(manifest.eif().sha256())) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_EIF_MISMATCH,
                    eif + " has SHA-256 " + sha + " but the PCR manifest describes " + manifest.eif().sha256() + ".");
        }
    }

    private static String checkName(String name, String what) {
        if (name == null || !SAFE_NAME.matcher(name).matches()) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_BAD_NAME,
                    what + " '" + name + "' cannot name a file in the bundle.");
        }
        return name;
    }

    static void checkTimestamp(String outputTimestamp) {
        try {
            Instant.parse(outputTimestamp == null ? "" : outputTimestamp);
        } catch (DateTimeParseException e) {
            throw new ReleaseException(ReleaseException.Code.RELEASE_NO_TIMESTAMP,
                    "the PCR manifest's outputTimestamp is '" + outputTimestamp + "', not an ISO-8601 instant.");
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

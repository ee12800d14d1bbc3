package dev.attested.build;

import dev.attested.eif.EifArchitecture;
import dev.attested.io.FileDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The nitro-cli boot blobs of one architecture (EIF.md §10.1): kernel ({@code bzImage} or {@code Image}), its
 * config ({@code <kernel>.config}), {@code cmdline}, {@code init} and {@code nsm.ko}.
 *
 * @param directory    where they are
 * @param arch         decided by which kernel file is present
 * @param kernel       kernel image
 * @param kernelConfig kernel config (read only for the EIF metadata)
 * @param cmdline      kernel command line file
 * @param init         the enclave's init
 * @param nsmKo        the NSM driver
 */
public record BootBlobs(Path directory, EifArchitecture arch, Path kernel, Path kernelConfig, Path cmdline, Path init,
        Path nsmKo) {

    /** Environment variable nitro-cli reads. */
    public static final String ENV = "NITRO_CLI_BLOBS";
    /** Where the aws-nitro-enclaves-cli package installs them. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/usr/share/nitro_enclaves/blobs");
    /** Largest blob zip accepted (uncompressed total). */
    static final long MAX_ZIP_BYTES = 1024L * 1024 * 1024;

    /** Where the blobs come from and why (for the log). */
    public record Location(Path directory, String source) {}

    /**
     * Chooses the blobs directory: the configured value, else {@code $NITRO_CLI_BLOBS}, else
     * {@link #DEFAULT_DIRECTORY}.
     */
    public static Location locate(String configured, Map<String, String> environment) {
        if (configured != null && !configured.isBlank()) {
            return new Location(Path.of(configured.trim()), "attestation.blobs");
        }
        String env = environment.get(ENV);
        if (env != null && !env.isBlank()) {
            return new Location(Path.of(env.trim()), ENV);
        }
        return new Location(DEFAULT_DIRECTORY, "default location");
    }

    /** Loads the blobs of a directory, the architecture given by the kernel file present. */
    public static BootBlobs load(Path dir) {
        return load(dir, Optional.empty());
    }

    /**
     * Loads the blobs of a directory.
     *
     * @param arch required when the directory holds both {@code bzImage} and {@code Image}
     * @throws BuildException {@code BLOBS_NOT_FOUND}, {@code BLOBS_INCOMPLETE} (naming every missing file) or
     *                        {@code BLOBS_INVALID}
     */
    public static BootBlobs load(Path dir, Optional<EifArchitecture> arch) {
        if (!Files.isDirectory(dir)) {
            throw new BuildException(BuildException.Code.BLOBS_NOT_FOUND, "no boot blobs directory at " + dir
                    + ". Install aws-nitro-enclaves-cli, set -Dattestation.blobs=<dir or groupId:artifactId:version> "
                    + "or NITRO_CLI_BLOBS.");
        }
        EifArchitecture a;
        if (arch.isPresent()) {
            a = arch.get();
        } else {
            boolean x86 = Files.isRegularFile(dir.resolve(EifArchitecture.X86_64.kernelName()));
            boolean arm = Files.isRegularFile(dir.resolve(EifArchitecture.AARCH64.kernelName()));
            if (x86 && arm) {
                throw new BuildException(BuildException.Code.BLOBS_INVALID, dir + " holds both bzImage and Image; "
                        + "set -Dattestation.arch=x86_64 or aarch64.");
            }
            a = arm ? EifArchitecture.AARCH64 : EifArchitecture.X86_64;
        }
        List<String> required = List.of(a.kernelName(), a.kernelName() + ".config", "cmdline", "init", "nsm.ko");
        List<String> missing = new ArrayList<>();
        for (String name : required) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new BuildException(BuildException.Code.BLOBS_INCOMPLETE, "the boot blobs in " + dir + " lack "
                    + String.join(", ", missing) + " (a " + a.id() + " set needs " + String.join(", ", required)
                    + "). Copy them from /usr/share/nitro_enclaves/blobs of an aws-nitro-enclaves-cli install.");
        }
        BootBlobs blobs = new BootBlobs(dir, a, dir.resolve(a.kernelName()), dir.resolve(a.kernelName() + ".config"),
                dir.resolve("cmdline"), dir.resolve("init"), dir.resolve("nsm.ko"));
        blobs.cmdlineText(); // validate early
        return blobs;
    }

    /** The command line as nitro-cli puts it in the EIF: the file with surrounding whitespace trimmed. */
    public String cmdlineText() {
        String s;
        try {
            s = Files.readString(cmdline, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.BLOBS_INVALID, "cannot read " + cmdline + ": " + e, e);
        }
        if (s.indexOf('\0') >= 0) {
            throw new BuildException(BuildException.Code.BLOBS_INVALID, cmdline + " contains a NUL character");
        }
        return s;
    }

    /**
     * {@code OperatingSystem} and {@code KernelVersion} for the EIF metadata, as nitro-cli derives them: line 3
     * of the kernel config split on space, {@code /} and {@code -}, tokens 1 and 3 ({@code Unknown} if absent).
     */
    public List<String> kernelOsAndVersion() {
        return kernelOsAndVersion(kernelConfig);
    }

    /** {@link #kernelOsAndVersion()} of any kernel config file. */
    public static List<String> kernelOsAndVersion(Path kernelConfig) {
        List<String> lines;
        try {
            lines = Files.readAllLines(kernelConfig, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.BLOBS_INVALID, "cannot read " + kernelConfig + ": " + e, e);
        }
        String[] tokens = lines.size() > 2 ? lines.get(2).split("[ /-]") : new String[0];
        return List.of(tokens.length > 1 ? tokens[1] : "Unknown", tokens.length > 3 ? tokens[3] : "Unknown");
    }

    /** SHA-256 of every blob, by file name (the manifest's {@code blobs}). */
    public SortedMap<String, String> sha256() {
        SortedMap<String, String> out = new TreeMap<>();
        for (Path p : List.of(kernel, kernelConfig, cmdline, init, nsmKo)) {
            out.put(p.getFileName().toString(), sha256(p));
        }
        return out;
    }

    /** Hex SHA-256 of a file, streamed through a 1 MiB buffer. */
    public static String sha256(Path file) {
        try {
            return FileDigest.sha256(file);
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, "cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Writes the blobs as a deterministic zip (sorted flat names, fixed times, no extra fields) to
     * {@code out}: the artifact {@code package-blobs} publishes.
     */
    public void writeZip(OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setLevel(9);
        List<Path> files = new ArrayList<>(List.of(kernel, kernelConfig, cmdline, init, nsmKo));
        files.sort((x, y) -> x.getFileName().toString().compareTo(y.getFileName().toString()));
        for (Path p : files) {
            ZipEntry e = new ZipEntry(p.getFileName().toString());
            e.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0)); // DOS epoch, no time zone involved
            zip.putNextEntry(e);
            Files.copy(p, zip);
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /**
     * Unpacks a blob zip (as written by {@link #writeZip}) into {@code dir} and loads it. Only flat file names
     * are accepted; the total size is capped.
     */
    public static BootBlobs unzip(Path zipFile, Path dir, Optional<EifArchitecture> arch) {
        try {
            Files.createDirectories(dir);
            long total = 0;
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(zipFile))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    String name = e.getName();
                    if (e.isDirectory() || name.isEmpty() || name.contains("/") || name.contains("\\")
                            || name.startsWith(".") || name.indexOf('\0') >= 0) {
                        throw new BuildException(BuildException.Code.BLOBS_INVALID, zipFile + ": entry '"
                                + name.replace('\0', '?')
                                + "' is not a plain blob file name; a blobs zip holds only bzImage/Image, its .config, "
                                + "cmdline, init and nsm.ko at the top level");
                    }
                    Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
                    try (OutputStream o = Files.newOutputStream(tmp)) {
                        byte[] buf = new byte[64 * 1024];
                        int n;
                        while ((n = zip.read(buf)) > 0) {
                            total += n;
                            if (total > MAX_ZIP_BYTES) {
                                throw new BuildException(BuildException.Code.BLOBS_INVALID,
                                        zipFile + " unpacks to more than " + MAX_ZIP_BYTES + " bytes");
                            }
                            o.write(buf, 0, n);
                        }
                    } catch (IOException | RuntimeException ex) {
                        Files.deleteIfExists(tmp);
                        throw ex;
                    }
                    Files.move(tmp, dir.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | IllegalArgumentException e) { // ZipInputStream refuses undecodable names with the latter
            throw new BuildException(BuildException.Code.BLOBS_INVALID, "cannot unpack blobs zip " + zipFile + ": " + e, e);
        }
        return load(dir, arch);
    }
}

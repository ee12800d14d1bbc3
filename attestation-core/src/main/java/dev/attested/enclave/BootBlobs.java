package dev.attested.enclave;

import dev.attested.eif.EifArchitecture;
import dev.attested.internal.io.AtomicFiles;
import dev.attested.internal.io.FileDigest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * The nitro-cli boot blobs of one architecture (docs/spec/eif-format.md §9.1): kernel ({@code bzImage} or
 * {@code Image}), its config ({@code <kernel>.config}), {@code cmdline}, {@code init} and {@code nsm.ko}.
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
    /** Most entries a blob zip may have. */
    static final int MAX_ZIP_ENTRIES = 16;
    /** Most bytes read to parse a blob zip's directory (end record, central directory, local headers). */
    static final int MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024;
    /** The file names a blob zip may hold. */
    private static final Set<String> BLOB_NAMES = Set.of("bzImage", "bzImage.config", "Image", "Image.config",
            "cmdline", "init", "nsm.ko");

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
            throw new BuildException(BuildException.Code.BLOBS_NOT_FOUND, "no boot blobs directory at " + dir + ".");
        }
        EifArchitecture a;
        if (arch.isPresent()) {
            a = arch.get();
        } else {
            boolean x86 = Files.isRegularFile(dir.resolve(EifArchitecture.X86_64.kernelName()));
            boolean arm = Files.isRegularFile(dir.resolve(EifArchitecture.AARCH64.kernelName()));
            if (x86 && arm) {
                throw new BuildException(BuildException.Code.BLOBS_INVALID, dir + " holds both bzImage and Image; "
                        + "set {arch}=x86_64 or aarch64.");
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
     * Writes the deterministic blobs zip ({@link #writeZip(OutputStream)}) to {@code zip}: it appears under that name
     * only when complete.
     */
    public void writeZip(Path zip) throws IOException {
        dev.attested.internal.io.AtomicFiles.write(zip, this::writeZip);
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
     * Unpacks a blob zip (as written by {@link #writeZip}) into {@code dir} and loads it. {@code dir} ends up holding
     * exactly the zip's files: they are unpacked into a fresh sibling directory, which then replaces {@code dir} and
     * whatever it held before (files of an earlier zip can never fill in what this one lacks). A zip that cannot be
     * unpacked leaves {@code dir} as it was and no partial directory behind.
     *
     * <p>The zip is bounded: its central directory is read within {@value #MAX_ZIP_DIRECTORY_BYTES} bytes, it may
     * hold at most {@value #MAX_ZIP_ENTRIES} entries, each a regular file named like a blob ({@code bzImage},
     * {@code Image}, their {@code .config}, {@code cmdline}, {@code init}, {@code nsm.ko}) and present once, together
     * at most {@value #MAX_ZIP_BYTES} bytes unpacked (counted as they inflate).
     *
     * @throws BuildException {@code BLOBS_NOT_FOUND} if the zip does not exist, {@code BLOBS_INVALID} if it is not
     *                        a zip or breaks a bound, and what {@link #load(Path, Optional)} throws for the set
     */
    public static BootBlobs unzip(Path zipFile, Path dir, Optional<EifArchitecture> arch) {
        return unzip(zipFile, dir, arch, MAX_ZIP_BYTES);
    }

    /** {@link #unzip(Path, Path, Optional)} with another bound on the unpacked size. */
    static BootBlobs unzip(Path zipFile, Path dir, Optional<EifArchitecture> arch, long maxBytes) {
        if (!Files.isRegularFile(zipFile)) {
            throw new BuildException(BuildException.Code.BLOBS_NOT_FOUND, "the blobs zip " + zipFile + " does not exist");
        }
        Path target = dir.toAbsolutePath().normalize();
        Path fresh = null;
        try {
            Files.createDirectories(target.getParent());
            fresh = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-");
            unpack(zipFile, fresh, maxBytes);
            replaceDirectory(fresh, target);
            fresh = null;
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.BLOBS_INVALID, "cannot unpack blobs zip " + zipFile + ": " + e
                    + ". Repack the blobs with package-blobs.", e);
        } finally {
            if (fresh != null) {
                AtomicFiles.deleteTreeQuietly(fresh);
            }
        }
        return load(dir, arch);
    }

    private static void unpack(Path zipFile, Path into, long maxBytes) throws IOException {
        try (ReadBudgetChannel channel = new ReadBudgetChannel(Files.newByteChannel(zipFile), MAX_ZIP_DIRECTORY_BYTES);
                ZipFile zip = openZip(zipFile, channel)) {
            channel.lift(); // the directory is read; contents are bounded by what they inflate to
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            if (entries.size() > MAX_ZIP_ENTRIES) {
                throw invalidZip(zipFile, "it holds " + entries.size() + " entries, more than " + MAX_ZIP_ENTRIES);
            }
            Set<String> seen = new HashSet<>();
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            for (ZipArchiveEntry e : entries) {
                String name = e.getName();
                if (e.isDirectory() || e.isUnixSymlink() || !BLOB_NAMES.contains(name)) {
                    throw invalidZip(zipFile, "entry '" + name + "' is not a plain blob file; a blobs zip holds only "
                            + "bzImage/Image, its .config, cmdline, init and nsm.ko as regular files at the top level");
                }
                if (!seen.add(name)) {
                    throw invalidZip(zipFile, "entry '" + name + "' appears twice");
                }
                // Only what writeZip writes: other methods (zstd, xz, bzip2, ...) would reach optional codecs that
                // are not on the class path, or code this reader has no reason to run on untrusted bytes.
                if (e.getMethod() != ZipArchiveEntry.STORED && e.getMethod() != ZipArchiveEntry.DEFLATED) {
                    throw invalidZip(zipFile, "entry '" + name + "' uses compression method " + e.getMethod()
                            + "; a blobs zip stores or deflates its files");
                }
                try (InputStream in = zip.getInputStream(e);
                        OutputStream out = Files.newOutputStream(into.resolve(name), StandardOpenOption.CREATE_NEW)) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        total += n;
                        if (total > maxBytes) {
                            throw invalidZip(zipFile, "it unpacks to more than " + maxBytes + " bytes");
                        }
                        out.write(buf, 0, n);
                    }
                }
            }
        }
    }

    private static ZipFile openZip(Path zipFile, ReadBudgetChannel channel) throws IOException {
        try {
            return ZipFile.builder().setSeekableByteChannel(channel).get();
        } catch (IOException e) {
            if (channel.exceeded()) {
                throw invalidZip(zipFile, "its central directory takes more than " + MAX_ZIP_DIRECTORY_BYTES
                        + " bytes; a blobs zip lists five files");
            }
            throw e;
        }
    }

    private static BuildException invalidZip(Path zipFile, String detail) {
        return new BuildException(BuildException.Code.BLOBS_INVALID, "blobs zip " + zipFile + " is refused: " + detail
                + ". Repack the blobs with package-blobs.");
    }

    /** Moves {@code fresh} to {@code target}; an existing {@code target} is moved aside first, then deleted. */
    private static void replaceDirectory(Path fresh, Path target) throws IOException {
        Path aside = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            aside = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + "-old-");
            move(target, aside.resolve("old"));
        }
        move(fresh, target);
        if (aside != null) {
            AtomicFiles.deleteTreeQuietly(aside);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    /**
     * A channel that allows {@code budget} bytes of reads until {@link #lift()} is called: a zip's central
     * directory is parsed into memory entry by entry, so its size must be bounded before it is read.
     */
    private static final class ReadBudgetChannel implements SeekableByteChannel {
        private final SeekableByteChannel channel;
        private long budget;
        private boolean exceeded;

        ReadBudgetChannel(SeekableByteChannel channel, long budget) {
            this.channel = channel;
            this.budget = budget;
        }

        void lift() {
            budget = Long.MAX_VALUE;
        }

        boolean exceeded() {
            return exceeded;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (budget <= 0) {
                exceeded = true;
                throw new IOException("read budget of the zip's central directory exhausted");
            }
            ByteBuffer limited = dst.remaining() > budget ? dst.slice().limit((int) budget) : dst;
            int n = channel.read(limited);
            if (limited != dst && n > 0) {
                dst.position(dst.position() + n);
            }
            if (n > 0 && budget != Long.MAX_VALUE) {
                budget -= n;
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            channel.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new java.nio.channels.NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}

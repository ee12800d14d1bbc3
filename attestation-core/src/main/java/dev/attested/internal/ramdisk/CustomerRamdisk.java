package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import dev.attested.enclave.ImageConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import java.util.Set;

/**
 * nitro-cli's customer ramdisk (EIF ramdisk 1, measured into PCR2), built from an image tarball the way linuxkit
 * builds it from {@code docker export} with the AWS {@code prefix: rootfs/} patch (docs/spec/eif-format.md §9.3–§9.5):
 * <ol>
 * <li>{@code rootfs} (directory 0755);</li>
 * <li>the image filesystem under {@code rootfs/}, with linuxkit's fixups: {@code .dockerenv}, {@code Dockerfile},
 *     {@code dev/console}, {@code dev/pts}, {@code dev/shm}, {@code etc/hostname} dropped (exact names, so the
 *     {@code dev/pts/} directory survives); {@code etc/hosts} replaced by a fixed localhost file;
 *     {@code etc/resolv.conf} replaced by a symlink to {@code /run/resolvconf/resolv.conf}; the times of
 *     {@code dev/ dev/pts/ dev/shm/ etc/ etc/mtab proc/ sys/} reset; hard links turned into relative symlinks;</li>
 * <li>{@code rootfs}, {@code rootfs/dev}, {@code rootfs/run}, {@code rootfs/sys}, {@code rootfs/var},
 *     {@code rootfs/proc}, {@code rootfs/tmp} (directories 0755), {@code cmd} and {@code env} (0644) from the
 *     image config;</li>
 * <li>the trailer.</li>
 * </ol>
 * All entries linuxkit creates itself are root-owned with its default mtime
 * ({@link CpioHeader#LINUXKIT_DEFAULT_MTIME}); everything else keeps the layers' owners, modes and times.
 */
public final class CustomerRamdisk {
    static final String PREFIX = "rootfs/";
    static final String RESOLV_CONF_TARGET = "/run/resolvconf/resolv.conf";
    static final String HOSTS = "127.0.0.1       localhost\n"
            + "::1     localhost ip6-localhost ip6-loopback\n"
            + "fe00::0 ip6-localnet\n"
            + "ff00::0 ip6-mcastprefix\n"
            + "ff02::1 ip6-allnodes\n"
            + "ff02::2 ip6-allrouters\n";
    private static final Set<String> EXCLUDE = Set.of(".dockerenv", "Dockerfile", "dev/console", "dev/pts",
            "dev/shm", "etc/hostname");
    private static final Set<String> TOUCH = Set.of("dev/", "dev/pts/", "dev/shm/", "etc/", "etc/mtab", "proc/",
            "sys/");
    private static final List<String> FILES_DIRS = List.of("rootfs", "rootfs/dev", "rootfs/run", "rootfs/sys",
            "rootfs/var", "rootfs/proc", "rootfs/tmp");

    private CustomerRamdisk() {}

    /**
     * Writes the customer ramdisk of an image tarball.
     *
     * @param workDir where the layer contents are spooled while the ramdisk is written (removed afterwards)
     */
    public static ImageConfig write(Path imageTarball, Path workDir, OutputStream out) throws IOException {
        try (Flattened ramdisk = flatten(imageTarball, workDir, ImageLimits.defaults())) {
            ramdisk.writeTo(out);
            return ramdisk.config();
        }
    }

    /**
     * Flattens an image tarball into the customer ramdisk, ready to be streamed: its length and CRC-32 are known
     * before a byte of it is written (what an EIF header needs first), so it can go straight into the EIF.
     *
     * @param workDir where the layer contents are spooled until the {@link Flattened} is closed
     */
    public static Flattened flatten(Path imageTarball, Path workDir) throws IOException {
        return flatten(imageTarball, workDir, ImageLimits.defaults());
    }

    /**
     * {@link #flatten(Path, Path)} within the given limits.
     *
     * @throws RamdiskException {@code IMAGE_LIMIT} as soon as the image passes one of {@code limits}
     */
    public static Flattened flatten(Path imageTarball, Path workDir, ImageLimits limits) throws IOException {
        try (ImageArchive image = ImageArchive.open(imageTarball)) {
            ImageConfig config = image.config();
            byte[] cmd = config.cmdFile(); // fails early when the image has nothing to run
            RootfsFlattener rootfs = RootfsFlattener.of(image, workDir, limits);
            try {
                return new Flattened(rootfs, cmd, config.envFile(), config);
            } catch (IOException | RuntimeException e) {
                rootfs.close();
                throw e;
            }
        }
    }

    /** Writes the customer ramdisk of a flattened filesystem with the given {@code cmd} and {@code env} files. */
    public static void write(RootfsFlattener rootfs, byte[] cmd, byte[] env, OutputStream out) throws IOException {
        write(rootfs, cmd, env, new CpioWriter(out));
    }

    private static void write(RootfsFlattener rootfs, byte[] cmd, byte[] env, CpioWriter cpio) throws IOException {
        cpio.write(CpioHeader.directory("rootfs", 0755));
        rootfs.export((entry, content) -> writeImageEntry(cpio, entry, content));
        for (String dir : FILES_DIRS) {
            cpio.write(CpioHeader.directory(dir, 0755));
        }
        cpio.writeFile(CpioHeader.file("cmd", 0644, cmd.length), cmd);
        cpio.writeFile(CpioHeader.file("env", 0644, env.length), env);
        cpio.finish();
    }

    /**
     * A customer ramdisk whose image has been flattened (file contents spooled under the work directory until
     * {@link #close()}); {@link #writeTo} streams it, as often as wanted, always with the same bytes.
     */
    public static final class Flattened implements java.io.Closeable {
        private final RootfsFlattener rootfs;
        private final byte[] cmd;
        private final byte[] env;
        private final ImageConfig config;
        private final long size;
        private final long crc32;

        private Flattened(RootfsFlattener rootfs, byte[] cmd, byte[] env, ImageConfig config) throws IOException {
            this.rootfs = rootfs;
            this.cmd = cmd;
            this.env = env;
            this.config = config;
            CpioWriter measuring = CpioWriter.measuring();
            CustomerRamdisk.write(rootfs, cmd, env, measuring);
            this.size = measuring.position();
            this.crc32 = measuring.crc32();
        }

        /** The image config ({@code Cmd}, {@code Env}, architecture, …). */
        public ImageConfig config() {
            return config;
        }

        /** Length of the ramdisk in bytes. */
        public long size() {
            return size;
        }

        /** CRC-32 (zlib) of the ramdisk. */
        public long crc32() {
            return crc32;
        }

        /** Writes the ramdisk ({@link #size()} bytes) to {@code out}, which stays open. */
        public void writeTo(OutputStream out) throws IOException {
            CustomerRamdisk.write(rootfs, cmd, env, new CpioWriter(out));
        }

        /** Removes the spooled contents. */
        @Override
        public void close() throws IOException {
            rootfs.close();
        }
    }

    private static void writeImageEntry(CpioWriter cpio, ExportEntry e, InputStream content) throws IOException {
        String name = e.name();
        if (EXCLUDE.contains(name)) {
            return;
        }
        long mtime = e.mtime();
        long def = CpioHeader.LINUXKIT_DEFAULT_MTIME;
        if (name.equals("etc/hosts")) {
            byte[] hosts = HOSTS.getBytes(StandardCharsets.US_ASCII);
            cpio.writeFile(new CpioHeader(PREFIX + name, e.type(), e.perm(), e.uid(), e.gid(), def, hosts.length, 0, 0),
                    hosts);
            return;
        }
        if (name.equals("etc/resolv.conf")) {
            cpio.writeSymlink(PREFIX + name, RESOLV_CONF_TARGET, e.perm(), e.uid(), e.gid(), def);
            return;
        }
        if (TOUCH.contains(name)) {
            mtime = def;
        }
        if (e.isHardLink()) {
            String target = relative(parent(PREFIX + name), PREFIX + e.hardLinkTo());
            cpio.writeSymlink(PREFIX + name, target, e.perm(), e.uid(), e.gid(), mtime);
            return;
        }
        if (e.type() == CpioEntryType.SYMLINK) {
            cpio.writeSymlink(PREFIX + name, e.linkName(), e.perm(), e.uid(), e.gid(), mtime);
            return;
        }
        cpio.write(new CpioHeader(PREFIX + name, e.type(), e.perm(), e.uid(), e.gid(), mtime, e.size(), e.rdevMajor(),
                e.rdevMinor()), e.size() == 0 ? InputStream.nullInputStream() : content, e.crc32());
    }

    /** Go's {@code filepath.Dir} for the relative, slash-separated names used here. */
    static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "." : name.substring(0, slash);
    }

    /** Go's {@code filepath.Rel(base, target)} for clean relative paths. */
    static String relative(String base, String target) {
        List<String> b = base.equals(".") ? List.of() : List.of(base.split("/"));
        List<String> t = List.of(target.split("/"));
        int common = 0;
        while (common < b.size() && common < t.size() && b.get(common).equals(t.get(common))) {
            common++;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = common; i < b.size(); i++) {
            sb.append(sb.length() == 0 ? "" : "/").append("..");
        }
        for (int i = common; i < t.size(); i++) {
            sb.append(sb.length() == 0 ? "" : "/").append(t.get(i));
        }
        return sb.length() == 0 ? "." : sb.toString();
    }

}

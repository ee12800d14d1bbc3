package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies image layers in order — whiteouts ({@code .wh.name}) delete, opaque markers ({@code .wh..wh..opq}) hide
 * everything a directory held in lower layers, later entries replace earlier ones, hard links share one file —
 * and then lists the result the way {@code docker create} + {@code docker export} would
 * (docs/spec/eif-format.md §9.5.3): the container's init layer on top ({@code dev/pts}, {@code proc},
 * {@code etc/hosts}, …), a depth-first walk with children in byte order, directories named with a trailing {@code /},
 * repeated files as hard links.
 *
 * <p>File contents are spooled to one temporary file ({@link Spool}, deleted on {@link #close()}), each with its
 * CRC-32, so that the length and CRC of a ramdisk made from the tree are known before it is written; memory holds
 * only the tree, a small fixed record per path plus its name.
 *
 * <p>All work is bounded by {@link ImageLimits}, checked as the layers stream: uncompressed bytes as they are read
 * (a file whose declared size does not fit fails before it is spooled), entries as they are read, metadata per
 * entry, path, name and link lengths, and the bytes of names and link targets kept in memory. Nothing recurses:
 * the walks over the tree use explicit stacks, so deep paths cannot exhaust the thread's stack.
 */
public final class RootfsFlattener implements Closeable {
    /** Longest path accepted from a layer. */
    static final int MAX_PATH_BYTES = ImageLimits.MAX_PATH_BYTES;
    /** Bytes of names and link targets kept in memory, per entry the limits allow. */
    static final long TEXT_BYTES_PER_ENTRY = 128;
    private static final byte[] WHITEOUT = ".wh.".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] OPAQUE = ".wh..wh..opq".getBytes(StandardCharsets.US_ASCII);
    private static final String RAISE_BYTES = "raise {maxImageBytes} only if the image "
            + "is trusted and really this large";
    private static final String RAISE_ENTRIES = "raise {maxImageEntries} only if the "
            + "image is trusted and really this large";

    private final ImageLimits limits;
    private final Node root = Node.directory(0755, 0, 0, 0, 0);
    private final Spool spool;
    private int layer;
    private int linkGroups;
    /** Uncompressed layer bytes read, all layers together. */
    private long bytesRead;
    /** Entries read plus directories created for them, all layers together. */
    private long entries;
    /** Bytes of names and symlink targets stored in the tree. */
    private long textBytes;

    /** @param workDir directory for the temporary content spool; {@link ImageLimits#defaults()} apply */
    public RootfsFlattener(Path workDir) throws IOException {
        this(workDir, ImageLimits.defaults());
    }

    /**
     * @param workDir directory for the temporary content spool
     * @param limits  how much the layers may hold
     */
    public RootfsFlattener(Path workDir, ImageLimits limits) throws IOException {
        this.limits = java.util.Objects.requireNonNull(limits);
        this.spool = new Spool(workDir);
    }

    /** Flattens every layer of {@code image} within the {@linkplain ImageLimits#defaults() default limits}. */
    public static RootfsFlattener of(ImageArchive image, Path workDir) throws IOException {
        return of(image, workDir, ImageLimits.defaults());
    }

    /** Flattens every layer of {@code image} and adds Docker's container init layer. */
    public static RootfsFlattener of(ImageArchive image, Path workDir, ImageLimits limits) throws IOException {
        RootfsFlattener f = new RootfsFlattener(workDir, limits);
        try {
            for (int i = 0; i < image.layerCount(); i++) {
                try (InputStream in = image.openLayer(i)) {
                    f.applyLayer(in, image.layerName(i));
                }
            }
            f.applyDockerInitLayer(image.config().workingDir());
            return f;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Uncompressed layer bytes read so far, all layers together (what {@link ImageLimits#maxBytes()} bounds). */
    public long bytesRead() {
        return bytesRead;
    }

    /** Entries read so far plus the directories they implied (what {@link ImageLimits#maxEntries()} bounds). */
    public long entriesRead() {
        return entries;
    }

    /** Applies one uncompressed layer tar on top of what is there. */
    public void applyLayer(InputStream layerTar, String layerName) throws IOException {
        layer++;
        if (layer > ImageLimits.MAX_LAYERS) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, layerName + ": the image has more than "
                    + ImageLimits.MAX_LAYERS + " layers; squash the image");
        }
        Meter in = new Meter(layerTar, layerName);
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8"); // never the platform charset
        TarArchiveEntry e;
        String previous = null;
        while ((e = nextEntry(tar, in, layerName, previous)) != null) {
            previous = e.getName();
            count(layerName, e.getName());
            if (e.getExtraPaxHeaders().size() > ImageLimits.MAX_PAX_RECORDS) {
                throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, layerName + ": entry " + e.getName()
                        + " carries " + e.getExtraPaxHeaders().size() + " PAX records; at most "
                        + ImageLimits.MAX_PAX_RECORDS + " are accepted per entry");
            }
            byte[][] path = split(e.getName(), layerName);
            if (path.length == 0) {
                continue; // the layer's root "./"
            }
            byte[] base = path[path.length - 1];
            byte[][] parentPath = Arrays.copyOf(path, path.length - 1);
            if (Arrays.equals(base, OPAQUE)) {
                pruneLower(mkdirs(parentPath, layerName));
                continue;
            }
            if (startsWith(base, WHITEOUT)) {
                Node parent = lookup(parentPath);
                if (parent != null && parent.children != null) {
                    parent.children.remove(Arrays.copyOfRange(base, WHITEOUT.length, base.length));
                }
                continue;
            }
            Node parent = mkdirs(parentPath, layerName);
            if (e.isLink()) {
                Node target = lookup(split(e.getLinkName(), layerName));
                if (target == null || target.type == CpioEntryType.DIRECTORY) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, layerName + ": hard link "
                            + e.getName() + " points to " + e.getLinkName() + ", which is not a file in the image");
                }
                put(parent, base, target.linkedCopy(this), layerName);
                continue;
            }
            Node node = nodeOf(e, layerName);
            if (node.type == CpioEntryType.DIRECTORY) {
                Node existing = parent.children == null ? null : parent.children.get(base);
                if (existing != null && existing.type == CpioEntryType.DIRECTORY) {
                    existing.takeAttributes(node); // merged: the upper layer's attributes, the union of contents
                } else {
                    put(parent, base, node, layerName);
                }
                continue;
            }
            if (node.type == CpioEntryType.REGULAR && node.size > 0) {
                if (node.size > limits.maxBytes() - bytesRead) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, layerName + ": file " + e.getName()
                            + " declares " + node.size + " bytes, more than the " + (limits.maxBytes() - bytesRead)
                            + " left of maxImageBytes=" + limits.maxBytes() + " (" + bytesRead
                            + " bytes of layers read so far); nothing of it was spooled. " + capitalize(RAISE_BYTES));
                }
                node.spoolOffset = spool.position();
                try {
                    node.crc32 = (int) spool.append(tar, node.size);
                } catch (Spool.UnreadableInput bad) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, layerName + ": the data of "
                            + e.getName() + " cannot be read (" + bad.getMessage() + "); the layer is truncated or "
                            + "corrupt, save the image again", bad);
                }
            }
            put(parent, base, node, layerName);
        }
    }

    /**
     * The next entry: the data the current one left unread is read (and counted) first, then the headers of the
     * next are read under {@link ImageLimits#MAX_HEADER_BYTES}, so that a huge GNU long name or PAX record is never
     * gathered into memory.
     */
    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, Meter in, String layerName, String previous) {
        try {
            if (tar.getCurrentEntry() != null && tar.available() > 0) { // rare: data of a whiteout, link, device
                tar.transferTo(OutputStream.nullOutputStream()); // counted on its way
            }
            in.headerStart = in.position();
            try {
                return tar.getNextEntry();
            } finally {
                in.headerStart = -1;
            }
        } catch (IOException | IllegalArgumentException bad) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, layerName + ": cannot read the entry "
                    + (previous == null ? "at the start" : "after " + previous) + " (" + bad.getMessage()
                    + "); the layer is truncated or corrupt, save the image again", bad);
        }
    }

    /**
     * What {@code docker create} adds in the container's init layer (moby {@code daemon/initlayer}): directories
     * {@code dev/pts}, {@code dev/shm}, {@code proc}, {@code sys} (with {@code dev}, {@code etc} as its own
     * directories), empty root-owned 0755 files {@code .dockerenv}, {@code etc/resolv.conf}, {@code etc/hosts},
     * {@code etc/hostname}, {@code dev/console}, the symlink {@code etc/mtab → /proc/mounts}, and a missing
     * working directory. Their times do not matter: linuxkit drops or re-times all of them.
     */
    public void applyDockerInitLayer(String workingDir) {
        layer++;
        String source = "init layer";
        for (String dir : List.of("dev", "etc")) {
            byte[] key = dir.getBytes(StandardCharsets.UTF_8);
            Node existing = root.children == null ? null : root.children.get(key);
            Node attrs = Node.directory(0755, 0, 0, 0, layer);
            if (existing != null && existing.type == CpioEntryType.DIRECTORY) {
                existing.takeAttributes(attrs);
            } else {
                put(root, key, attrs, source);
            }
        }
        for (String dir : List.of("dev/pts", "dev/shm", "proc", "sys")) {
            replace(dir, Node.directory(0755, 0, 0, 0, layer));
        }
        for (String file : List.of(".dockerenv", "etc/resolv.conf", "etc/hosts", "etc/hostname", "dev/console")) {
            replace(file, new Node(CpioEntryType.REGULAR, 0755, 0, 0, 0, layer));
        }
        Node mtab = new Node(CpioEntryType.SYMLINK, 0777, 0, 0, 0, layer);
        mtab.linkName = "/proc/mounts";
        replace("etc/mtab", mtab);
        if (!workingDir.isEmpty()) {
            mkdirs(split(workingDir, "WorkingDir"), "WorkingDir");
        }
    }

    /** Receives the exported entries in order, with the content of regular files. */
    @FunctionalInterface
    public interface ExportConsumer {
        /** {@code content} holds exactly {@code entry.size()} bytes (empty for everything but regular files). */
        void accept(ExportEntry entry, InputStream content) throws IOException;
    }

    /** The filesystem as {@code docker export} lists it (without contents). */
    public List<ExportEntry> exportEntries() {
        List<ExportEntry> out = new ArrayList<>();
        try {
            walk((entry, node) -> out.add(entry));
        } catch (IOException e) {
            throw new IllegalStateException("collecting entries does no I/O", e);
        }
        return out;
    }

    /** Streams the filesystem as {@code docker export} lists it, contents read back from the spool. */
    public void export(ExportConsumer consumer) throws IOException {
        walk((entry, node) -> consumer.accept(entry, entry.size() == 0 ? InputStream.nullInputStream()
                : spool.read(node.spoolOffset, entry.size())));
    }

    @Override
    public void close() throws IOException {
        spool.close();
    }

    private interface Visitor {
        void visit(ExportEntry entry, Node node) throws IOException;
    }

    /** Depth first, children in byte order, with an explicit stack (paths may be 2048 directories deep). */
    private void walk(Visitor out) throws IOException {
        Map<Integer, String> firstPaths = new HashMap<>(); // hard-link group → the path emitted first
        ArrayDeque<Iterator<Map.Entry<byte[], Node>>> iterators = new ArrayDeque<>();
        ArrayDeque<String> prefixes = new ArrayDeque<>();
        if (root.children != null) {
            iterators.push(root.children.entrySet().iterator());
            prefixes.push("");
        }
        while (!iterators.isEmpty()) {
            Iterator<Map.Entry<byte[], Node>> it = iterators.peek();
            if (!it.hasNext()) {
                iterators.pop();
                prefixes.pop();
                continue;
            }
            Map.Entry<byte[], Node> c = it.next();
            Node n = c.getValue();
            String name = prefixes.peek() + new String(c.getKey(), StandardCharsets.UTF_8);
            if (n.type == CpioEntryType.DIRECTORY) {
                out.visit(new ExportEntry(name + "/", CpioEntryType.DIRECTORY, n.perm, n.uid(), n.gid(), n.mtime(), 0,
                        null, null, 0, 0, 0), n);
                if (n.children != null && !n.children.isEmpty()) {
                    iterators.push(n.children.entrySet().iterator());
                    prefixes.push(name + "/");
                }
                continue;
            }
            String first = n.linkGroup != 0 ? firstPaths.putIfAbsent(n.linkGroup, name) : null;
            if (first != null) {
                out.visit(new ExportEntry(name, CpioEntryType.REGULAR, n.perm, n.uid(), n.gid(), n.mtime(), 0, null,
                        first, 0, 0, 0), n);
            } else {
                boolean regular = n.type == CpioEntryType.REGULAR;
                boolean device = n.type == CpioEntryType.CHAR_DEVICE || n.type == CpioEntryType.BLOCK_DEVICE;
                out.visit(new ExportEntry(name, n.type, n.perm, n.uid(), n.gid(), n.mtime(), regular ? n.size : 0,
                        n.linkName, null, device ? n.size >>> 32 : 0, device ? n.size & 0xFFFF_FFFFL : 0,
                        regular ? Integer.toUnsignedLong(n.crc32) : 0), n);
            }
        }
    }

    private void replace(String path, Node node) {
        byte[][] parts = split(path, "init layer");
        Node parent = mkdirs(Arrays.copyOf(parts, parts.length - 1), "init layer");
        put(parent, parts[parts.length - 1], node, "init layer");
    }

    /**
     * Removes what lower layers placed under {@code dir}, keeping (and descending into) what this layer placed.
     * A directory pruned in this layer holds only this layer's paths from then on, so it is never walked twice:
     * however many opaque markers a layer has, it visits each path at most once.
     */
    private void pruneLower(Node dir) {
        ArrayDeque<Node> stack = new ArrayDeque<>();
        stack.push(dir);
        while (!stack.isEmpty()) {
            Node d = stack.pop();
            if (d.prunedIn == layer) {
                continue;
            }
            d.prunedIn = layer;
            if (d.children == null) {
                continue;
            }
            Iterator<Node> it = d.children.values().iterator();
            while (it.hasNext()) {
                Node child = it.next();
                if (child.layer < layer) {
                    it.remove();
                } else if (child.type == CpioEntryType.DIRECTORY) {
                    stack.push(child);
                }
            }
        }
    }

    private Node lookup(byte[][] path) {
        Node n = root;
        for (byte[] p : path) {
            if (n.children == null) {
                return null;
            }
            n = n.children.get(p);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    /** Finds or creates the directory; missing parents are root-owned 0755 with mtime 0 and count as entries. */
    private Node mkdirs(byte[][] path, String source) {
        Node n = root;
        for (byte[] p : path) {
            Node next = n.children == null ? null : n.children.get(p);
            if (next == null || next.type != CpioEntryType.DIRECTORY) {
                count(source, new String(p, StandardCharsets.UTF_8) + "/ (a parent directory without an entry)");
                next = Node.directory(0755, 0, 0, 0, layer);
                put(n, p, next, source);
            }
            n = next;
        }
        return n;
    }

    /** Places {@code node} under {@code key}, counting the bytes of a new name and of a symlink target. */
    private void put(Node parent, byte[] key, Node node, String source) {
        if (parent.children == null) {
            parent.children = new TreeMap<>(Arrays::compareUnsigned);
        }
        long text = node.linkName == null ? 0 : node.linkName.length();
        if (parent.children.put(key, node) == null) {
            text += key.length;
        }
        textBytes += text;
        long max = limits.maxEntries() > Long.MAX_VALUE / TEXT_BYTES_PER_ENTRY ? Long.MAX_VALUE
                : limits.maxEntries() * TEXT_BYTES_PER_ENTRY;
        if (textBytes > max) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, source + ": the names and link targets of "
                    + "the image take more than " + max + " bytes (" + TEXT_BYTES_PER_ENTRY
                    + " per entry of maxImageEntries=" + limits.maxEntries() + "); " + RAISE_ENTRIES);
        }
    }

    private void count(String source, String name) {
        entries++;
        if (entries > limits.maxEntries()) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, source + ": the image has more than "
                    + limits.maxEntries() + " entries (maxImageEntries; entry " + entries + " is " + name
                    + "); every tar entry of every layer counts — whiteouts, links, entries later layers replace — "
                    + "and so does each parent directory without an entry of its own. " + capitalize(RAISE_ENTRIES));
        }
    }

    private RamdiskException tooManyBytes(String layerName) {
        return new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, layerName + ": the image's layers unpack to "
                + "more than maxImageBytes=" + limits.maxBytes() + " bytes (reading stopped at " + bytesRead
                + " uncompressed bytes); " + RAISE_BYTES);
    }

    private Node nodeOf(TarArchiveEntry e, String layerName) {
        CpioEntryType type;
        if (e.isDirectory()) {
            type = CpioEntryType.DIRECTORY;
        } else if (e.isSymbolicLink()) {
            type = CpioEntryType.SYMLINK;
        } else if (e.isCharacterDevice()) {
            type = CpioEntryType.CHAR_DEVICE;
        } else if (e.isBlockDevice()) {
            type = CpioEntryType.BLOCK_DEVICE;
        } else if (e.isFIFO()) {
            type = CpioEntryType.FIFO;
        } else if (e.isFile()) {
            type = CpioEntryType.REGULAR;
        } else {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, layerName + ": entry " + e.getName()
                    + " has tar type '" + (char) e.getLinkFlag() + "', which a cpio ramdisk cannot hold");
        }
        if (e.isSparse()) {
            // Its holes would come out of the tar reader without being read, beyond what maxImageBytes counts.
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, layerName + ": entry " + e.getName()
                    + " is a sparse file; save the image with a tool that writes plain files (Docker, BuildKit and "
                    + "Jib do)");
        }
        long mtime = Math.floorDiv(e.getLastModifiedTime().toMillis(), 1000L);
        long uid = e.getLongUserId();
        long gid = e.getLongGroupId();
        if (mtime < 0 || mtime > 0xFFFF_FFFFL || uid < 0 || uid > 0xFFFF_FFFFL || gid < 0 || gid > 0xFFFF_FFFFL) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, layerName + ": entry " + e.getName()
                    + " has modification time " + mtime + ", owner " + uid + " or group " + gid
                    + " outside 0..4294967295, which is what newc cpio can store");
        }
        // Linux cannot chmod a symlink: once unpacked it shows 0777 whatever the layer says, and so does docker export.
        int perm = type == CpioEntryType.SYMLINK ? 0777 : e.getMode() & 07777;
        Node n = type == CpioEntryType.DIRECTORY ? Node.directory(perm, uid, gid, mtime, layer)
                : new Node(type, perm, uid, gid, mtime, layer);
        if (type == CpioEntryType.REGULAR) {
            if (e.getSize() > 0xFFFF_FFFFL) {
                throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, layerName + ": file " + e.getName()
                        + " has " + e.getSize() + " bytes; a newc cpio entry holds at most 4294967295");
            }
            n.size = e.getSize();
        } else if (type == CpioEntryType.SYMLINK) {
            String target = e.getLinkName();
            if (target.getBytes(StandardCharsets.UTF_8).length > ImageLimits.MAX_PATH_BYTES) {
                throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, layerName + ": symlink " + e.getName()
                        + " has a target longer than " + ImageLimits.MAX_PATH_BYTES + " bytes");
            }
            n.linkName = target;
        } else if (type == CpioEntryType.CHAR_DEVICE || type == CpioEntryType.BLOCK_DEVICE) {
            n.size = (Integer.toUnsignedLong(e.getDevMajor()) << 32) | Integer.toUnsignedLong(e.getDevMinor());
        }
        return n;
    }

    /**
     * The components of a slash-separated path as UTF-8 ({@code .} and empty ones dropped). A path above
     * {@value ImageLimits#MAX_PATH_BYTES} bytes or a component above {@value ImageLimits#MAX_NAME_BYTES} is
     * {@code IMAGE_LIMIT}; {@code ..} is {@code IMAGE_MALFORMED}.
     */
    private static byte[][] split(String name, String source) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > ImageLimits.MAX_PATH_BYTES) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, source + ": a path of " + bytes.length
                    + " bytes, longer than " + ImageLimits.MAX_PATH_BYTES + " (" + abbreviate(name) + ")");
        }
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i < bytes.length && bytes[i] != '/') {
                continue;
            }
            int length = i - start;
            if (length == 2 && bytes[start] == '.' && bytes[start + 1] == '.') {
                throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED,
                        source + ": path " + name + " leaves the image root");
            }
            if (length > ImageLimits.MAX_NAME_BYTES) {
                throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, source + ": a path component of "
                        + length + " bytes, longer than " + ImageLimits.MAX_NAME_BYTES + " (" + abbreviate(name) + ")");
            }
            if (length > 0 && !(length == 1 && bytes[start] == '.')) {
                parts.add(Arrays.copyOfRange(bytes, start, i));
            }
            start = i + 1;
        }
        return parts.toArray(new byte[0][]);
    }

    private static String abbreviate(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "…";
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static boolean startsWith(byte[] name, byte[] prefix) {
        return name.length >= prefix.length && Arrays.equals(name, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Counts the uncompressed bytes a layer yields as the tar parser takes them (beneath it: the read-ahead
     * inflater, which runs at most a megabyte ahead); fails as soon as all layers together pass
     * {@link ImageLimits#maxBytes()}, or the headers of one entry pass {@link ImageLimits#MAX_HEADER_BYTES}.
     */
    private final class Meter extends InputStream {
        private final InputStream in;
        private final String layerName;
        private final long layerStart = bytesRead;
        long headerStart = -1;

        Meter(InputStream in, String layerName) {
            this.in = in;
            this.layerName = layerName;
        }

        long position() {
            return bytesRead - layerStart;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                consumed(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                consumed(n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        private void consumed(int n) {
            bytesRead += n;
            if (bytesRead > limits.maxBytes()) {
                throw tooManyBytes(layerName);
            }
            if (headerStart >= 0 && position() - headerStart > ImageLimits.MAX_HEADER_BYTES) {
                throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT, layerName + ": the headers of one "
                        + "entry (GNU long name or link, PAX records) take more than " + ImageLimits.MAX_HEADER_BYTES
                        + " bytes, starting at byte " + headerStart + " of the layer");
            }
        }
    }

    /**
     * A path in the tree: the attributes of what is there and the layer that placed it (what an opaque marker
     * compares). Kept small, since a million of them must fit in a modest heap: owner, group and time are unsigned
     * 32-bit values (what cpio stores), a device's numbers share {@code size}. Hard-linked paths hold copies of the
     * same attributes and contents and one {@code linkGroup}, so that the export emits the second as a link to the
     * first.
     */
    private static final class Node {
        final CpioEntryType type;
        int perm;
        int uid;
        int gid;
        int mtime;
        int layer;
        /** The layer in which {@link #pruneLower} last went through this directory. */
        int prunedIn;
        int crc32;
        /** 0, or the group of paths that are hard links of one file. */
        int linkGroup;
        /** Regular file: data length; device: major in the high 32 bits, minor in the low. */
        long size;
        long spoolOffset;
        String linkName;
        /** A directory's children by name, in byte order; {@code null} until the first. */
        TreeMap<byte[], Node> children;

        Node(CpioEntryType type, int perm, long uid, long gid, long mtime, int layer) {
            this.type = type;
            this.perm = perm;
            this.uid = (int) uid;
            this.gid = (int) gid;
            this.mtime = (int) mtime;
            this.layer = layer;
        }

        static Node directory(int perm, long uid, long gid, long mtime, int layer) {
            return new Node(CpioEntryType.DIRECTORY, perm, uid, gid, mtime, layer);
        }

        long uid() {
            return Integer.toUnsignedLong(uid);
        }

        long gid() {
            return Integer.toUnsignedLong(gid);
        }

        long mtime() {
            return Integer.toUnsignedLong(mtime);
        }

        /** An upper layer's directory entry over this directory: its attributes, this directory's contents. */
        void takeAttributes(Node upper) {
            perm = upper.perm;
            uid = upper.uid;
            gid = upper.gid;
            mtime = upper.mtime;
            layer = upper.layer;
        }

        /** A hard link to this (non-directory) path, placed by the current layer of {@code f}. */
        Node linkedCopy(RootfsFlattener f) {
            Node copy = new Node(type, perm, uid(), gid(), mtime(), f.layer);
            copy.size = size;
            copy.crc32 = crc32;
            copy.spoolOffset = spoolOffset;
            copy.linkName = linkName;
            if (type == CpioEntryType.REGULAR) {
                if (linkGroup == 0) {
                    linkGroup = ++f.linkGroups;
                }
                copy.linkGroup = linkGroup;
            }
            return copy;
        }
    }
}

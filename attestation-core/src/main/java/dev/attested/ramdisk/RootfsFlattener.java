package dev.attested.ramdisk;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Applies image layers in order — whiteouts ({@code .wh.name}) delete, opaque markers ({@code .wh..wh..opq}) hide
 * everything a directory held in lower layers, later entries replace earlier ones, hard links share one file —
 * and then lists the result the way {@code docker create} + {@code docker export} would (EIF.md §10.6): the
 * container's init layer on top ({@code dev/pts}, {@code proc}, {@code etc/hosts}, …), a depth-first walk with
 * children in byte order, directories named with a trailing {@code /}, repeated files as hard links.
 *
 * <p>File contents are spooled to one temporary file ({@link Spool}, deleted on {@link #close()}), each with its
 * CRC-32, so that the length and CRC of a ramdisk made from the tree are known before it is written; memory holds
 * only the tree.
 */
public final class RootfsFlattener implements Closeable {
    /** Longest path accepted from a layer. */
    static final int MAX_PATH_BYTES = 4096;
    private static final Comparator<String> BYTE_ORDER = (a, b) -> {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    };

    private final Node root = Node.directory(new Inode(CpioEntryType.DIRECTORY, 0755, 0, 0, 0, -1));
    private final Spool spool;
    private int layer;

    /** @param workDir directory for the temporary content spool */
    public RootfsFlattener(Path workDir) throws IOException {
        this.spool = new Spool(workDir);
    }

    /** Flattens every layer of {@code image} and adds Docker's container init layer. */
    public static RootfsFlattener of(ImageArchive image, Path workDir) throws IOException {
        RootfsFlattener f = new RootfsFlattener(workDir);
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

    /** Applies one uncompressed layer tar on top of what is there. */
    public void applyLayer(InputStream layerTar, String layerName) throws IOException {
        layer++;
        TarArchiveInputStream tar = new TarArchiveInputStream(layerTar, "UTF-8"); // never the platform charset
        TarArchiveEntry e;
        String previous = null;
        while ((e = nextEntry(tar, layerName, previous)) != null) {
            previous = e.getName();
            List<String> path = split(e.getName(), layerName);
            if (path.isEmpty()) {
                continue; // the layer's root "./"
            }
            String base = path.get(path.size() - 1);
            List<String> parentPath = path.subList(0, path.size() - 1);
            if (base.equals(".wh..wh..opq")) {
                Node dir = mkdirs(parentPath);
                pruneLower(dir);
                continue;
            }
            if (base.startsWith(".wh.")) {
                Node parent = lookup(parentPath);
                if (parent != null && parent.children != null) {
                    parent.children.remove(base.substring(4));
                }
                continue;
            }
            Node parent = mkdirs(parentPath);
            if (e.isLink()) {
                Node target = lookup(split(e.getLinkName(), layerName));
                if (target == null || target.children != null) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, layerName + ": hard link "
                            + e.getName() + " points to " + e.getLinkName() + ", which is not a file in the image");
                }
                parent.children.put(base, new Node(target.inode, null, layer)); // placed by this layer
                continue;
            }
            Inode inode = inodeOf(e, layerName);
            if (inode.type == CpioEntryType.DIRECTORY) {
                Node existing = parent.children.get(base);
                if (existing != null && existing.children != null) {
                    existing.inode = inode; // merged: the upper layer's attributes, the union of contents
                    existing.layer = layer;
                } else {
                    parent.children.put(base, Node.directory(inode));
                }
                continue;
            }
            if (inode.type == CpioEntryType.REGULAR && inode.size > 0) {
                inode.spoolOffset = spool.position();
                try {
                    inode.crc32 = spool.append(tar, inode.size);
                } catch (Spool.UnreadableInput bad) {
                    throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED, layerName + ": the data of "
                            + e.getName() + " cannot be read (" + bad.getMessage() + "); the layer is truncated or "
                            + "corrupt, save the image again", bad);
                }
            }
            parent.children.put(base, new Node(inode, null, layer));
        }
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String layerName, String previous) {
        try {
            return tar.getNextEntry();
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
        for (String dir : List.of("dev", "etc")) {
            Node existing = root.children.get(dir);
            Inode attrs = new Inode(CpioEntryType.DIRECTORY, 0755, 0, 0, 0, layer);
            if (existing != null && existing.children != null) {
                existing.inode = attrs;
                existing.layer = layer;
            } else {
                root.children.put(dir, Node.directory(attrs));
            }
        }
        for (String dir : List.of("dev/pts", "dev/shm", "proc", "sys")) {
            replace(dir, Node.directory(new Inode(CpioEntryType.DIRECTORY, 0755, 0, 0, 0, layer)));
        }
        for (String file : List.of(".dockerenv", "etc/resolv.conf", "etc/hosts", "etc/hostname", "dev/console")) {
            replace(file, new Node(new Inode(CpioEntryType.REGULAR, 0755, 0, 0, 0, layer), null, layer));
        }
        Inode mtab = new Inode(CpioEntryType.SYMLINK, 0777, 0, 0, 0, layer);
        mtab.linkName = "/proc/mounts";
        replace("etc/mtab", new Node(mtab, null, layer));
        if (!workingDir.isEmpty()) {
            mkdirs(split(workingDir, "WorkingDir"));
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
        walk(root, "", (entry, inode) -> out.add(entry), new IdentityHashMap<>());
        return out;
    }

    /** Streams the filesystem as {@code docker export} lists it, contents read back from the spool. */
    public void export(ExportConsumer consumer) throws IOException {
        List<Map.Entry<ExportEntry, Inode>> all = new ArrayList<>();
        walk(root, "", (entry, inode) -> all.add(Map.entry(entry, inode)), new IdentityHashMap<>());
        for (Map.Entry<ExportEntry, Inode> e : all) {
            ExportEntry entry = e.getKey();
            InputStream content = entry.size() == 0 ? InputStream.nullInputStream()
                    : spool.read(e.getValue().spoolOffset, entry.size());
            consumer.accept(entry, content);
        }
    }

    @Override
    public void close() throws IOException {
        spool.close();
    }

    private void walk(Node dir, String prefix, java.util.function.BiConsumer<ExportEntry, Inode> out,
            Map<Inode, String> seen) {
        for (Map.Entry<String, Node> c : dir.children.entrySet()) {
            Node n = c.getValue();
            Inode i = n.inode;
            String name = prefix + c.getKey();
            if (n.children != null) {
                out.accept(new ExportEntry(name + "/", CpioEntryType.DIRECTORY, i.perm, i.uid, i.gid, i.mtime, 0, null,
                        null, 0, 0, 0), i);
                walk(n, name + "/", out, seen);
                continue;
            }
            String first = i.type == CpioEntryType.REGULAR ? seen.putIfAbsent(i, name) : null;
            if (first != null) {
                out.accept(new ExportEntry(name, CpioEntryType.REGULAR, i.perm, i.uid, i.gid, i.mtime, 0, null, first,
                        0, 0, 0), i);
            } else {
                out.accept(new ExportEntry(name, i.type, i.perm, i.uid, i.gid, i.mtime,
                        i.type == CpioEntryType.REGULAR ? i.size : 0, i.linkName, null, i.rdevMajor, i.rdevMinor,
                        i.type == CpioEntryType.REGULAR ? i.crc32 : 0), i);
            }
        }
    }

    private void replace(String path, Node node) {
        List<String> parts = split(path, "init layer");
        Node parent = mkdirs(parts.subList(0, parts.size() - 1));
        parent.children.put(parts.get(parts.size() - 1), node);
    }

    private void pruneLower(Node dir) {
        Iterator<Map.Entry<String, Node>> it = dir.children.entrySet().iterator();
        while (it.hasNext()) {
            Node child = it.next().getValue();
            if (child.layer < layer) {
                it.remove();
            } else if (child.children != null) {
                pruneLower(child);
            }
        }
    }

    private Node lookup(List<String> path) {
        Node n = root;
        for (String p : path) {
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

    /** Finds or creates the directory; missing parents are root-owned 0755 with mtime 0. */
    private Node mkdirs(List<String> path) {
        Node n = root;
        for (String p : path) {
            Node next = n.children.get(p);
            if (next == null || next.children == null) {
                next = Node.directory(new Inode(CpioEntryType.DIRECTORY, 0755, 0, 0, 0, layer));
                n.children.put(p, next);
            }
            n = next;
        }
        return n;
    }

    private Inode inodeOf(TarArchiveEntry e, String layerName) {
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
        long mtime = Math.floorDiv(e.getLastModifiedTime().toMillis(), 1000L);
        if (mtime < 0 || mtime > 0xFFFF_FFFFL) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_UNSUPPORTED, layerName + ": entry " + e.getName()
                    + " has modification time " + mtime + ", outside what newc cpio can store");
        }
        // Linux cannot chmod a symlink: once unpacked it shows 0777 whatever the layer says, and so does docker export.
        int perm = type == CpioEntryType.SYMLINK ? 0777 : e.getMode() & 07777;
        Inode i = new Inode(type, perm, e.getLongUserId(), e.getLongGroupId(), mtime, layer);
        if (type == CpioEntryType.REGULAR) {
            i.size = e.getSize();
        } else if (type == CpioEntryType.SYMLINK) {
            i.linkName = e.getLinkName();
        } else if (type == CpioEntryType.CHAR_DEVICE || type == CpioEntryType.BLOCK_DEVICE) {
            i.rdevMajor = e.getDevMajor();
            i.rdevMinor = e.getDevMinor();
        }
        return i;
    }

    private static List<String> split(String name, String source) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new RamdiskException(RamdiskException.Code.IMAGE_LIMIT,
                    source + ": a path longer than " + MAX_PATH_BYTES + " bytes");
        }
        List<String> parts = new ArrayList<>();
        for (String p : name.split("/")) {
            if (p.isEmpty() || p.equals(".")) {
                continue;
            }
            if (p.equals("..")) {
                throw new RamdiskException(RamdiskException.Code.IMAGE_MALFORMED,
                        source + ": path " + name + " leaves the image root");
            }
            parts.add(p);
        }
        return parts;
    }

    /** File attributes; shared by hard-linked paths. */
    private static final class Inode {
        final CpioEntryType type;
        final int perm;
        final long uid;
        final long gid;
        final long mtime;
        final int layer;
        long size;
        long crc32;
        long spoolOffset;
        String linkName;
        long rdevMajor;
        long rdevMinor;

        Inode(CpioEntryType type, int perm, long uid, long gid, long mtime, int layer) {
            this.type = type;
            this.perm = perm;
            this.uid = uid;
            this.gid = gid;
            this.mtime = mtime;
            this.layer = layer;
        }
    }

    /** A path in the tree; {@code layer} is the layer that last placed it (what an opaque marker compares). */
    private static final class Node {
        Inode inode;
        int layer;
        final TreeMap<String, Node> children;

        Node(Inode inode, TreeMap<String, Node> children, int layer) {
            this.inode = inode;
            this.children = children;
            this.layer = layer;
        }

        static Node directory(Inode inode) {
            return new Node(inode, new TreeMap<>(BYTE_ORDER), inode.layer);
        }
    }
}

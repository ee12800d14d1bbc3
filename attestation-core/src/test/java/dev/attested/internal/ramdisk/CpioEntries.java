package dev.attested.internal.ramdisk;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;

/** Reads a newc archive back (with Commons Compress) so tests can assert on entries. */
final class CpioEntries {
    record Entry(String name, long mode, long uid, long gid, long mtime, long ino, String data) {
        boolean isSymlink() {
            return (mode & 0170000) == 0120000;
        }

        boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }
    }

    private CpioEntries() {}

    static List<Entry> read(byte[] archive) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive), "UTF-8")) {
            CpioArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                String data = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                out.add(new Entry(e.getName(), e.getMode(), e.getUID(), e.getGID(), e.getTime(), e.getInode(), data));
            }
        }
        return out;
    }

    static List<String> names(List<Entry> entries) {
        return entries.stream().map(Entry::name).toList();
    }

    static Entry find(List<Entry> entries, String name) {
        return entries.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no entry " + name + " in " + names(entries)));
    }
}

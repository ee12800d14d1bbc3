package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import dev.attested.enclave.ImageConfig;
import static dev.attested.internal.ramdisk.CpioEntries.find;
import static dev.attested.internal.ramdisk.CpioEntries.names;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.ramdisk.TestImages.Layer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CustomerRamdiskTest {
    static final long DEFAULT_MTIME = 1492533000L;
    static final String CONFIG = TestImages.config("[\"/app/run.sh\",\"--port\",\"5000\"]", null,
            "[\"PATH=/usr/bin:/bin\",\"HELLO=Hello from the enclave side!\"]");

    @TempDir
    Path dir;

    private List<CpioEntries.Entry> build(Path image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CustomerRamdisk.write(image, dir.resolve("work"), out);
        assertEquals(0, out.size() % 512, "padded to 512");
        return CpioEntries.read(out.toByteArray());
    }

    private static Layer appLayer() {
        return new Layer()
                .dir("app", 0755, 1000)
                .file("app/run.sh", 0755, 1000, "#!/bin/sh\necho hi\n")
                .dir("etc", 0700, 500)
                .file("etc/passwd", 0644, 500, "root:x:0:0::/:/bin/sh\n");
    }

    /**
     * docs/spec/eif-format.md §9.5.2: prefix, export walk with linuxkit's fixups, files: entries, cmd, env — in this
     * order.
     */
    @Test
    void entriesComeInLinuxkitOrderWithDockerCreateFilesFixedUp() throws IOException {
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, appLayer()));
        assertEquals(List.of("rootfs", "rootfs/app/", "rootfs/app/run.sh", "rootfs/dev/", "rootfs/dev/pts/",
                "rootfs/dev/shm/", "rootfs/etc/", "rootfs/etc/hosts", "rootfs/etc/mtab", "rootfs/etc/passwd",
                "rootfs/etc/resolv.conf", "rootfs/proc/", "rootfs/sys/", "rootfs", "rootfs/dev", "rootfs/run",
                "rootfs/sys", "rootfs/var", "rootfs/proc", "rootfs/tmp", "cmd", "env"), names(entries));
    }

    @Test
    void inodesAreNumberedFrom721InArchiveOrder() throws IOException {
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, appLayer()));
        for (int i = 0; i < entries.size(); i++) {
            assertEquals(721 + i, entries.get(i).ino(), entries.get(i).name());
        }
    }

    @Test
    void imageFilesKeepTheirLayerModeOwnerAndTime() throws IOException {
        Layer layer = new Layer().dir("app", 0750, 1234).file("app/x", 04711, 1000, 1001, 1600000000L, "x");
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer));
        CpioEntries.Entry x = find(entries, "rootfs/app/x");
        assertEquals(0104711, x.mode());
        assertEquals(1000, x.uid());
        assertEquals(1001, x.gid());
        assertEquals(1600000000L, x.mtime());
        CpioEntries.Entry app = find(entries, "rootfs/app/");
        assertEquals(040750, app.mode());
        assertEquals(1234, app.mtime());
    }

    @Test
    void etcHostsIsReplacedByLinuxkitsLocalhostFile() throws IOException {
        Layer layer = appLayer().file("etc/hosts", 0644, 99, "10.0.0.1 evil\n");
        CpioEntries.Entry hosts = find(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer)),
                "rootfs/etc/hosts");
        assertEquals(CustomerRamdisk.HOSTS, hosts.data());
        assertEquals(DEFAULT_MTIME, hosts.mtime());
        assertEquals(0100755, hosts.mode(), "the init layer's empty 0755 file is what docker export shows");
    }

    @Test
    void resolvConfBecomesASymlinkToRunResolvconf() throws IOException {
        CpioEntries.Entry resolv = find(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, appLayer())),
                "rootfs/etc/resolv.conf");
        assertTrue(resolv.isSymlink());
        assertEquals("/run/resolvconf/resolv.conf", resolv.data());
        assertEquals(DEFAULT_MTIME, resolv.mtime());
    }

    @Test
    void dockerCreateLeftoversAreDroppedAndMountPointsRetimed() throws IOException {
        Layer layer = appLayer().file("Dockerfile", 0644, 1, "FROM scratch\n").dir("proc", 0555, 77);
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer));
        for (String dropped : List.of("rootfs/.dockerenv", "rootfs/Dockerfile", "rootfs/dev/console",
                "rootfs/etc/hostname")) {
            assertFalse(names(entries).contains(dropped), dropped);
        }
        for (String retimed : List.of("rootfs/dev/", "rootfs/dev/pts/", "rootfs/dev/shm/", "rootfs/etc/",
                "rootfs/etc/mtab", "rootfs/proc/", "rootfs/sys/")) {
            assertEquals(DEFAULT_MTIME, find(entries, retimed).mtime(), retimed);
        }
        CpioEntries.Entry mtab = find(entries, "rootfs/etc/mtab");
        assertTrue(mtab.isSymlink());
        assertEquals("/proc/mounts", mtab.data());
    }

    /** eif-format.md §9.2: Cmd wins over Entrypoint; each element / variable on its own line. */
    @Test
    void cmdAndEnvFilesComeFromTheImageConfigWithCmdWinningOverEntrypoint() throws IOException {
        String config = TestImages.config("[\"/bin/hello.sh\"]", "[\"/bin/ignored\"]",
                "[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"HELLO=Hello from the enclave side!\"]");
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), config, appLayer()));
        assertEquals("/bin/hello.sh\n", find(entries, "cmd").data());
        assertEquals("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nHELLO=Hello from the enclave side!\n",
                find(entries, "env").data());
        assertEquals(0100644, find(entries, "cmd").mode());
    }

    @Test
    void entrypointIsUsedWhenThereIsNoCmdAndEnvMayBeEmpty() throws IOException {
        String config = TestImages.config(null, "[\"java\",\"-jar\",\"/app/app.jar\"]", null);
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), config, appLayer()));
        assertEquals("java\n-jar\n/app/app.jar\n", find(entries, "cmd").data());
        assertEquals("", find(entries, "env").data());
    }

    @Test
    void imageWithoutCmdOrEntrypointIsRejected() throws IOException {
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), TestImages.config(null, null, null), appLayer());
        RamdiskException e = assertThrows(RamdiskException.class, () -> build(image));
        assertEquals(RamdiskException.Code.IMAGE_NO_COMMAND, e.code());
    }

    @Test
    void whiteoutsDeleteAndOpaqueDirectoriesHideLowerLayers() throws IOException {
        Layer lower = new Layer().dir("bin", 0755, 1).file("bin/sh", 0755, 1, "sh").file("bin/ls", 0755, 1, "ls")
                .dir("opt", 0755, 1).file("opt/a", 0644, 1, "a").dir("opt/sub", 0755, 1).file("opt/sub/b", 0644, 1, "b");
        Layer upper = new Layer().whiteout("bin/sh").dir("opt", 0755, 2).opaque("opt").file("opt/c", 0644, 2, "c");
        List<String> names = names(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, lower, upper)));
        assertTrue(names.contains("rootfs/bin/ls"));
        assertFalse(names.contains("rootfs/bin/sh"));
        assertTrue(names.contains("rootfs/opt/c"));
        assertFalse(names.contains("rootfs/opt/a"));
        assertFalse(names.contains("rootfs/opt/sub/"));
        assertFalse(names.stream().anyMatch(n -> n.contains(".wh.")), "whiteout markers never reach the ramdisk");
    }

    @Test
    void aHardLinkPlacedByTheOpaqueLayerItselfSurvives() throws IOException {
        Layer lower = new Layer().dir("bin", 0755, 1).file("bin/tool", 0755, 1, "tool").dir("opt", 0755, 1)
                .file("opt/old", 0644, 1, "old");
        Layer upper = new Layer().dir("opt", 0755, 2).hardlink("opt/tool", "bin/tool").opaque("opt");
        List<String> names = names(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, lower, upper)));
        assertTrue(names.contains("rootfs/opt/tool"), names.toString());
        assertFalse(names.contains("rootfs/opt/old"));
    }

    @Test
    void laterLayersReplaceFilesAndDirectoryAttributes() throws IOException {
        Layer lower = new Layer().dir("app", 0700, 1).file("app/conf", 0644, 1, "old");
        Layer upper = new Layer().dir("app", 0755, 2).file("app/conf", 0600, 3, "new");
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, lower, upper));
        assertEquals("new", find(entries, "rootfs/app/conf").data());
        assertEquals(0100600, find(entries, "rootfs/app/conf").mode());
        assertEquals(040755, find(entries, "rootfs/app/").mode());
        assertEquals(2, find(entries, "rootfs/app/").mtime());
    }

    /** docker export walks depth-first with children in byte order: "a/" and its children come before "a-c". */
    @Test
    void walkOrderIsDepthFirstNotSortedPaths() throws IOException {
        Layer layer = appLayer().dir("a", 0755, 1).file("a-c", 0644, 1, "x").file("a/b", 0644, 1, "y")
                .file("B", 0644, 1, "upper case sorts first");
        List<String> names = names(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer)));
        assertTrue(names.indexOf("rootfs/B") < names.indexOf("rootfs/a/"));
        assertTrue(names.indexOf("rootfs/a/b") < names.indexOf("rootfs/a-c"));
    }

    /** eif-format.md §9.4: a hard link becomes a symlink relative to the link's own directory. */
    @Test
    void hardLinksBecomeRelativeSymlinksToTheFirstPath() throws IOException {
        Layer layer = appLayer().dir("usr", 0755, 1).dir("usr/bin", 0755, 1).file("usr/bin/python3", 0755, 1, "py")
                .dir("usr/lib", 0755, 1).hardlink("usr/lib/python", "usr/bin/python3");
        List<CpioEntries.Entry> entries = build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer));
        assertEquals("py", find(entries, "rootfs/usr/bin/python3").data());
        CpioEntries.Entry link = find(entries, "rootfs/usr/lib/python");
        assertTrue(link.isSymlink());
        assertEquals("../bin/python3", link.data());
    }

    @Test
    void symlinksAre0777AsOnAnUnpackedFilesystem() throws IOException {
        Layer layer = appLayer().symlink("app/current", "run.sh", 1234);
        CpioEntries.Entry link = find(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer)),
                "rootfs/app/current");
        assertEquals(0120777, link.mode());
        assertEquals("run.sh", link.data());
        assertEquals(1234, link.mtime());
    }

    @Test
    void nonAsciiNamesAreUtf8WhateverThePlatformCharset() throws IOException {
        Layer layer = appLayer().file("app/gr\u00fc\u00dfe.txt", 0644, 1, "hallo");
        List<String> names = names(build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer)));
        assertTrue(names.contains("rootfs/app/gr\u00fc\u00dfe.txt"), names.toString());
    }

    @Test
    void ociLayoutAndDockerSaveOfTheSameImageGiveTheSameRamdisk() throws IOException {
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        CustomerRamdisk.write(TestImages.dockerSave(dir.resolve("a.tar"), CONFIG, appLayer()), dir, a);
        CustomerRamdisk.write(TestImages.ociLayout(dir.resolve("b.tar"), CONFIG, appLayer()), dir, b);
        assertArrayEquals(a.toByteArray(), b.toByteArray());
    }

    @Test
    void spoolFilesAreRemovedAfterTheBuild() throws IOException {
        build(TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, appLayer()));
        try (var files = Files.list(dir.resolve("work"))) {
            assertEquals(0, files.count());
        }
    }

    /** A layer with one file of {@code size} bytes whose tar stops {@code missing} bytes before the data ends. */
    private static byte[] truncatedLayer(int size, int missing) {
        byte[] tar = new Layer().dir("app", 0755, 1).file("app/data", 0644, 0, 0, 1, TestImages.randomBytes(size, 9)).tarBytes();
        int dataStart = 512 + 512; // header of app/, header of app/data
        return Arrays.copyOf(tar, dataStart + size - missing);
    }

    private void assertTruncatedLayerIsMalformed(boolean gzip, int size, int missing) throws IOException {
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, gzip, appLayer().tarBytes(),
                truncatedLayer(size, missing));
        RamdiskException e = assertThrows(RamdiskException.class, () -> build(image));
        assertEquals(RamdiskException.Code.IMAGE_MALFORMED, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("app/data"), e.getMessage());
        assertEquals(List.of(), spoolFiles(dir.resolve("work")));
    }

    @Test
    void layerEntryShorterThanItsDeclaredSizeIsMalformed() throws IOException {
        assertTruncatedLayerIsMalformed(false, 5000, 2000);
    }

    @Test
    void gzipLayerEntryShorterThanItsDeclaredSizeIsMalformed() throws IOException {
        assertTruncatedLayerIsMalformed(true, 5000, 1);
    }

    @Test
    void layerEntryCutAfterASpoolBlockIsMalformed() throws IOException {
        assertTruncatedLayerIsMalformed(true, MIB + 1000, 10);
    }

    /** The data of one entry of a newc archive, as bytes. */
    private static byte[] dataOf(byte[] archive, String name) throws IOException {
        try (CpioArchiveInputStream in = new CpioArchiveInputStream(new ByteArrayInputStream(archive), "UTF-8")) {
            CpioArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError("no entry " + name);
    }

    static final int MIB = 1 << 20;

    /** The image of {@link #buildRichImage}, built once per class (4.6 MiB of random layers take a while to gzip). */
    @TempDir
    static Path shared;
    private static Path richImage;

    @BeforeAll
    static void buildRichImage() throws IOException {
        richImage = buildRichImage(shared.resolve("rich.tar"));
    }

    /** A copy of the rich image at {@code file}. */
    private static Path richImage(Path file) throws IOException {
        return Files.copy(richImage, file);
    }

    /**
     * Three layers whose contents (about 4.6 MiB spooled) fill more spool blocks than the spool keeps in memory: files
     * larger than a block, exactly a block, hundreds of small and empty files, hard links (one whose first path is
     * whited out later), whiteouts, an opaque directory, a replaced file.
     */
    private static Path buildRichImage(Path file) throws IOException {
        Layer base = appLayer().dir("bin", 0755, 1).file("bin/sh", 0755, 0, 0, 1, "shell")
                .hardlink("bin/sh2", "bin/sh")
                .dir("opt", 0755, 1).file("opt/big.bin", 0644, 0, 0, 2, TestImages.randomBytes(MIB + 4099, 1))
                .file("opt/block.bin", 0644, 0, 0, 2, TestImages.randomBytes(MIB, 2))
                .hardlink("opt/zz-big-link", "opt/big.bin")
                .dir("old", 0755, 1).file("old/gone", 0644, 1, "gone")
                .dir("many", 0755, 3);
        for (int i = 0; i < 300; i++) {
            base.file("many/f" + i, 0644, 0, 0, 3, TestImages.randomBytes(i % 37, 100 + i));
        }
        Layer middle = new Layer().whiteout("bin/sh").whiteout("opt/block.bin")
                .file("many/f7", 0600, 0, 0, 4, "replaced")
                .dir("data", 0755, 4).file("data/blob", 0644, 0, 0, 4, TestImages.randomBytes(2 * MIB + MIB / 2 + 3, 3))
                .dir("old", 0755, 4).opaque("old").file("old/new", 0644, 4, "new");
        Layer top = new Layer().dir("data", 0755, 5).hardlink("data/blob-link", "data/blob")
                .file("many/late", 0644, 5, "late").symlink("many/current", "f1", 5);
        return TestImages.dockerSave(file, CONFIG, base, middle, top);
    }

    private static byte[] writeTo(CustomerRamdisk.Flattened flattened) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        flattened.writeTo(out);
        return out.toByteArray();
    }

    private List<String> spoolFiles(Path workDir) throws IOException {
        if (!Files.exists(workDir)) {
            return List.of();
        }
        try (var files = Files.list(workDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".spool")).toList();
        }
    }

    @Test
    void flattenedSizeAndCrcAreThoseOfTheBytesItWrites() throws IOException {
        try (CustomerRamdisk.Flattened f = CustomerRamdisk.flatten(richImage(dir.resolve("img.tar")), dir.resolve("work"))) {
            byte[] ramdisk = writeTo(f);
            assertTrue(ramdisk.length > 3 * MIB + MIB / 2, "the image contents are all there: " + ramdisk.length);
            assertEquals(ramdisk.length, f.size());
            assertEquals(TestImages.crc32(ramdisk), f.crc32());
        }
    }

    @Test
    void flattenedWritesTheSameBytesEveryTime() throws IOException {
        try (CustomerRamdisk.Flattened f = CustomerRamdisk.flatten(richImage(dir.resolve("img.tar")), dir.resolve("work"))) {
            assertArrayEquals(writeTo(f), writeTo(f));
        }
    }

    @Test
    void flattenedWritesWhatWriteWrites() throws IOException {
        Path image = richImage(dir.resolve("img.tar"));
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        ImageConfig config = CustomerRamdisk.write(image, dir.resolve("work-a"), written);
        try (CustomerRamdisk.Flattened f = CustomerRamdisk.flatten(image, dir.resolve("work-b"))) {
            assertArrayEquals(written.toByteArray(), writeTo(f));
            assertEquals(config, f.config());
        }
    }

    @Test
    void flattenedImageKeepsLayerContentsAcrossSpoolBlocks() throws IOException {
        byte[] ramdisk;
        try (CustomerRamdisk.Flattened f = CustomerRamdisk.flatten(richImage(dir.resolve("img.tar")), dir.resolve("work"))) {
            ramdisk = writeTo(f);
        }
        assertArrayEquals(TestImages.randomBytes(MIB + 4099, 1), dataOf(ramdisk, "rootfs/opt/big.bin"));
        assertArrayEquals(TestImages.randomBytes(2 * MIB + MIB / 2 + 3, 3), dataOf(ramdisk, "rootfs/data/blob"));
        assertArrayEquals(TestImages.randomBytes(36, 136), dataOf(ramdisk, "rootfs/many/f36"));
        assertArrayEquals("replaced".getBytes(StandardCharsets.US_ASCII), dataOf(ramdisk, "rootfs/many/f7"));
        assertArrayEquals("shell".getBytes(StandardCharsets.US_ASCII), dataOf(ramdisk, "rootfs/bin/sh2"),
                "a hard link whose first path was whited out holds the data itself");
        List<CpioEntries.Entry> entries = CpioEntries.read(ramdisk);
        assertEquals("big.bin", find(entries, "rootfs/opt/zz-big-link").data());
        assertEquals("blob", find(entries, "rootfs/data/blob-link").data());
        assertFalse(names(entries).contains("rootfs/opt/block.bin"));
        assertFalse(names(entries).contains("rootfs/old/gone"));
        assertTrue(names(entries).contains("rootfs/old/new"));
    }

    @Test
    void flattenedImageKeepsItsSpoolUntilClosed() throws IOException {
        Path work = dir.resolve("work");
        CustomerRamdisk.Flattened f = CustomerRamdisk.flatten(richImage(dir.resolve("img.tar")), work);
        try {
            assertEquals(1, spoolFiles(work).size(), "contents are spooled while the ramdisk may still be written");
            writeTo(f);
        } finally {
            f.close();
        }
        try (var files = Files.list(work)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void flattenedImageWithoutCommandIsRejectedAndLeavesNoSpool() throws IOException {
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), TestImages.config(null, null, null), appLayer());
        RamdiskException e = assertThrows(RamdiskException.class, () -> CustomerRamdisk.flatten(image, dir.resolve("work")));
        assertEquals(RamdiskException.Code.IMAGE_NO_COMMAND, e.code());
        assertEquals(List.of(), spoolFiles(dir.resolve("work")));
    }

    @Test
    void missingTarballIsUnreadable() {
        RamdiskException e = assertThrows(RamdiskException.class, () -> build(dir.resolve("nope.tar")));
        assertEquals(RamdiskException.Code.IMAGE_UNREADABLE, e.code());
    }

    @Test
    void garbageIsUnreadable() throws IOException {
        Path junk = Files.write(dir.resolve("junk.tar"), "this is not a tar archive at all".repeat(40)
                .getBytes(StandardCharsets.US_ASCII));
        RamdiskException e = assertThrows(RamdiskException.class, () -> build(junk));
        assertEquals(RamdiskException.Code.IMAGE_UNREADABLE, e.code());
    }

    @Test
    void tarWithoutImageMetadataIsMalformed() throws IOException {
        Path layerOnly = dir.resolve("plain.tar");
        Files.write(layerOnly, appLayer().tarBytes());
        RamdiskException e = assertThrows(RamdiskException.class, () -> build(layerOnly));
        assertEquals(RamdiskException.Code.IMAGE_MALFORMED, e.code());
    }

    @Test
    void pathsEscapingTheRootAreRejected() throws IOException {
        Layer layer = appLayer().file("../../etc/shadow", 0644, 1, "x");
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, layer);
        RamdiskException e = assertThrows(RamdiskException.class, () -> build(image));
        assertEquals(RamdiskException.Code.IMAGE_MALFORMED, e.code());
    }

    @Test
    void relativeMatchesGoFilepathRel() {
        assertEquals("../bin/python3", CustomerRamdisk.relative("rootfs/usr/lib", "rootfs/usr/bin/python3"));
        assertEquals("b", CustomerRamdisk.relative("rootfs/a", "rootfs/a/b"));
        assertEquals("../../x", CustomerRamdisk.relative("rootfs/a/b", "rootfs/x"));
        assertEquals("rootfs", CustomerRamdisk.parent("rootfs/x"));
    }
}

package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.internal.ramdisk.TestImages.Layer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.io.input.CountingInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: flattening an image is bounded, and each bound is checked while the layers stream. The bombs are made
 * here: gzip layers of zeros, layers of many empty entries, long paths and names, oversized metadata.
 */
class ImageLimitsTest {
    static final String CONFIG = TestImages.config("[\"/app/run\"]", null, null);
    static final long MIB = 1024 * 1024;
    static final ImageLimits ONE_MIB = ImageLimits.defaults().withMaxBytes(MIB);
    static final ImageLimits THOUSAND_ENTRIES = ImageLimits.defaults().withMaxEntries(1000);

    @TempDir
    Path dir;

    /** A gzip layer written entry by entry, so that a bomb never exists uncompressed. */
    static final class GzipLayer {
        final ByteArrayOutputStream gz = new ByteArrayOutputStream();
        final TarArchiveOutputStream tar;
        long uncompressed;

        GzipLayer() throws IOException {
            OutputStream counting = new java.io.FilterOutputStream(new GZIPOutputStream(gz, 1 << 16)) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    uncompressed += len;
                }
            };
            tar = new TarArchiveOutputStream(counting, "UTF-8");
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        }

        GzipLayer zeros(String name, long size) throws IOException {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setMode(0100644);
            e.setSize(size);
            tar.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 16];
            for (long left = size; left > 0; left -= zeros.length) {
                tar.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
            tar.closeArchiveEntry();
            return this;
        }

        byte[] finish() throws IOException {
            tar.close();
            return gz.toByteArray();
        }
    }

    private static RamdiskException limit(Executable run) {
        RamdiskException e = assertThrows(RamdiskException.class, run::run);
        assertEquals(RamdiskException.Code.IMAGE_LIMIT, e.code(), e.getMessage());
        return e;
    }

    @FunctionalInterface
    interface Executable {
        void run() throws Exception;
    }

    private long spoolBytes(Path work) throws IOException {
        try (Stream<Path> s = Files.list(work)) {
            long total = 0;
            for (Path p : s.toList()) {
                total += Files.size(p);
            }
            return total;
        }
    }

    @Test
    void defaultsAreEightGibAndAMillionEntries() {
        assertEquals(8L << 30, ImageLimits.defaults().maxBytes());
        assertEquals(1_000_000L, ImageLimits.defaults().maxEntries());
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(1, -1));
    }

    /** A 64 MiB file of zeros is 64 KiB of gzip: its declared size alone stops it, before a byte is inflated. */
    @Test
    void gzipBombFileFailsOnItsDeclaredSizeBeforeItIsSpooled() throws Exception {
        byte[] bomb = new GzipLayer().zeros("bomb", 64 * MIB).finish();
        assertTrue(bomb.length < MIB / 4, "the bomb is small: " + bomb.length);
        Path work = dir.resolve("work");
        try (RootfsFlattener f = new RootfsFlattener(work, ONE_MIB)) {
            CountingInputStream inflated = new CountingInputStream(new GZIPInputStream(new ByteArrayInputStream(bomb)));
            RamdiskException e = limit(() -> f.applyLayer(inflated, "bomb-layer"));
            assertTrue(e.getMessage().contains("maxImageBytes=1048576") && e.getMessage().contains("67108864")
                    && e.getMessage().contains("aise maxImageBytes only if"), e.getMessage());
            assertTrue(inflated.getByteCount() <= 64 * 1024, "only the header was inflated: " + inflated.getByteCount());
            assertEquals(0, spoolBytes(work), "nothing was spooled");
        }
    }

    /** Many files that each fit: the running count stops the layer as it passes the limit, not after it. */
    @Test
    void gzipBombOfManyFilesStopsWhileStreamingAtTheLimit() throws Exception {
        GzipLayer layer = new GzipLayer();
        for (int i = 0; i < 256; i++) {
            layer.zeros("z/" + i, 256 * 1024); // 64 MiB in all
        }
        byte[] bomb = layer.finish();
        Path work = dir.resolve("work");
        try (RootfsFlattener f = new RootfsFlattener(work, ONE_MIB)) {
            CountingInputStream inflated = new CountingInputStream(new GZIPInputStream(new ByteArrayInputStream(bomb)));
            RamdiskException e = limit(() -> f.applyLayer(inflated, "bomb-layer"));
            assertTrue(e.getMessage().contains("maxImageBytes=1048576"), e.getMessage());
            assertTrue(inflated.getByteCount() <= MIB + 64 * 1024, "stopped at the limit: " + inflated.getByteCount());
            assertTrue(f.bytesRead() <= MIB + 64 * 1024, "counted " + f.bytesRead());
            assertTrue(spoolBytes(work) <= MIB, "spooled " + spoolBytes(work));
        }
    }

    /** What the flattener reads only to skip it (here: a whiteout's content) counts as well. */
    @Test
    void skippedDataCountsAndStopsAtTheLimit() throws Exception {
        byte[] bomb = new GzipLayer().zeros(".wh.gone", 64 * MIB).finish();
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("work"), ONE_MIB)) {
            CountingInputStream inflated = new CountingInputStream(new GZIPInputStream(new ByteArrayInputStream(bomb)));
            RamdiskException e = limit(() -> f.applyLayer(inflated, "bomb-layer"));
            assertTrue(e.getMessage().contains("the image's layers unpack to more than maxImageBytes=1048576 bytes "
                    + "(reading stopped at "), e.getMessage());
            assertTrue(inflated.getByteCount() <= MIB + 64 * 1024, "stopped at the limit: " + inflated.getByteCount());
        }
    }

    /** The same through the public path: the image tarball is tiny, the error is coded, no spool is left. */
    @Test
    void gzipBombImageFailsTheFlattenAndLeavesNoSpool() throws Exception {
        GzipLayer layer = new GzipLayer();
        for (int i = 0; i < 64; i++) {
            layer.zeros("z/" + i, MIB);
        }
        Path image = TestImages.dockerSave(dir.resolve("bomb.tar"), CONFIG, false, layer.finish());
        assertTrue(Files.size(image) < MIB, "a small image tarball: " + Files.size(image));
        Path work = dir.resolve("work");
        limit(() -> CustomerRamdisk.flatten(image, work, ImageLimits.defaults().withMaxBytes(8 * MIB)).close());
        assertEquals(0, spoolBytes(work), "the spool is gone");
        try (CustomerRamdisk.Flattened ok = CustomerRamdisk.flatten(image, work,
                ImageLimits.defaults().withMaxBytes(65 * MIB))) {
            assertTrue(ok.size() > 64 * MIB, "within a raised limit the same image flattens");
        }
    }

    private static byte[] emptyFiles(int count) {
        Layer layer = new Layer();
        for (int i = 0; i < count; i++) {
            layer.file("f" + i, 0644, 0, "");
        }
        return layer.tarBytes();
    }

    @Test
    void entryLimitStopsALayerOfManyEmptyFilesWhileStreaming() throws Exception {
        byte[] tar = emptyFiles(1500);
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("work"), THOUSAND_ENTRIES)) {
            CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(tar));
            RamdiskException e = limit(() -> f.applyLayer(in, "layer"));
            assertTrue(e.getMessage().contains("more than 1000 entries (maxImageEntries; entry 1001 is f1000)")
                    && e.getMessage().contains("aise maxImageEntries only if"), e.getMessage());
            assertEquals(1001, f.entriesRead());
            assertTrue(in.getByteCount() <= 1001 * 512 + 512, "read no further than entry 1001: " + in.getByteCount());
        }
    }

    /** Count what was read, not what survives: one path replaced again and again, whiteouts, links, directories. */
    @Test
    void replacedEntriesWhiteoutsLinksAndDirectoriesAllCount() throws Exception {
        Layer layer = new Layer().dir("d", 0755, 0).file("d/x", 0644, 0, "x");
        for (int i = 0; i < 300; i++) {
            layer.file("d/x", 0644, 0, "x" + i).whiteout("d/gone" + i).hardlink("d/l", "d/x").dir("d", 0755, i);
        }
        byte[] tar = layer.tarBytes();
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("work"), THOUSAND_ENTRIES)) {
            limit(() -> f.applyLayer(new ByteArrayInputStream(tar), "layer"));
        }
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("work2"), THOUSAND_ENTRIES.withMaxEntries(1202))) {
            f.applyLayer(new ByteArrayInputStream(tar), "layer");
            assertEquals(1202, f.entriesRead(), "2 + 4 × 300 entries, though the tree holds d, d/x and d/l");
        }
    }

    /** The entry limit spans layers: two layers of 600 each pass a limit of 1000. */
    @Test
    void entryLimitCountsAllLayersTogether() throws Exception {
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, false, emptyFiles(600), emptyFiles(600));
        RamdiskException e = limit(() -> CustomerRamdisk.flatten(image, dir.resolve("work"), THOUSAND_ENTRIES).close());
        assertTrue(e.getMessage().startsWith("IMAGE_LIMIT: layer1/layer.tar:"), e.getMessage());
    }

    /** One deep path implies a directory per component; each counts, so depth cannot multiply the tree. */
    @Test
    void directoriesImpliedByADeepPathCountAsEntries() throws Exception {
        String deep = "a/".repeat(1500) + "file";
        byte[] tar = new Layer().file(deep, 0644, 0, "x").tarBytes();
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("work"), THOUSAND_ENTRIES)) {
            RamdiskException e = limit(() -> f.applyLayer(new ByteArrayInputStream(tar), "layer"));
            assertTrue(e.getMessage().contains("a parent directory without an entry"), e.getMessage());
        }
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("work2"))) {
            f.applyLayer(new ByteArrayInputStream(tar), "layer");
            assertEquals(1501, f.entriesRead());
            List<ExportEntry> all = f.exportEntries(); // walked without recursion
            assertEquals(1501, all.size());
            assertEquals(deep, all.get(all.size() - 1).name());
        }
    }

    @Test
    void pathsAbovePathMaxAreRefused() throws Exception {
        String ok = "d/".repeat(2047) + "f"; // 4095 bytes
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w1"))) {
            f.applyLayer(new ByteArrayInputStream(new Layer().file(ok, 0644, 0, "").tarBytes()), "layer");
            assertEquals(2048, f.exportEntries().size());
        }
        String tooLong = "d/".repeat(2048) + "f"; // 4097 bytes
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w2"))) {
            RamdiskException e = limit(() -> f.applyLayer(new ByteArrayInputStream(new Layer()
                    .file(tooLong, 0644, 0, "").tarBytes()), "layer"));
            assertTrue(e.getMessage().contains("a path of 4097 bytes, longer than 4096"), e.getMessage());
        }
    }

    @Test
    void componentsAboveNameMaxAreRefused() throws Exception {
        String name255 = "n".repeat(255);
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w1"))) {
            f.applyLayer(new ByteArrayInputStream(new Layer().file("d/" + name255, 0644, 0, "").tarBytes()), "l");
            assertEquals("d/" + name255, f.exportEntries().get(1).name());
        }
        String name256 = "é".repeat(128); // 256 bytes of UTF-8 in 128 characters
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w2"))) {
            RamdiskException e = limit(() -> f.applyLayer(new ByteArrayInputStream(new Layer()
                    .file("d/" + name256, 0644, 0, "").tarBytes()), "layer"));
            assertTrue(e.getMessage().contains("a path component of 256 bytes, longer than 255"), e.getMessage());
        }
    }

    @Test
    void symlinkTargetsAbovePathMaxAreRefused() throws Exception {
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w"))) {
            RamdiskException e = limit(() -> f.applyLayer(new ByteArrayInputStream(new Layer()
                    .symlink("link", "/t".repeat(2049), 0).tarBytes()), "layer"));
            assertTrue(e.getMessage().contains("symlink link has a target longer than 4096 bytes"), e.getMessage());
        }
    }

    /** A huge GNU long name or PAX path is refused while it is read, not gathered into memory first. */
    @Test
    void oversizedEntryHeadersAreRefusedWhileTheyAreRead() throws Exception {
        String longName = "x/".repeat(300_000) + "f"; // 600 KB of name
        byte[] paxRecord = paxRecord("path", longName);
        for (TarArchiveEntry meta : List.of(new TarArchiveEntry("././@LongLink", TarArchiveEntry.LF_GNUTYPE_LONGNAME),
                new TarArchiveEntry("PaxHeaders/f", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC))) {
            byte[] data = meta.isGNULongNameEntry() ? longName.getBytes(StandardCharsets.UTF_8) : paxRecord;
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (TarArchiveOutputStream tar = new TarArchiveOutputStream(b, "UTF-8")) {
                meta.setSize(data.length);
                tar.putArchiveEntry(meta);
                tar.write(data);
                tar.closeArchiveEntry();
                tar.putArchiveEntry(new TarArchiveEntry("f"));
                tar.closeArchiveEntry();
            }
            try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w" + meta.getLinkFlag()))) {
                CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(b.toByteArray()));
                RamdiskException e = limit(() -> f.applyLayer(in, "layer"));
                assertTrue(e.getMessage().contains("the headers of one entry"), e.getMessage());
                assertTrue(in.getByteCount() <= ImageLimits.MAX_HEADER_BYTES + 64 * 1024, "read " + in.getByteCount());
            }
        }
    }

    /** One PAX record, {@code "<length> <key>=<value>\n"}, its length counting its own digits. */
    static byte[] paxRecord(String key, String value) {
        int rest = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = rest + 1;
        while (String.valueOf(length).length() + rest != length) {
            length++;
        }
        return (length + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void entriesWithMoreThan128PaxRecordsAreRefused() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(b, "UTF-8")) {
            TarArchiveEntry e = new TarArchiveEntry("f");
            for (int i = 0; i < 129; i++) {
                e.addPaxHeader("SCHILY.xattr.user.a" + i, "v");
            }
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w"))) {
            RamdiskException e = limit(() -> f.applyLayer(new ByteArrayInputStream(b.toByteArray()), "layer"));
            assertTrue(e.getMessage().contains("carries 129 PAX records"), e.getMessage());
        }
    }

    /** Names and link targets held in memory are bounded too: 128 bytes per allowed entry. */
    @Test
    void namesAndLinkTargetsKeptInMemoryAreBounded() throws Exception {
        Layer layer = new Layer();
        for (int i = 0; i < 4; i++) {
            layer.symlink("l" + i, "/" + "t".repeat(4000), 0);
        }
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w"), ImageLimits.defaults().withMaxEntries(100))) {
            RamdiskException e = limit(() -> f.applyLayer(new ByteArrayInputStream(layer.tarBytes()), "layer"));
            assertTrue(e.getMessage().contains("names and link targets of the image take more than 12800 bytes"),
                    e.getMessage());
        }
    }

    /** A file of 5 GiB: only its header exists, and nothing but the header is read. */
    @Test
    void filesCpioCannotHoldFailBeforeTheyAreSpooled() throws Exception {
        TarArchiveEntry big = new TarArchiveEntry("big");
        big.setSize(5L << 30);
        byte[] header = new byte[512];
        big.writeEntryHeader(header);
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w"))) {
            RamdiskException e = assertThrows(RamdiskException.class,
                    () -> f.applyLayer(new ByteArrayInputStream(header), "layer"));
            assertEquals(RamdiskException.Code.IMAGE_UNSUPPORTED, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("a newc cpio entry holds at most 4294967295"), e.getMessage());
        }
    }

    /** A sparse file (PAX 1.0): its holes would come out of the tar reader without being read, so it is refused. */
    @Test
    void sparseFilesAreRefused() throws Exception {
        ByteArrayOutputStream pax = new ByteArrayOutputStream();
        pax.write(paxRecord("GNU.sparse.major", "1"));
        pax.write(paxRecord("GNU.sparse.minor", "0"));
        pax.write(paxRecord("GNU.sparse.name", "sparse"));
        pax.write(paxRecord("GNU.sparse.realsize", String.valueOf(1L << 30)));
        byte[] map = java.util.Arrays.copyOf("1\n1073741823\n1\n".getBytes(StandardCharsets.US_ASCII), 512);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(b, "UTF-8")) {
            TarArchiveEntry header = new TarArchiveEntry("PaxHeaders/sparse", TarArchiveEntry.LF_PAX_EXTENDED_HEADER_LC);
            header.setSize(pax.size());
            tar.putArchiveEntry(header);
            tar.write(pax.toByteArray());
            tar.closeArchiveEntry();
            TarArchiveEntry data = new TarArchiveEntry("GNUSparseFile.0/sparse");
            data.setSize(513);
            tar.putArchiveEntry(data);
            tar.write(map);
            tar.write('x');
            tar.closeArchiveEntry();
        }
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w"))) {
            RamdiskException e = assertThrows(RamdiskException.class,
                    () -> f.applyLayer(new ByteArrayInputStream(b.toByteArray()), "layer"));
            assertEquals(RamdiskException.Code.IMAGE_UNSUPPORTED, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("entry sparse is a sparse file"), e.getMessage());
            assertEquals(0, spoolBytes(dir.resolve("w")), "nothing of its gigabyte was spooled");
        }
    }

    @Test
    void ownersAboveWhatCpioStoresFailAsUnsupported() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(b, "UTF-8")) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            TarArchiveEntry e = new TarArchiveEntry("f");
            e.setUserId(1L << 33);
            tar.putArchiveEntry(e);
            tar.closeArchiveEntry();
        }
        try (RootfsFlattener f = new RootfsFlattener(dir.resolve("w"))) {
            RamdiskException e = assertThrows(RamdiskException.class,
                    () -> f.applyLayer(new ByteArrayInputStream(b.toByteArray()), "layer"));
            assertEquals(RamdiskException.Code.IMAGE_UNSUPPORTED, e.code(), e.getMessage());
        }
    }

    @Test
    void moreThan256LayersAreRefused() throws Exception {
        byte[][] layers = new byte[257][];
        byte[] one = new Layer().file("f", 0644, 0, "").tarBytes();
        java.util.Arrays.fill(layers, one);
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, false, layers);
        RamdiskException e = limit(() -> ImageArchive.open(image).close());
        assertTrue(e.getMessage().contains("257 layers, more than 256"), e.getMessage());
        Path ok = TestImages.dockerSave(dir.resolve("ok.tar"), CONFIG, false, java.util.Arrays.copyOf(layers, 256));
        try (ImageArchive a = ImageArchive.open(ok)) {
            assertEquals(256, a.layerCount());
        }
    }

    @Test
    void imageJsonWithTooManyTokensOrTooDeepIsRefused() throws Exception {
        String manyTokens = CONFIG.substring(0, CONFIG.length() - 1) + ",\"history\":["
                + "0,".repeat(ImageArchive.MAX_JSON_TOKENS) + "0]}";
        Path image = TestImages.dockerSave(dir.resolve("a.tar"), manyTokens, new Layer());
        RamdiskException e = limit(() -> ImageArchive.open(image).close());
        assertTrue(e.getMessage().contains("config.json exceeds what image metadata may hold"), e.getMessage());

        String deep = CONFIG.substring(0, CONFIG.length() - 1) + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        Path image2 = TestImages.dockerSave(dir.resolve("b.tar"), deep, new Layer());
        limit(() -> ImageArchive.open(image2).close());
    }

    /** The image tarball itself: thousands of entries, or huge names, exhaust a fixed header budget. */
    @Test
    void imageTarballHeadersAreBounded() throws Exception {
        Path many = dir.resolve("many.tar");
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(many), "UTF-8")) {
            for (int i = 0; i < ImageLimits.MAX_ARCHIVE_HEADER_BYTES / 512 + 1; i++) {
                tar.putArchiveEntry(new TarArchiveEntry("junk/" + i));
                tar.closeArchiveEntry();
            }
        }
        RamdiskException e = limit(() -> ImageArchive.open(many).close());
        assertTrue(e.getMessage().contains("the tar headers of the image tarball take more than"), e.getMessage());
    }

    /** Contents of the image tarball are stepped over, not read: a big layer costs nothing to index. */
    @Test
    void indexingTheImageTarballReadsOnlyHeaders() throws Exception {
        GzipLayer layer = new GzipLayer().zeros("f", 32 * MIB);
        byte[] random = TestImages.randomBytes(8 * (int) MIB, 7); // incompressible: the layer blob is 8 MiB
        byte[] bigTar = new Layer().file("r", 0644, 0, 0, 0, random).tarBytes();
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, false, bigTar, layer.finish());
        assertTrue(Files.size(image) > 8 * MIB);
        // the header budget is 4 MiB: reading the 8 MiB layer would have exhausted it
        try (ImageArchive a = ImageArchive.open(image)) {
            assertEquals(2, a.layerCount());
            try (InputStream in = a.openLayer(0)) {
                assertEquals(bigTar.length, in.readAllBytes().length, "the layer reads back whole");
            }
        }
        List<String> names = new ArrayList<>();
        try (ImageArchive a = ImageArchive.open(image); RootfsFlattener f = RootfsFlattener.of(a, dir.resolve("w"))) {
            f.exportEntries().forEach(x -> names.add(x.name()));
        }
        assertTrue(names.contains("r") && names.contains("f"), names.toString());
    }

    /** A tarball cut inside a member's contents: stepping over them reaches the end of the file too early. */
    @Test
    void truncatedImageTarballIsUnreadable() throws Exception {
        byte[] layer = new Layer().file("f", 0644, 0, 0, 0, TestImages.randomBytes(8192, 3)).tarBytes();
        Path image = TestImages.dockerSave(dir.resolve("img.tar"), CONFIG, false, layer);
        Path cut = Files.write(dir.resolve("cut.tar"), java.util.Arrays.copyOf(Files.readAllBytes(image), 512 + 5000));
        RamdiskException e = assertThrows(RamdiskException.class, () -> ImageArchive.open(cut).close());
        assertEquals(RamdiskException.Code.IMAGE_UNREADABLE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("the tarball is truncated"), e.getMessage());
    }
}

package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Run by {@link ImageEntryBombTest} in a JVM with a small heap: flattens the one layer of an image tarball with the
 * default limits and prints what happened — the error code and message, the entries read, how long it took, and
 * the heap the tree of what was read takes.
 *
 * <p>Arguments: image tarball, work directory.
 */
public final class ImageEntryBombFork {
    private ImageEntryBombFork() {}

    public static void main(String[] args) throws Exception {
        System.out.println("maxMemory " + Runtime.getRuntime().maxMemory());
        long baseline = usedAfterGc();
        long t0 = System.nanoTime();
        try (ImageArchive image = ImageArchive.open(Path.of(args[0]));
                RootfsFlattener f = new RootfsFlattener(Path.of(args[1]))) {
            try (InputStream layer = image.openLayer(0)) {
                f.applyLayer(layer, image.layerName(0));
                System.out.println("code none");
            } catch (RamdiskException e) {
                System.out.println("code " + e.code());
                System.out.println("message " + e.getMessage());
            }
            System.out.println("millis " + (System.nanoTime() - t0) / 1_000_000);
            System.out.println("entries " + f.entriesRead());
            // The flattener, and the tree of everything it read, is still reachable here.
            System.out.println("treeBytes " + (usedAfterGc() - baseline));
        }
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}

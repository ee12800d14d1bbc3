package dev.attested.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base-image fixture of the reproducibility tests must itself be reproducible: two projects made a clock second
 * apart must hold the same tarball, or their manifests (which record its SHA-256) differ
 * ({@code BuildEifReproducibilityTest} failed that way on a loaded machine).
 */
class DockerSaveTarballTest {
    @TempDir
    Path dir;

    @Test
    void everyEntryOuterAndInnerHasAFixedTimeAndNoOwnerName() throws Exception {
        Path tar = DockerSaveTarball.withOneFile(dir.resolve("jre.tar"), "usr/bin/java", "#!/bin/sh\n");
        List<TarArchiveEntry> outer = new ArrayList<>();
        byte[] layer = null;
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                outer.add(e);
                if (e.getName().equals("layer/layer.tar")) {
                    layer = in.readAllBytes();
                }
            }
        }
        assertEquals(List.of("layer/layer.tar", "config.json", "manifest.json"),
                outer.stream().map(TarArchiveEntry::getName).toList());
        List<TarArchiveEntry> all = new ArrayList<>(outer);
        all.addAll(entries(new ByteArrayInputStream(layer)));
        assertEquals(5, all.size());
        for (TarArchiveEntry e : all) {
            assertEquals(1_000_000L, e.getModTime().getTime(), e.getName());
            assertEquals("", e.getUserName(), e.getName());
            assertEquals("", e.getGroupName(), e.getName());
        }
    }

    private static List<TarArchiveEntry> entries(InputStream bytes) throws IOException {
        List<TarArchiveEntry> list = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(bytes)) {
            for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
                list.add(e);
            }
        }
        return list;
    }
}

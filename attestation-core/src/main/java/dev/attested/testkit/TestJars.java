package dev.attested.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Writes small real jars whose entries carry given Unix permissions (as Maven's jar plugin records them) and,
 * like many jars on Maven Central, extended-timestamp extra fields beside their DOS times.
 */
public final class TestJars {
    private static final FileTime TIME = FileTime.fromMillis(1767225600000L);

    private TestJars() {}

    public static Path write(Path file, int dirMode, int fileMode, String className) throws IOException {
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(file.toFile())) {
            ZipArchiveEntry dir = new ZipArchiveEntry("com/example/");
            dir.setUnixMode(040000 | dirMode);
            dir.setLastModifiedTime(TIME);
            z.putArchiveEntry(dir);
            z.closeArchiveEntry();
            ZipArchiveEntry cls = new ZipArchiveEntry("com/example/" + className + ".class");
            cls.setUnixMode(0100000 | fileMode);
            cls.setLastModifiedTime(TIME);
            z.putArchiveEntry(cls);
            z.write(("class file stand-in for " + className).getBytes(StandardCharsets.US_ASCII));
            z.closeArchiveEntry();
        }
        return file;
    }
}

package dev.attested.release;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every file and directory under a root (hidden ones too): relative path → SHA-256 and modification time. */
final class BundleSnapshot {
    private BundleSnapshot() {}

    static Map<String, String> of(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = root.relativize(p).toString();
                out.put(name, Files.isDirectory(p) ? "dir"
                        : Sha256Sums.of(p) + " " + Files.getLastModifiedTime(p).toInstant());
            }
        }
        return out;
    }
}

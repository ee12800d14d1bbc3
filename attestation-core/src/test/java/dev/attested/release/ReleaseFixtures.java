package dev.attested.release;

import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/** A small EIF-shaped file with its manifests; the bundle code does not parse EIF bytes. */
final class ReleaseFixtures {
    static final String TIMESTAMP = "2026-01-01T00:00:00Z";

    private ReleaseFixtures() {}

    static Path eif(Path dir, String content) throws IOException {
        Path f = dir.resolve("app-1.0.0.eif");
        Files.createDirectories(dir);
        Files.write(f, content.getBytes(StandardCharsets.UTF_8));
        return f;
    }

    /** A manifest for {@code eif} whose PCRs are derived from {@code kernel}, {@code app}. */
    static PcrManifest manifest(Path eif, String kernel, String app, TreeMap<String, String> blobs, String base)
            throws IOException {
        TreeMap<Integer, Pcr> pcrs = new TreeMap<>();
        pcrs.put(1, Pcr.ofContent(kernel.getBytes(StandardCharsets.UTF_8)));
        pcrs.put(2, Pcr.ofContent(app.getBytes(StandardCharsets.UTF_8)));
        pcrs.put(0, Pcr.ofContent((kernel + app).getBytes(StandardCharsets.UTF_8)));
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put("plugin", "0.1.0");
        return PcrManifest.of(new PcrManifest.Eif(eif.getFileName().toString(), Sha256Sums.of(eif), Files.size(eif)),
                pcrs, new PcrManifest.Image("app", "1.0.0", "sha256:" + Sha256Sums.of(app.getBytes(StandardCharsets.UTF_8)), base),
                blobs, "console=ttyS0", "native", "x86_64", tools, TIMESTAMP);
    }

    static TreeMap<String, String> blobs(String kernelSha) {
        TreeMap<String, String> blobs = new TreeMap<>();
        blobs.put("bzImage", kernelSha);
        blobs.put("init", "11".repeat(32));
        blobs.put("nsm.ko", "22".repeat(32));
        return blobs;
    }

    static BuildManifest build(PcrManifest m, String revision, String jdk) {
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put("jdk", jdk);
        tools.put("jdk.vendor", "Eclipse Adoptium");
        tools.put("maven", "3.9.11");
        tools.put("plugin", "0.1.0");
        return BuildManifest.of("com.example:app", "1.0.0", null,
                new BuildManifest.Source("https://example.com/app.git", revision, "refs/heads/main"), tools, m);
    }
}

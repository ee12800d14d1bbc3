package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same project built twice — different directories, time zones, locales, umasks (also as recorded in the
 * jars) and file times, each in its own JVM — gives a byte-identical EIF and PCR manifest. The jars carry
 * extended-timestamp extra fields, as many on Maven Central do: their DOS times must not pass through the zone.
 */
class BuildEifReproducibilityTest {
    @TempDir
    Path dir;

    @Test
    void twoBuildsInDifferentEnvironmentsAreByteIdentical() throws Exception {
        Path a = MojoProjects.create(dir.resolve("first/checkout"));
        Path b = MojoProjects.create(dir.resolve("second/somewhere/else"), 0700, 0600); // jars built under umask 077
        try (Stream<Path> files = Files.walk(b)) {
            for (Path p : files.toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(1_234_567_890_123L));
            }
        }
        Files.setPosixFilePermissions(b.resolve("src/main/enclave/etc/app.conf"),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        fork(a, "UTC", "C", "022");
        fork(b, "America/St_Johns", "tr_TR.UTF-8", "077"); // DST and a non-hour offset

        for (String f : List.of("app-1.0.eif", "pcr-manifest.json", "app-1.0-image.tar")) {
            assertArrayEquals(Files.readAllBytes(a.resolve("target/attestation/" + f)),
                    Files.readAllBytes(b.resolve("target/attestation/" + f)), f);
        }
    }

    private static void fork(Path project, String tz, String lang, String umask) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "umask " + umask + " && exec \"$0\" \"$@\"", java,
                "-cp", System.getProperty("java.class.path"), "-Duser.timezone=" + tz, BuildEifFork.class.getName(),
                project.toString());
        pb.environment().put("TZ", tz);
        pb.environment().put("LANG", lang);
        pb.environment().put("LC_ALL", lang);
        pb.environment().remove("NITRO_CLI_BLOBS");
        pb.redirectErrorStream(true);
        pb.redirectOutput(project.resolve("build.log").toFile());
        Process p = pb.start();
        int exit = p.waitFor();
        assertEquals(0, exit, () -> "build in " + project + " failed:\n" + read(project.resolve("build.log")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}

package dev.attested.it;

import dev.attested.eif.EifArchitecture;
import dev.attested.enclave.BootBlobs;
import dev.attested.enclave.EifBuild;
import dev.attested.image.BaseImage;
import dev.attested.image.EnclaveBuild;
import dev.attested.image.ImageSource;
import dev.attested.image.Launch;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds this project's EIF through the library, with what the pom gives attestation:build-eif, and fails unless the
 * EIF, the image tarball, the manifest and PCR0/1/2 are the goal's, byte for byte.
 *
 * <p>Arguments: project directory, application jar, file holding the runtime classpath, plugin version.
 */
public final class ApiBuild {
    private ApiBuild() {}

    public static void main(String[] args) throws Exception {
        Path project = Path.of(args[0]);
        Path jar = Path.of(args[1]);
        List<Path> classpath = Arrays.stream(Files.readString(Path.of(args[2])).trim().split(File.pathSeparator))
                .filter(s -> !s.isEmpty()).map(Path::of).toList();
        String pluginVersion = args[3];
        Path out = project.resolve("target/api-build");

        EnclaveBuild.Request request = EnclaveBuild.Request.builder(
                        new ImageSource.JavaApplication(Optional.of(jar), classpath,
                                new Launch.MainClass("dev.attested.it.Main"), BaseImage.parse("scratch", project),
                                Optional.of(project.resolve("src/main/enclave")), Map.of("APP_MODE", "enclave")),
                        BootBlobs.load(project.resolve("blobs"), Optional.of(EifArchitecture.X86_64)),
                        new EifBuild.BuildTool("attestation-maven-plugin", pluginVersion),
                        out, "api-build-1.0.0")
                .imageName("api-build", "1.0.0")
                .buildTime(Instant.parse("2026-01-01T00:00:00Z"))
                .projectDirectory(project)
                .build();
        EnclaveBuild.Result result = EnclaveBuild.build(request);

        Path goal = project.resolve("target/attestation");
        same(goal.resolve("api-build-1.0.0-image.tar"), result.image().orElseThrow().tarball());
        same(goal.resolve("api-build-1.0.0.eif"), result.eif().eif());
        same(goal.resolve("pcr-manifest.json"), result.eif().manifestFile());
        for (int pcr = 0; pcr <= 2; pcr++) {
            System.out.println("ApiBuild PCR" + pcr + " " + result.eif().manifest().pcrs().get(pcr));
        }
        System.out.println("ApiBuild: the library build is byte-identical to attestation:build-eif ("
                + classpath.size() + " jars under /app/lib)");
    }

    private static void same(Path fromGoal, Path fromApi) throws Exception {
        if (!Arrays.equals(Files.readAllBytes(fromGoal), Files.readAllBytes(fromApi))) {
            throw new AssertionError(fromApi + " differs from " + fromGoal);
        }
        System.out.println("ApiBuild: " + fromApi.getFileName() + " = " + fromGoal);
    }
}

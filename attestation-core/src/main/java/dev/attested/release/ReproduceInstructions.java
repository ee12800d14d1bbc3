package dev.attested.release;

import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code REPRODUCE.md} for one release: the exact commands a consumer runs to rebuild it and compare. */
public final class ReproduceInstructions {
    public static final String FILE_NAME = "REPRODUCE.md";

    private ReproduceInstructions() {}

    /**
     * @param manifest      the released PCR manifest
     * @param build         the released build manifest
     * @param pluginVersion the plugin version to run (full coordinates, so no project configuration is needed)
     */
    public static byte[] render(PcrManifest manifest, BuildManifest build, String pluginVersion) {
        String goal = "dev.attested:attestation-maven-plugin:" + pluginVersion + ":reproduce";
        String artifact = build.project().substring(build.project().indexOf(':') + 1);
        StringBuilder md = new StringBuilder();
        md.append("# Reproducing ").append(artifact).append(' ').append(build.version()).append("\n\n");
        md.append("This release publishes an enclave image file (EIF) and the measurements it produces. ")
                .append("Rebuild it from source and check that you get the same PCRs before you trust them ")
                .append("(for example in a KMS key policy).\n\n");
        if (build.sourceDirty()) {
            BuildManifest.Source src = build.source();
            md.append("## Warning: not reproducible from a commit\n\n");
            if (src == null || src.revision() == null) {
                md.append("This release was built outside a Git checkout, so it names no source revision. ");
            } else {
                md.append("This release was built from a working tree whose tracked files differed from commit `")
                        .append(src.revision()).append("` (or could not be compared with it). ");
            }
            md.append("It was released with `-Dattestation.allowDirty=true`: the source below is not exactly the ")
                    .append("source of this EIF, and a rebuild will probably end in `REPRODUCE_PCR_MISMATCH`. ")
                    .append("Do not trust these PCRs on the strength of a rebuild; ask for a release built from a ")
                    .append("clean commit.\n\n");
        }

        md.append("## Expected measurements\n\n| PCR | SHA-384 |\n|---|---|\n");
        for (Map.Entry<Integer, String> e : manifest.pcrs().entrySet()) {
            md.append("| PCR").append(e.getKey()).append(" | `").append(e.getValue()).append("` |\n");
        }
        md.append("\nEIF `").append(manifest.eif().file()).append("`, SHA-256 `").append(manifest.eif().sha256())
                .append("`, ").append(manifest.eif().size()).append(" bytes.\n\n");

        md.append("## 1. Check the downloaded files\n\n```sh\nsha256sum -c SHA256SUMS\n```\n\n");

        md.append("## 2. Check out the source\n\n```sh\n");
        BuildManifest.Source src = build.source();
        if (src != null && src.uri() != null) {
            md.append("git clone ").append(src.uri()).append(" ").append(artifact).append('\n');
            md.append("cd ").append(artifact).append('\n');
        }
        if (src != null && src.revision() != null) {
            md.append("git checkout ").append(src.revision()).append('\n');
        } else {
            md.append("# this release was built outside a Git checkout: use the source archive of version ")
                    .append(build.version()).append('\n');
        }
        md.append("```\n\n");

        md.append("## 3. Use the recorded inputs\n\n");
        String jdk = tool(build, "jdk");
        if (jdk != null) {
            md.append("- JDK ").append(jdk);
            String vendor = tool(build, "jdk.vendor");
            if (vendor != null) {
                md.append(" (").append(vendor).append(')');
            }
            md.append(": `export JAVA_HOME=<that JDK>`. The JDK compiles your classes, which end up in PCR2.\n");
        }
        String maven = tool(build, "maven");
        if (maven != null) {
            md.append("- Maven ").append(maven).append(" (`./mvnw` pins it when the project has the wrapper).\n");
        }
        md.append("- Output timestamp `").append(build.outputTimestamp())
                .append("` (`project.build.outputTimestamp`, set in the POM of this revision).\n");
        if (build.baseImage() != null) {
            md.append("- Base image `").append(build.baseImage()).append("`.\n");
        }
        if (build.blobs() != null && !build.blobs().isEmpty()) {
            md.append("- Boot blobs (PCR0 and PCR1 depend on them): a directory holding exactly these files:\n\n");
            md.append("```\n");
            build.blobs().forEach((name, sha) -> md.append(sha).append("  ").append(name).append('\n'));
            md.append("```\n\n");
        }

        md.append("## 4. Rebuild and compare\n\n```sh\n./mvnw -B ");
        if (build.module() != null) {
            md.append("-pl ").append(build.module()).append(' ');
        }
        md.append(goal).append(" \\\n    -Dattestation.manifest=<path of the downloaded pcr-manifest.json>");
        if (build.blobs() != null && !build.blobs().isEmpty()) {
            md.append(" \\\n    -Dattestation.blobs=<directory of the boot blobs above>");
        }
        md.append("\n```\n\n");
        md.append("The goal builds a copy of the checkout (your `target/` is left alone) with the recorded output ")
                .append("timestamp, compares PCR by PCR, the EIF's SHA-256 and every recorded input (it reads ")
                .append("`build-manifest.json` next to the manifest), says which input probably caused a ")
                .append("difference, and fails if any PCR differs. Its report is written to ")
                .append("`target/attestation/reproduce-report.json`.\n\n");
        md.append("A signed release rebuilt without its key has a different EIF SHA-256 with equal PCRs: expected and ")
                .append("harmless, KMS and attestation documents only see the PCRs. Rebuilt with the release's key ")
                .append("(signatures are deterministic), the EIF is byte-identical.\n");
        return md.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String tool(BuildManifest build, String name) {
        return build.tools() == null ? null : build.tools().get(name);
    }
}

package dev.attested.release;

import dev.attested.pcr.PcrManifest;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a front end (the Maven plugin, a CLI, another build tool) knows about the build it releases or rebuilds:
 * the plain values {@link BuildManifest} records besides what the PCR manifest and the checkout say.
 *
 * @param project     the project's coordinates, e.g. {@code com.example:app}
 * @param version     the version released (names the bundle directory)
 * @param module      path of the module inside the checkout with '/' separators; {@code ""} or null for the top level
 * @param sourceUri   where the source can be cloned, or null
 * @param tools       tool name → version of the build (e.g. {@code jdk}, {@code jdk.vendor}, {@code maven},
 *                    {@code plugin}); what the PCR manifest itself records wins over these
 * @param toolVersion the version of the release tool that consumers are told to run in {@code REPRODUCE.md}
 */
public record BuildInputs(String project, String version, String module, String sourceUri,
        SortedMap<String, String> tools, String toolVersion) {

    public BuildInputs {
        if (project == null || project.isBlank()) {
            throw new IllegalArgumentException("project is required");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("version is required");
        }
        if (toolVersion == null || toolVersion.isBlank()) {
            throw new IllegalArgumentException("toolVersion is required");
        }
        tools = Collections.unmodifiableSortedMap(new TreeMap<>(tools == null ? new TreeMap<>() : tools));
    }

    /** The running JVM as build tools: {@code jdk} (java.version) and {@code jdk.vendor} (java.vendor). */
    public static SortedMap<String, String> runningJdk() {
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put("jdk", System.getProperty("java.version"));
        tools.put("jdk.vendor", System.getProperty("java.vendor"));
        return tools;
    }

    /** The build manifest of a release of {@code manifest}, built from the inspected {@code tree}. */
    public BuildManifest forRelease(PcrManifest manifest, WorkingTree tree) {
        SourceRevision rev = tree.revision();
        return of(manifest, rev == null ? new BuildManifest.Source(sourceUri, null, null, true)
                : new BuildManifest.Source(sourceUri, rev.commit(), rev.ref(), tree.dirty()));
    }

    /**
     * The build manifest of a rebuild: the source revision is read from the {@code .git} holding
     * {@code sourceRoot} (none when null or outside a checkout); the working tree is not checked.
     */
    public BuildManifest forRebuild(PcrManifest manifest, Path sourceRoot) {
        Optional<SourceRevision> rev = sourceRoot == null ? Optional.empty() : SourceRevision.find(sourceRoot);
        return of(manifest, rev.map(r -> new BuildManifest.Source(sourceUri, r.commit(), r.ref())).orElse(null));
    }

    private BuildManifest of(PcrManifest manifest, BuildManifest.Source source) {
        TreeMap<String, String> all = new TreeMap<>(tools);
        if (manifest.tools() != null) {
            all.putAll(manifest.tools()); // what the EIF build recorded wins over what this process says
        }
        return BuildManifest.of(project, version, module, source, all, manifest);
    }
}

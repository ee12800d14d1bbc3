package dev.attested.maven;

import dev.attested.pcr.PcrManifest;
import dev.attested.release.BuildManifest;
import dev.attested.release.SourceRevision;
import dev.attested.release.WorkingTree;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Scm;
import org.apache.maven.project.MavenProject;
import org.apache.maven.rtinfo.RuntimeInformation;

/** What the release and reproduce goals record about the build: project, module, source, JDK, Maven, plugin. */
final class ReleaseInputs {
    private final MavenProject project;
    private final MavenSession session;
    private final RuntimeInformation runtime;
    private final String pluginVersion;

    ReleaseInputs(MavenProject project, MavenSession session, RuntimeInformation runtime, String pluginVersion) {
        this.project = project;
        this.session = session;
        this.runtime = runtime;
        this.pluginVersion = pluginVersion;
    }

    /** The checkout's top directory: where {@code .mvn} is, else the execution root. */
    Path rootDirectory() {
        File dir = session.getRequest().getMultiModuleProjectDirectory();
        if (dir == null) {
            dir = new File(session.getExecutionRootDirectory());
        }
        return dir.toPath().toAbsolutePath().normalize();
    }

    /** Path of this module relative to the root, {@code ""} for the top level (with '/' separators). */
    String modulePath() {
        Path rel = rootDirectory().relativize(project.getBasedir().toPath().toAbsolutePath().normalize());
        return rel.toString().replace(File.separatorChar, '/');
    }

    /**
     * The build manifest of a rebuild (reproduce): the source revision is read from {@code .git}, the working tree
     * is not checked.
     */
    BuildManifest buildManifest(PcrManifest manifest) {
        Optional<SourceRevision> rev = SourceRevision.find(project.getBasedir().toPath());
        return buildManifest(manifest, rev.map(r -> new BuildManifest.Source(scmUri(), r.commit(), r.ref()))
                .orElse(null));
    }

    /** The build manifest of a release of {@code manifest}, built from {@code tree}. */
    BuildManifest buildManifest(PcrManifest manifest, WorkingTree tree) {
        SourceRevision rev = tree.revision();
        return buildManifest(manifest, rev == null ? new BuildManifest.Source(scmUri(), null, null, true)
                : new BuildManifest.Source(scmUri(), rev.commit(), rev.ref(), tree.dirty()));
    }

    private BuildManifest buildManifest(PcrManifest manifest, BuildManifest.Source source) {
        TreeMap<String, String> tools = new TreeMap<>();
        tools.put("jdk", System.getProperty("java.version"));
        tools.put("jdk.vendor", System.getProperty("java.vendor"));
        tools.put("maven", runtime.getMavenVersion());
        tools.put("plugin", pluginVersion);
        if (manifest.tools() != null) {
            tools.putAll(manifest.tools()); // what build-eif recorded wins over what this JVM says
        }
        return BuildManifest.of(project.getGroupId() + ":" + project.getArtifactId(), project.getVersion(),
                modulePath(), source, tools, manifest);
    }

    private String scmUri() {
        Scm scm = project.getScm();
        if (scm == null) {
            return null;
        }
        String c = scm.getConnection() != null ? scm.getConnection() : scm.getUrl();
        if (c == null) {
            return null;
        }
        return c.startsWith("scm:git:") ? c.substring("scm:git:".length()) : c;
    }
}

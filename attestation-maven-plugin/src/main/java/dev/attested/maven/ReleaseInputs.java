package dev.attested.maven;

import dev.attested.release.BuildInputs;
import java.io.File;
import java.nio.file.Path;
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

    /** What the release and reproduce API records about this Maven build. */
    BuildInputs buildInputs() {
        TreeMap<String, String> tools = new TreeMap<>(BuildInputs.runningJdk());
        tools.put("maven", runtime.getMavenVersion());
        tools.put("plugin", pluginVersion);
        return new BuildInputs(project.getGroupId() + ":" + project.getArtifactId(), project.getVersion(),
                modulePath(), scmUri(), tools, pluginVersion);
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

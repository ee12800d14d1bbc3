package dev.attested.maven;

import dev.attested.enclave.EifBuild;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.jar.JarFile;
import org.apache.maven.model.Plugin;
import org.apache.maven.model.PluginExecution;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.project.MavenProject;
import org.codehaus.plexus.util.xml.Xpp3Dom;

/** The log lines of {@code build-eif}; they end with the PCR table. */
final class BuildEifReport {
    private BuildEifReport() {}

    static void log(Log log, EifBuild.Result r) {
        PcrManifest m = r.manifest();
        if (r.imageConfig() != null && r.imageConfig().entrypointIgnored()) {
            log.warn("The image has both Entrypoint and Cmd; like nitro-cli, the enclave runs Cmd alone: "
                    + r.imageConfig().cmd());
        }
        r.nativePcrs().ifPresent(nativePcrs -> {
            SortedMap<Integer, Pcr> built = m.pcrValues();
            if (nativePcrs.equals(built)) {
                log.info("The native build of the same image gives the same PCRs as nitro-cli.");
            } else {
                log.warn("The native build of the same image gives different PCRs than nitro-cli:");
                nativePcrs.forEach((k, v) -> log.warn("  native PCR" + k + " " + v.hex()
                        + (v.equals(built.get(k)) ? "" : "  (nitro-cli " + (built.get(k) == null ? "-" : built.get(k).hex()) + ")")));
            }
        });
        log.info("EIF      " + r.eif() + " (" + m.eif().size() + " bytes, sha256 " + m.eif().sha256() + ")");
        log.info("Manifest " + r.manifestFile());
        log.info("Mode " + m.mode() + ", " + m.arch() + ", build time " + m.outputTimestamp());
        log.info("+------+--------------------------------------------------------------------------------------------------+");
        log.info("| PCR  | " + pad(m.hashAlgorithm(), 96) + " |");
        log.info("+------+--------------------------------------------------------------------------------------------------+");
        for (Map.Entry<Integer, String> e : m.pcrs().entrySet()) {
            log.info("| " + pad("PCR" + e.getKey(), 4) + " | " + e.getValue() + " |");
        }
        log.info("+------+--------------------------------------------------------------------------------------------------+");
    }

    /** The property Maven's plugins take their fixed time from. */
    static final String OUTPUT_TIMESTAMP = "project.build.outputTimestamp";
    private static final String RULE = "*".repeat(100);

    /**
     * Says loudly what will make this EIF differ from a rebuild of the same commit, and the line that fixes it:
     * no {@code project.build.outputTimestamp} (maven-jar-plugin then stamps the wall clock into the jar), and a
     * jar manifest recording the JDK that runs Maven ({@code Build-Jdk-Spec}) without the pom pinning it.
     */
    static void warnIfNotReproducible(Log log, String outputTimestamp, Path jar, MavenProject project) {
        if (jar == null) {
            return;
        }
        if (outputTimestamp == null || outputTimestamp.trim().length() <= 1) {
            log.warn(RULE);
            log.warn(OUTPUT_TIMESTAMP + " is not set: this EIF is NOT reproducible.");
            log.warn("maven-jar-plugin writes the current time into every entry of " + jar.getFileName()
                    + ", so PCR2, PCR0, the EIF's SHA-256 and");
            log.warn("pcr-manifest.json change with every build, and nobody can rebuild and check them."
                    + " Add this line to <properties> in pom.xml");
            log.warn("(any fixed instant; the release commit's time is a good choice):");
            log.warn("    <" + OUTPUT_TIMESTAMP + ">2026-01-01T00:00:00Z</" + OUTPUT_TIMESTAMP + ">");
            log.warn(RULE);
        }
        String jdkSpec = buildJdkSpec(jar);
        if (jdkSpec != null && !buildJdkSpecPinned(project)) {
            String release = project.getProperties().getProperty("maven.compiler.release",
                    project.getProperties().getProperty("maven.compiler.target", jdkSpec));
            log.warn("The application jar records the JDK that runs Maven (Build-Jdk-Spec: " + jdkSpec
                    + " in META-INF/MANIFEST.MF, written by maven-jar-plugin): built with another JDK it is another jar,"
                    + " with another PCR2 and PCR0. Pin it in maven-jar-plugin's <configuration>: <archive><manifestEntries>"
                    + "<Build-Jdk-Spec>" + release + "</Build-Jdk-Spec></manifestEntries></archive>");
        }
    }

    /** The jar manifest's {@code Build-Jdk-Spec}, or null when it has none (or cannot be read: the build says so). */
    static String buildJdkSpec(Path jar) {
        try (JarFile j = new JarFile(jar.toFile(), false)) {
            return j.getManifest() == null ? null : j.getManifest().getMainAttributes().getValue("Build-Jdk-Spec");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether the pom sets {@code archive/manifestEntries/Build-Jdk-Spec} for maven-jar-plugin. */
    static boolean buildJdkSpecPinned(MavenProject project) {
        Plugin jarPlugin = project.getPlugin("org.apache.maven.plugins:maven-jar-plugin");
        if (jarPlugin == null) {
            return false;
        }
        if (setsBuildJdkSpec(jarPlugin.getConfiguration())) {
            return true;
        }
        for (PluginExecution e : jarPlugin.getExecutions()) {
            if ("default-jar".equals(e.getId()) && setsBuildJdkSpec(e.getConfiguration())) {
                return true;
            }
        }
        return false;
    }

    private static boolean setsBuildJdkSpec(Object configuration) {
        if (!(configuration instanceof Xpp3Dom dom)) {
            return false;
        }
        Xpp3Dom archive = dom.getChild("archive");
        Xpp3Dom entries = archive == null ? null : archive.getChild("manifestEntries");
        return entries != null && entries.getChild("Build-Jdk-Spec") != null;
    }

    private static String pad(String s, int n) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < n) {
            sb.append(' ');
        }
        return sb.toString();
    }
}

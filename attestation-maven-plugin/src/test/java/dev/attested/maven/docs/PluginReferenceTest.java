package dev.attested.maven.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docs/plugin-reference.md} is what the built plugin descriptor says, so the parameter reference can never
 * drift from the mojos. With {@code -Dattested.docs.regenerate=true} the test rewrites the page instead.
 */
class PluginReferenceTest {

    static final Path DESCRIPTOR = Path.of("target", "plugin-enhanced.xml");

    @Test
    void committedReferenceIsWhatTheDescriptorSays() throws IOException {
        assertTrue(Files.isRegularFile(DESCRIPTOR),
                DESCRIPTOR.toAbsolutePath() + " does not exist: maven-plugin-plugin writes it in process-classes");
        Path page = Repository.root().resolve("docs/plugin-reference.md");
        String expected = PluginReference.render(DESCRIPTOR);
        if (Boolean.getBoolean("attested.docs.regenerate")) {
            PluginReference.write(page, expected);
            return;
        }
        assertTrue(Files.isRegularFile(page), page + " is missing; create it with: " + PluginReference.REGENERATE);
        String committed = Files.readString(page);
        if (!committed.equals(expected)) {
            fail("docs/plugin-reference.md differs from the plugin descriptor (first difference at line "
                    + firstDifferingLine(committed, expected) + "). Regenerate it from the repository root with:\n  "
                    + PluginReference.REGENERATE);
        }
    }

    @Test
    void everyGoalAndEveryEditableParameterIsListed() throws IOException {
        List<PluginReference.Goal> goals = PluginReference.read(DESCRIPTOR);
        Set<String> names = goals.stream().map(PluginReference.Goal::name).collect(Collectors.toSet());
        assertTrue(names.containsAll(Set.of("build-eif", "describe-eif", "kms-policy", "package-blobs", "release",
                "reproduce", "verify")), names.toString());
        String page = PluginReference.render(DESCRIPTOR);
        for (PluginReference.Goal goal : goals) {
            assertTrue(page.contains("\n## " + goal.name() + "\n"), goal.name());
            for (PluginReference.Parameter p : goal.parameters()) {
                assertTrue(page.contains("| `" + p.name() + "` |"), goal.name() + " " + p.name());
            }
        }
        // injected read-only values are not user parameters
        assertFalse(page.contains("| `project` |"));
        assertFalse(page.contains("| `repositorySession` |"));
    }

    @Test
    void javadocHtmlBecomesMarkdownWithoutEntities(@TempDir Path dir) throws IOException {
        Path descriptor = dir.resolve("plugin.xml");
        Files.writeString(descriptor, """
                <plugin><name>p</name><groupId>g</groupId><artifactId>a-plugin</artifactId><goalPrefix>a</goalPrefix>
                <mojos><mojo><goal>go</goal>
                <description>Does &lt;b&gt;x&lt;/b&gt;.&lt;p&gt;Second &lt;code&gt;a|b &amp;lt;c&amp;gt;&lt;/code&gt; paragraph.&lt;/p&gt;&lt;ul&gt;&lt;li&gt;one&lt;/li&gt;&lt;li&gt;two&lt;/li&gt;&lt;/ul&gt;</description>
                <requiresProject>false</requiresProject><threadSafe>true</threadSafe>
                <parameters>
                  <parameter><name>in</name><type>java.io.File</type><required>true</required><editable>true</editable>
                    <description>The &lt;code&gt;&amp;lt;file&amp;gt;&lt;/code&gt; to read; a|b, &amp;lt;name&amp;gt; and *stars*.</description></parameter>
                  <parameter><name>session</name><type>java.lang.Object</type><required>false</required><editable>false</editable>
                    <description>injected</description></parameter>
                </parameters>
                <configuration><in implementation="java.io.File" default-value="${basedir}/x">${a.in}</in></configuration>
                </mojo></mojos></plugin>
                """);
        String page = PluginReference.render(descriptor);
        assertTrue(page.contains("Does **x**.\n\nSecond `a|b <c>` paragraph.\n\n- one\n- two\n"), page);
        assertTrue(page.contains("| `in` | `File` | `a.in` | `${basedir}/x` | yes | The `<file>` to read; a\\|b,"
                + " \\<name> and \\*stars\\*. |"), page);
        assertFalse(page.contains("session"), page);
        assertFalse(page.contains("&lt;") || page.contains("&gt;") || page.contains("&amp;"), page);
        assertEquals(page, PluginReference.render(descriptor), "rendering is deterministic");
    }

    private static int firstDifferingLine(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!x[i].equals(y[i])) {
                return i + 1;
            }
        }
        return Math.min(x.length, y.length) + 1;
    }
}

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

    /**
     * The goal pages list what parameters mean together under a link to the reference; every parameter such a list
     * names must still be a parameter of that goal (a renamed parameter leaves no stale name behind).
     */
    @Test
    void parameterListsOnTheGoalPagesNameRealParameters() throws IOException {
        java.util.Map<String, Set<String>> parameters = new java.util.HashMap<>();
        for (PluginReference.Goal goal : PluginReference.read(DESCRIPTOR)) {
            parameters.put(goal.name(), goal.parameters().stream().map(PluginReference.Parameter::name)
                    .collect(Collectors.toSet()));
        }
        List<String> stale = new java.util.ArrayList<>();
        int checked = 0;
        java.util.regex.Pattern link = java.util.regex.Pattern.compile("\\(plugin-reference\\.md#([a-z-]+)\\)");
        java.util.regex.Pattern item = java.util.regex.Pattern.compile("^- `(\\w+)`.*");
        List<Path> pages;
        try (var files = Files.list(Repository.root().resolve("docs"))) {
            pages = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                java.util.regex.Matcher m = link.matcher(lines.get(i));
                if (!m.find() || lines.get(i).startsWith("- ")) {
                    continue;
                }
                Set<String> known = parameters.get(m.group(1));
                assertTrue(known != null, page.getFileName() + ":" + (i + 1) + ": no goal " + m.group(1));
                int j = i + 1;
                while (j < lines.size() && lines.get(j).isBlank()) {
                    j++;
                }
                for (; j < lines.size() && lines.get(j).startsWith("- "); j++) {
                    java.util.regex.Matcher name = item.matcher(lines.get(j));
                    if (name.matches()) {
                        checked++;
                        if (!known.contains(name.group(1))) {
                            stale.add(page.getFileName() + ":" + (j + 1) + ": " + m.group(1) + " has no parameter "
                                    + name.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(checked > 0, "no parameter list found under a plugin-reference link in docs/");
        assertTrue(stale.isEmpty(), "docs name parameters the plugin does not have (renamed? update the page):\n  "
                + String.join("\n  ", stale));
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

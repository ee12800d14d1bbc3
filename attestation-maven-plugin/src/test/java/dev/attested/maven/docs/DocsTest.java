package dev.attested.maven.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documentation cannot rot silently: every relative link in README.md and docs/ resolves (file and heading
 * anchor), and every {@code dev.attested…} class or package and every {@code attestation-*} module that README.md or
 * docs/*.md names exists in the repository.
 */
class DocsTest {

    /**
     * Modules being added in parallel branches, with their packages. While such a module is absent from the
     * checkout, documentation may name it (and its package); once it exists it is checked like any other.
     */
    static final Map<String, String> PENDING_MODULES = Map.of();

    /** The shape of a pending module, for the checker's own test. */
    private static final Map<String, String> EXAMPLE_PENDING = Map.of("attestation-image", "dev.attested.image");

    /** Pages other branches write (generated error reference, library guide): linkable while absent. */
    static final Set<String> PENDING_PAGES = Set.of();

    @Test
    void everyRelativeLinkResolves() throws IOException {
        Path root = Repository.root();
        List<String> dead = DocChecks.deadLinks(root, markdownFiles(root, true), PENDING_PAGES);
        assertTrue(dead.isEmpty(), "dead relative links:\n  " + String.join("\n  ", dead));
    }

    @Test
    void everyNamedClassPackageAndModuleExists() throws IOException {
        Path root = Repository.root();
        List<String> missing = DocChecks.missingNames(root, markdownFiles(root, false), PENDING_MODULES);
        assertTrue(missing.isEmpty(), "names in the documentation that the repository does not have:\n  "
                + String.join("\n  ", missing));
    }

    @Test
    void architecturePageNamesEveryModuleOfTheReactor() throws IOException {
        Path root = Repository.root();
        String architecture = Files.readString(root.resolve("docs/architecture.md"));
        for (String module : DocChecks.reactorModules(root)) {
            assertTrue(architecture.contains(module), "docs/architecture.md does not mention the module " + module);
        }
        assertTrue(architecture.contains("```mermaid"), "docs/architecture.md has no Mermaid diagram");
    }

    @Test
    void readmeKeepsThePluginBlockMarkersAroundThePluginXml() throws IOException {
        String readme = Files.readString(Repository.root().resolve("README.md"));
        int start = readme.indexOf("<!-- plugin-block:start -->");
        int end = readme.indexOf("<!-- plugin-block:end -->");
        assertTrue(start >= 0 && end > start, "README.md lost the plugin-block markers");
        String block = readme.substring(start, end);
        assertTrue(block.contains("<artifactId>attestation-maven-plugin</artifactId>"), block);
        assertEquals(readme.lastIndexOf("<!-- plugin-block:start -->"), start, "two plugin blocks in README.md");
    }

    @Test
    void checksCatchDeadLinksAnchorsAndUnknownNames(@TempDir Path root) throws IOException {
        Files.createDirectories(root.resolve("docs"));
        Files.createDirectories(root.resolve("attestation-core/src/main/java/dev/attested/eif"));
        Files.writeString(root.resolve("attestation-core/pom.xml"), "<project/>");
        Files.writeString(root.resolve("attestation-core/src/main/java/dev/attested/eif/EifReader.java"),
                "class EifReader { static void read() {} enum Code { A } }");
        Files.writeString(root.resolve("docs/a.md"), """
                # Title
                ## Error codes (`EifException.code()`)
                <a id="s9"></a>
                [ok](b.md) [ok](#error-codes-eifexceptioncode) [ok](#s9) [ok](a.md#title) [web](https://x.invalid/y)
                [dead](missing.md) [dead anchor](#nope) [dead](../outside/x.md) [pending](errors.md)
                `[not a link](in-code.md)`
                ```
                [not a link](in-fence.md)
                ```
                `dev.attested.eif.EifReader`, `dev.attested.eif.EifReader.Code`, `dev.attested.eif`, `attestation-core`,
                `dev.attested.eif.Gone`, `dev.attested.nothere`, `attestation-gone`, `dev.attested.eif.EifReader.Missing`,
                `attestation-image`, `dev.attested.image`, spec/attestation-document.md.
                """);
        Files.writeString(root.resolve("docs/b.md"), "# B\n");
        List<Path> files = List.of(root.resolve("docs/a.md"), root.resolve("docs/b.md"));
        List<String> dead = DocChecks.deadLinks(root, files, Set.of("docs/errors.md"));
        assertEquals(3, dead.size(), dead.toString());
        assertTrue(dead.get(0).contains("missing.md") && dead.get(1).contains("#nope")
                && dead.get(2).contains("../outside/x.md"), dead.toString());
        List<String> missing = DocChecks.missingNames(root, files, EXAMPLE_PENDING);
        assertEquals(Set.of("dev.attested.eif.Gone", "dev.attested.nothere", "attestation-gone",
                "dev.attested.eif.EifReader.Missing"), names(missing), missing.toString());
        assertEquals(4, DocChecks.deadLinks(root, files, Set.of()).size(), "an absent page is dead unless pending");
        // a pending module that has landed is checked like any other
        Files.createDirectories(root.resolve("attestation-image"));
        Files.writeString(root.resolve("attestation-image/pom.xml"), "<project/>");
        assertTrue(names(DocChecks.missingNames(root, files, EXAMPLE_PENDING)).contains("dev.attested.image"));
        assertFalse(names(DocChecks.missingNames(root, files, EXAMPLE_PENDING)).contains("attestation-image"));
    }

    private static Set<String> names(List<String> problems) {
        Set<String> names = new TreeSet<>();
        for (String p : problems) {
            names.add(p.substring(p.indexOf(": ") + 2));
        }
        return names;
    }

    /** README.md and docs/*.md; with {@code spec}, the pages under docs/spec/ too. */
    static List<Path> markdownFiles(Path root, boolean spec) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> s = Files.walk(root.resolve("docs"), spec ? Integer.MAX_VALUE : 1)) {
            s.filter(p -> p.toString().endsWith(".md") && Files.isRegularFile(p)).sorted().forEach(files::add);
        }
        return files;
    }
}

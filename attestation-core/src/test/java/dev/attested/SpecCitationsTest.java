package dev.attested;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Comments and docs cite the project's own spec pages (docs/spec/README.md): every {@code docs/spec/<page> §N}
 * (or the short {@code <page> §N} in a file that names {@code docs/spec/<page>} too) and every Markdown link to a
 * spec page must hit a section anchor ({@code <a id="sN-M">}) or a test vector ({@code §10 V3}) that exists, and
 * no file may point at the reference documents that are not in the repository.
 */
class SpecCitationsTest {
    private static final Path ROOT = Path.of(System.getProperty("attested.root", "..")).toAbsolutePath().normalize();
    private static final Path SPEC = ROOT.resolve("docs/spec");
    private static final Set<String> EXTENSIONS =
            Set.of("java", "sh", "c", "S", "groovy", "xml", "properties", "md", "yml", "json");
    private static final Set<String> SKIPPED_DIRECTORIES = Set.of(".git", "target", "node_modules");

    private static final String PAGE = "(eif-format|nsm-protocol|attestation-document|kms-attestation|qemu-nitro-enclave)\\.md";
    private static final String SECTION = "§\\d+(?:\\.\\d+)*(?: V\\d+)?";
    /** A page, then one or more sections joined by {@code , / – and}: {@code docs/spec/eif-format.md §2, §4, §7}. */
    private static final Pattern CITATION = Pattern.compile(
            "(docs/spec/)?" + PAGE + "\\s+(" + SECTION + "(?:\\s*(?:,|/|–|and)\\s*" + SECTION + ")*)");
    private static final Pattern SECTION_REF = Pattern.compile("§(\\d+(?:\\.\\d+)*)(?: (V\\d+))?");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\(([^)\\s#]*" + PAGE + ")(?:#([\\w-]+))?\\)");
    private static final Pattern ANCHOR = Pattern.compile("<a id=\"(s[\\d-]+)\"></a>");
    private static final Pattern VECTOR_ROW = Pattern.compile("(?m)^\\| (V\\d+)\\b");
    /** The former reference documents outside the repository, and the old fixture path. */
    private static final Pattern OUTSIDE = Pattern.compile(
            "\\b(?:ATTESTATION|EIF|NSM|KMS|EMULATOR)\\.md\\b|shared/(?:spec|fixtures)\\b");

    @Test
    void everyCitedSpecSectionExistsAndNothingPointsOutsideTheRepository() throws IOException {
        assertTrue(Files.isDirectory(SPEC), "no docs/spec under " + ROOT + " (set -Dattested.root)");
        Map<String, Set<String>> anchors = new HashMap<>();
        Map<String, Set<String>> vectors = new HashMap<>();
        try (var pages = Files.list(SPEC)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).toList()) {
                String text = Files.readString(page, StandardCharsets.UTF_8);
                anchors.put(page.getFileName().toString(), collect(ANCHOR, text));
                vectors.put(page.getFileName().toString(), collect(VECTOR_ROW, text));
            }
        }

        List<String> problems = new ArrayList<>();
        int[] citations = {0};
        for (Path file : sources()) {
            String rel = ROOT.relativize(file).toString().replace('\\', '/');
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            boolean inSpec = file.getParent().equals(SPEC);

            Matcher outside = OUTSIDE.matcher(text);
            while (outside.find()) {
                problems.add(rel + ":" + line(text, outside.start()) + ": points outside the repository: "
                        + outside.group());
            }

            Matcher c = CITATION.matcher(text);
            while (c.find()) {
                String page = c.group(2) + ".md";
                String where = rel + ":" + line(text, c.start()) + ": " + c.group().replaceAll("\\s+", " ");
                if (c.group(1) == null && !inSpec && !text.contains("docs/spec/" + page)) {
                    problems.add(where + ": short form without docs/spec/" + page + " named in the same file");
                }
                Matcher s = SECTION_REF.matcher(c.group(3));
                while (s.find()) {
                    citations[0]++;
                    check(page, s.group(1), s.group(2), anchors, vectors, where, problems);
                }
            }

            Matcher l = LINK.matcher(text);
            while (l.find()) {
                String page = l.group(3) + ".md";
                String where = rel + ":" + line(text, l.start()) + ": " + l.group();
                if (!file.getParent().resolve(l.group(2)).normalize().equals(SPEC.resolve(page))) {
                    problems.add(where + ": link does not lead to docs/spec/" + page);
                }
                String anchor = l.group(4);
                if (anchor != null && !anchors.getOrDefault(page, Set.of()).contains(anchor)) {
                    problems.add(where + ": no anchor " + anchor + " in docs/spec/" + page);
                }
                Matcher s = SECTION_REF.matcher(l.group(1));
                if (s.find()) {
                    citations[0]++;
                    check(page, s.group(1), s.group(2), anchors, vectors, where, problems);
                    if (anchor != null && !anchor.equals(id(s.group(1)))) {
                        problems.add(where + ": the text cites §" + s.group(1) + " but the link goes to #" + anchor);
                    }
                }
            }
        }
        assertTrue(citations[0] > 100, "found only " + citations[0] + " citations under " + ROOT);
        assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
    }

    private static void check(String page, String section, String vector, Map<String, Set<String>> anchors,
            Map<String, Set<String>> vectors, String where, List<String> problems) {
        if (!anchors.containsKey(page)) {
            problems.add(where + ": no page docs/spec/" + page);
        } else if (!anchors.get(page).contains(id(section))) {
            problems.add(where + ": docs/spec/" + page + " has no §" + section);
        } else if (vector != null && !vectors.get(page).contains(vector)) {
            problems.add(where + ": docs/spec/" + page + " has no test vector " + vector);
        }
    }

    private static String id(String section) {
        return "s" + section.replace('.', '-');
    }

    private static Set<String> collect(Pattern p, String text) {
        Set<String> found = new HashSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    private static int line(String text, int offset) {
        int n = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private static List<Path> sources() throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(ROOT) && SKIPPED_DIRECTORIES.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String name = file.getFileName().toString();
                int dot = name.lastIndexOf('.');
                if (attrs.isRegularFile() && dot > 0 && EXTENSIONS.contains(name.substring(dot + 1))) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return files;
    }
}

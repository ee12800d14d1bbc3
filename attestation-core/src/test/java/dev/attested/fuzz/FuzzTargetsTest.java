package dev.attested.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No fuzz target is left out or named wrongly: the {@code @FuzzTest} methods of this module, the targets CI fuzzes
 * ({@code .ci/fuzz}) and the targets docs/fuzzing.md lists are the same set. A target that CI names but that does
 * not exist would run no test and pass silently; a target that CI does not name is replayed but never fuzzed.
 */
class FuzzTargetsTest {
    private static final Path MODULE = Path.of("").toAbsolutePath();
    private static final Path ROOT = MODULE.getParent();
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern FUZZ_METHOD = Pattern.compile("@FuzzTest\\b[^\\n]*\\n\\s*(?:public\\s+)?void\\s+(\\w+)\\s*\\(");

    /** {@code dev.attested.x.ClassFuzzTest#method} for every {@code @FuzzTest} method in src/test/java. */
    static SortedSet<String> fuzzTestMethods() throws IOException {
        SortedSet<String> out = new TreeSet<>();
        List<Path> sources;
        try (Stream<Path> s = Files.walk(MODULE.resolve("src/test/java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
        for (Path p : sources) {
            String text = Files.readString(p, StandardCharsets.UTF_8);
            if (!text.contains("@FuzzTest")) {
                continue;
            }
            Matcher pkg = PACKAGE.matcher(text);
            assertTrue(pkg.find(), "no package line in " + p);
            String cls = pkg.group(1) + "." + p.getFileName().toString().replace(".java", "");
            Matcher m = FUZZ_METHOD.matcher(text);
            while (m.find()) {
                out.add(cls + "#" + m.group(1));
            }
        }
        return out;
    }

    /** The default target list of .ci/fuzz (the {@code targets=${ATTESTED_FUZZ_TARGETS:-"…"}} block). */
    static SortedSet<String> ciTargets() throws IOException {
        String script = Files.readString(ROOT.resolve(".ci/fuzz"), StandardCharsets.UTF_8);
        Matcher block = Pattern.compile("targets=\\$\\{ATTESTED_FUZZ_TARGETS:-\"([^\"]*)\"\\}").matcher(script);
        assertTrue(block.find(), ".ci/fuzz has no default target list");
        SortedSet<String> out = new TreeSet<>();
        for (String t : block.group(1).trim().split("\\s+")) {
            assertTrue(out.add(t), ".ci/fuzz names " + t + " twice");
        }
        return out;
    }

    /** The first column of docs/fuzzing.md's target table ({@code `x.ClassFuzzTest#method`}, under dev.attested). */
    static SortedSet<String> documentedTargets() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/fuzzing.md"), StandardCharsets.UTF_8);
        Matcher row = Pattern.compile("(?m)^\\| `([\\w.]+#\\w+)` \\|").matcher(doc);
        SortedSet<String> out = new TreeSet<>();
        while (row.find()) {
            assertTrue(out.add("dev.attested." + row.group(1)), "docs/fuzzing.md lists " + row.group(1) + " twice");
        }
        return out;
    }

    @Test
    void ciFuzzesEveryFuzzTestAndNothingElse() throws Exception {
        SortedSet<String> methods = fuzzTestMethods();
        assertTrue(methods.size() >= 12, "the fuzz tests were not found: " + methods);
        assertEquals(methods, ciTargets(), ".ci/fuzz must name exactly the @FuzzTest methods");
    }

    @Test
    void docsListEveryFuzzTestUnderItsPackage() throws Exception {
        assertEquals(fuzzTestMethods(), documentedTargets(),
                "docs/fuzzing.md's target table must name exactly the @FuzzTest methods (packages under dev.attested)");
    }

    @Test
    void everyTargetIsAFuzzTestTakingBytesWithACommittedCorpus() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String target : fuzzTestMethods()) {
            String cls = target.substring(0, target.indexOf('#'));
            String method = target.substring(target.indexOf('#') + 1);
            Method m = Class.forName(cls).getDeclaredMethod(method, byte[].class);
            assertNotNull(m.getAnnotation(FuzzTest.class), target + " is not a @FuzzTest");
            Path corpus = MODULE.resolve("src/test/resources/" + cls.replace('.', '/') + "Inputs/" + method);
            try (Stream<Path> files = Files.isDirectory(corpus) ? Files.list(corpus) : Stream.empty()) {
                if (files.noneMatch(Files::isRegularFile)) {
                    problems.add(target + ": no seed in " + MODULE.relativize(corpus));
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}

package dev.attested.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What users see, pinned: the help of every command, the version line, the completion script, usage errors, error
 * mapping and exit statuses of the command lines in {@code golden/cases}, against the results recorded from the jar
 * ({@code golden/record.sh}). The command tree's implementation may change; none of this may.
 */
class CommandLineGoldenTest {
    private static final String GOLDEN = "golden/";

    record Case(String name, String[] args) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resource("cases"), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.strip().split(" +");
                cases.add(new Case(words[0], Arrays.copyOfRange(words, 1, words.length)));
            }
        }
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theCommandLinePrintsAndExitsAsRecorded(Case c) throws IOException {
        String expected;
        try (InputStream in = resource(c.name() + ".txt")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Attested.run(c.args(), new PrintWriter(out), new PrintWriter(err));
        String actual = "exit " + status + "\n--- stdout\n" + out + "--- stderr\n" + err;
        String root = Path.of("").toAbsolutePath().getParent().toString();
        actual = actual.replace(root + "/", "@ROOT@/").replaceAll("\\(age [^)]*\\)", "(age @AGE@)");
        expected = expected.replace("@VERSION@", Attested.version());
        if (!expected.equals(actual)) {
            // Beside the other results of these command lines, for a diff against golden/NAME.txt.
            Files.createDirectories(Path.of("target", "golden"));
            Files.writeString(Path.of("target", "golden", c.name() + ".actual.txt"), actual, StandardCharsets.UTF_8);
        }
        assertEquals(expected, actual, String.join(" ", c.args()));
    }

    @Test
    void theCasesCoverEveryCommandsHelp() throws IOException {
        List<String> helped = cases().stream().filter(c -> c.args().length > 0
                && c.args()[c.args().length - 1].equals("--help")).map(c -> String.join(" ",
                Arrays.copyOf(c.args(), c.args().length - 1))).toList();
        for (String command : List.of("", "verify", "describe-eif", "build-eif", "kms-policy", "kms-policy generate",
                "kms-policy lint", "kms-policy evaluate", "pcr", "nsm", "nsm describe", "nsm attest",
                "generate-completion")) {
            assertTrue(helped.contains(command), "no --help case for '" + command + "'");
        }
    }

    private static InputStream resource(String name) {
        InputStream in = CommandLineGoldenTest.class.getResourceAsStream(GOLDEN + name);
        assertNotNull(in, GOLDEN + name);
        return in;
    }
}

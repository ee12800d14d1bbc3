package dev.attested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/errors.md is generated from the {@link ErrorCatalog}: this test fails when the committed file differs from
 * what the enums give, and rewrites it when run with {@value #WRITE}=true.
 */
class ErrorsDocTest {
    static final String WRITE = "attested.errors.write";
    static final String COMMAND = "./mvnw -pl attestation-core test -Dtest=ErrorsDocTest -D" + WRITE + "=true";

    @Test
    void docsErrorsMdIsWhatTheEnumsGive() throws IOException {
        Path file = Path.of("..", "docs", "errors.md").toAbsolutePath().normalize();
        String expected = render();
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        assertTrue(Files.isRegularFile(file), file + " is missing: run " + COMMAND);
        assertEquals(expected, Files.readString(file, StandardCharsets.UTF_8),
                "docs/errors.md differs from the error enums: regenerate it with " + COMMAND);
    }

    static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Error codes\n\n")
                .append("<!-- Generated from the Code enums by ErrorsDocTest; do not edit. Regenerate with:\n     ")
                .append(COMMAND).append(" -->\n\n")
                .append("Every error the toolkit reports has a stable code. In Java every one is a ")
                .append("`dev.attested.AttestedException` (unchecked): `code()` is one of the codes below, `detail()` ")
                .append("says what was expected and what was found, `hint()` what to do. The Maven plugin fails a goal ")
                .append("with `CODE: detail hint`; a failure that has no domain code is reported with a general code ")
                .append("(`IO_ERROR`, `INVALID_ARGUMENT`, `INTERNAL_ERROR`), never as a stack trace.\n\n")
                .append("Hints name options neutrally, as written here (e.g. `signingKey`); each front end prints its ")
                .append("own syntax: the Maven plugin `-Dattestation.signingKey`, the command line `--signing-key`.\n\n")
                .append("The vsock transport of nsm-ffm fails with `VsockException`, a checked `IOException` whose codes ")
                .append("(`VSOCK_UNSUPPORTED`, `NO_TRANSPORT`, …) are listed in [nsm.md](nsm.md).\n");
        OptionRenderer inDocs = o -> "`" + o.key() + "`";
        for (ErrorCatalog.Area area : ErrorCatalog.areas()) {
            md.append("\n## ").append(area.name()).append("\n\n")
                    .append(area.description()).append(" Type: `").append(area.exceptionType()).append("`.\n\n")
                    .append("| Code | Meaning | What to do |\n| --- | --- | --- |\n");
            for (ErrorCode code : area.codes()) {
                md.append("| `").append(code.name()).append("` | ").append(cell(meaning(code))).append(" | ")
                        .append(cell(inDocs.apply(code.hint()))).append(" |\n");
            }
        }
        return md.toString();
    }

    /**
     * What a code means: the javadoc of its enum constant in the main sources (kept there, beside the code, for
     * IDE users too), with inline tags reduced to their text.
     */
    static String meaning(ErrorCode code) {
        Class<?> type = ((Enum<?>) code).getDeclaringClass();
        Class<?> top = type;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        Path source = Path.of("src", "main", "java", top.getName().replace('.', '/') + ".java");
        String text;
        try {
            text = Files.readString(source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the source of " + type.getName(), e);
        }
        Matcher m = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/\\s*" + code.name() + "\\b", Pattern.DOTALL)
                .matcher(text);
        if (!m.find()) {
            throw new AssertionError(code.name() + " in " + source + " has no javadoc saying what it means");
        }
        String doc = m.group(1).replaceAll("(?m)^\\s*\\*\\s?", " ").replaceAll("\\s+", " ").strip();
        doc = doc.replaceAll("\\{@(?:code|literal) ((?:[^{}]|\\{[^{}]*\\})*)\\}", "`$1`")
                .replaceAll("\\{@link(?:plain)? #?([^{} ]*)(?: ([^{}]*))?\\}", "`$1`");
        return doc;
    }

    /** A table cell: no pipe splits it and no {@code <word>} disappears as an HTML tag. */
    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<").replace(">", "\\>")
                .replace("*", "\\*");
    }
}

package dev.attested.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A run builds only the command it names; what users see must be the same as with the whole tree. */
class CommandTreeTest {
    private static final List<String> NAMES = List.of("verify", "describe-eif", "build-eif", "kms-policy", "pcr", "nsm",
            "generate-completion");

    @Test
    void theWholeTreeHasEveryCommandInHelpOrder() {
        assertEquals(NAMES, List.copyOf(Attested.commandLine().getSubcommands().keySet()));
        assertEquals(NAMES, List.copyOf(Attested.commandLine(null).getSubcommands().keySet()));
        assertEquals(NAMES, List.copyOf(Attested.commandLine("--help").getSubcommands().keySet()));
    }

    @Test
    void aNamedCommandAloneHelpsAndParsesAsInTheWholeTree() {
        Map<String, CommandLine> whole = Attested.commandLine().getSubcommands();
        for (String name : NAMES) {
            Map<String, CommandLine> one = Attested.commandLine(name).getSubcommands();
            if (name.equals("generate-completion")) {
                assertEquals(NAMES, List.copyOf(one.keySet()), "completion needs the whole tree");
                continue;
            }
            assertEquals(List.of(name), List.copyOf(one.keySet()));
            assertEquals(whole.get(name).getUsageMessage(), one.get(name).getUsageMessage(), name);
            assertEquals(whole.get(name).getSubcommands().keySet(), one.get(name).getSubcommands().keySet(), name);
        }
    }

    @Test
    void versionNeedsNoCommandAndAMisspeltCommandGetsASuggestion() {
        assertTrue(Attested.commandLine("--version").getSubcommands().isEmpty());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(Attested.OK, Attested.run(new String[] {"--version"}, new PrintWriter(out), new PrintWriter(err)));
        assertTrue(out.toString().startsWith("attested "), out.toString());
        assertEquals(Attested.USAGE, Attested.run(new String[] {"verfy"}, new PrintWriter(out), new PrintWriter(err)));
        assertTrue(err.toString().contains("verify"), "suggests the command: " + err);
    }

    @Test
    void usageErrorsOfANamedCommandAreWordedAsInTheWholeTree() {
        StringWriter err = new StringWriter();
        assertEquals(Attested.USAGE, Attested.run(new String[] {"pcr", "--no-such-flag"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err)));
        assertTrue(err.toString().contains("Try 'attested pcr --help'."), err.toString());
    }

    @Test
    void aCommandReadingAnOptionItDoesNotDeclareFailsSayingWhich() {
        CommandLine.Model.CommandSpec verify = Attested.commandLine("verify").getSubcommands().get("verify")
                .getCommandSpec();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Cli.value(verify, "--no-such"));
        assertEquals("'attested verify' declares no option --no-such", e.getMessage());
    }
}

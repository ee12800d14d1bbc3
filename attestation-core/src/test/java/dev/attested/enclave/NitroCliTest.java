package dev.attested.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs a scripted stand-in for nitro-cli (neither Docker nor nitro-cli exists on the build machines). */
class NitroCliTest {
    static final String PCR0 = Pcr.ofContent("a".getBytes()).hex();
    static final String PCR1 = Pcr.ofContent("b".getBytes()).hex();
    static final String PCR2 = Pcr.ofContent("c".getBytes()).hex();

    @TempDir
    Path dir;

    private NitroCli script(String body) throws IOException {
        Path s = dir.resolve("nitro-cli");
        Files.writeString(s, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new NitroCli(s.toString(), Map.of("NITRO_CLI_BLOBS", "/blobs"), Duration.ofSeconds(30));
    }

    /** docs/spec/eif-format.md §8.1: progress on stderr, pretty JSON with Measurements on stdout. */
    @Test
    void measurementsAreReadFromStdout() throws IOException {
        NitroCli cli = script("echo 'Start building the Enclave Image...' >&2\n"
                + "cat <<EOF\n{\n  \"Measurements\": {\n    \"HashAlgorithm\": \"Sha384 { ... }\",\n"
                + "    \"PCR0\": \"" + PCR0 + "\",\n    \"PCR1\": \"" + PCR1 + "\",\n    \"PCR2\": \"" + PCR2 + "\"\n  }\n}\nEOF\n");
        NitroCli.Result r = cli.buildEnclave("app:1", dir.resolve("app.eif"), "app", "1", null, dir);
        assertEquals("Sha384 { ... }", r.hashAlgorithm());
        assertEquals(PCR0, r.pcrs().get(0).hex());
        assertEquals(PCR2, r.pcrs().get(2).hex());
    }

    @Test
    void argumentsAndEnvironmentReachNitroCli() throws IOException {
        NitroCli cli = script("echo \"$@|$NITRO_CLI_BLOBS\" > " + dir.resolve("args") + "\n"
                + "echo '{\"Measurements\":{\"PCR0\":\"" + PCR0 + "\",\"PCR1\":\"" + PCR1 + "\",\"PCR2\":\"" + PCR2 + "\"}}'\n");
        cli.buildEnclave("app:1", dir.resolve("app.eif"), "app", "1.0", null, dir);
        assertEquals("build-enclave --docker-uri app:1 --output-file " + dir.resolve("app.eif")
                + " --name app --version 1.0|/blobs\n", Files.readString(dir.resolve("args")));
    }

    /** eif-format.md §8.3: "[ Exx ] text", exit status = the number. */
    @Test
    void errorsCarryNitroCliCodeAndExitStatus() throws IOException {
        NitroCli cli = script("echo '[ E48 ] EIF building error. Such error appears when trying to build an EIF file.' >&2\n"
                + "echo '' >&2\necho 'For more details, please visit https://docs.aws.amazon.com/enclaves/latest/user/cli-errors.html#E48' >&2\n"
                + "exit 48\n");
        BuildException e = assertThrows(BuildException.class,
                () -> cli.buildEnclave("app:1", dir.resolve("app.eif"), "app", "1", null, dir));
        assertEquals(BuildException.Code.NITRO_CLI_FAILED, e.code());
        assertTrue(e.getMessage().contains("E48 (exit status 48): EIF building error"), e.getMessage());
    }

    @Test
    void successWithoutJsonIsAFailure() throws IOException {
        NitroCli cli = script("echo 'Enclave Image successfully created.'\n");
        BuildException e = assertThrows(BuildException.class,
                () -> cli.buildEnclave("app:1", dir.resolve("app.eif"), "app", "1", null, dir));
        assertEquals(BuildException.Code.NITRO_CLI_FAILED, e.code());
    }

    @Test
    void missingExecutableSaysHowToFixIt() {
        NitroCli cli = new NitroCli(dir.resolve("no-such-nitro-cli").toString(), Map.of(), Duration.ofSeconds(5));
        BuildException e = assertThrows(BuildException.class,
                () -> cli.buildEnclave("app:1", dir.resolve("app.eif"), "app", "1", null, dir));
        assertEquals(BuildException.Code.NITRO_CLI_FAILED, e.code());
        assertTrue(e.message(o -> "-Dattestation." + o.key()).contains("-Dattestation.nitroCli"), e.getMessage());
    }
}

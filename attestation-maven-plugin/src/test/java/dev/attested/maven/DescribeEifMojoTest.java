package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescribeEifMojoTest {
    @TempDir
    Path dir;
    private final List<String> log = new ArrayList<>();

    private Path eif() throws Exception {
        Path kernel = Files.writeString(dir.resolve("kernel"), "KERNEL-BYTES");
        Path r0 = Files.writeString(dir.resolve("r0"), "RAMDISK-0");
        Path r1 = Files.writeString(dir.resolve("r1"), "RAMDISK-1-APP");
        return EifWriter.builder().kernel(kernel).cmdline("console=ttyS0")
                .metadata(EifMetadata.of("test", "1.0", EifMetadata.BuildMetadata.of(Instant.EPOCH, "eif_build", "0.3.1", "OS", "kernel")))
                .ramdisk(r0).ramdisk(r1).build().write(dir.resolve("app.eif")).file();
    }

    private DescribeEifMojo mojo(Path eif) {
        DescribeEifMojo m = new DescribeEifMojo();
        m.eif = eif.toFile();
        m.setLog(new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                log.add(content.toString());
            }
        });
        return m;
    }

    @Test
    void printsTheDescriptionAndWritesItWhenAsked() throws Exception {
        DescribeEifMojo m = mojo(eif());
        m.output = dir.resolve("out/describe.json").toFile();
        m.execute();
        JsonNode printed = new ObjectMapper().readTree(String.join("\n", log.subList(1, log.size() - 1)));
        assertEquals("1f1d207cb2d4484930d0f823e8b833169036bebc1fb4ef5449161fcbd9498f1fc52867a9a704cfe12e3ce677c337ada0",
                printed.at("/Measurements/PCR0").textValue());
        assertTrue(printed.get("CheckCRC").booleanValue());
        assertEquals(printed, new ObjectMapper().readTree(m.output));
    }

    @Test
    void malformedFileFailsWithTheNamedError() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.eif"), "this is not an enclave image file at all");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo(bad).execute());
        assertTrue(e.getMessage().contains("EIF_BAD_MAGIC"), e.getMessage());
    }

    @Test
    void damagedFileIsPrintedWithCheckCrcFalseThenFails() throws Exception {
        Path file = eif();
        byte[] b = Files.readAllBytes(file);
        b[565] ^= 1;
        Files.write(file, b);
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo(file).execute());
        assertTrue(e.getMessage().contains("EIF_CRC_MISMATCH"), e.getMessage());
        assertTrue(log.contains("  \"CheckCRC\": false,"), log.toString());
    }

    @Test
    void damagedFileOnlyReportsWhenFailOnInvalidIsOff() throws Exception {
        Path file = eif();
        byte[] b = Files.readAllBytes(file);
        b[565] ^= 1;
        Files.write(file, b);
        DescribeEifMojo m = mojo(file);
        m.failOnInvalid = false;
        m.execute();
        assertTrue(log.contains("  \"CheckCRC\": false,"), log.toString());
    }

    @Test
    void missingFileNamesTheParameterToSet() {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> mojo(dir.resolve("absent.eif")).execute());
        assertTrue(e.getMessage().startsWith("EIF_IO: no EIF at ") && e.getMessage().contains("-Dattestation.eif="), e.getMessage());
    }

    @Test
    void skipDoesNotReadTheFile() throws Exception {
        DescribeEifMojo m = mojo(dir.resolve("absent.eif"));
        m.skip = true;
        m.execute();
        assertFalse(log.stream().anyMatch(l -> l.contains("EifVersion")));
    }
}

package dev.attested.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.AttestationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The end-to-end flow over TCP with the simulator, and each attack the demo shows. */
class LocalDemoTest {
    private static final byte[] SECRET = "s3cr3t".getBytes(StandardCharsets.UTF_8);

    private static LocalDemo.Outcome run(LocalDemo.Tamper tamper, ByteArrayOutputStream log) throws Exception {
        try (PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            return LocalDemo.run(tamper, LocalManifest.create(), SECRET, out);
        }
    }

    @Test
    void aGenuineEnclaveReceivesTheSecretAndProvesIt() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LocalDemo.Outcome o = run(LocalDemo.Tamper.NONE, log);
        assertTrue(o.delivered());
        assertArrayEquals(SECRET, o.secretSeenByEnclave());
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("PCRs [0, 1, 2] match the manifest"), text);
        assertFalse(text.contains("s3cr3t"), "the secret never appears in the output");
    }

    @Test
    void anEnclaveRunningAnotherImageIsRejectedWithPcrMismatch() throws Exception {
        LocalDemo.Outcome o = run(LocalDemo.Tamper.PCRS, new ByteArrayOutputStream());
        assertEquals(AttestationException.Code.PCR_MISMATCH, o.rejectedWith());
        assertNull(o.secretSeenByEnclave(), "no secret was sent");
    }

    @Test
    void aReplayedDocumentIsRejectedWithNonceMismatch() throws Exception {
        LocalDemo.Outcome o = run(LocalDemo.Tamper.REPLAY, new ByteArrayOutputStream());
        assertEquals(AttestationException.Code.NONCE_MISMATCH, o.rejectedWith());
        assertNull(o.secretSeenByEnclave());
    }

    @Test
    void aDebugModeEnclaveIsRejectedWithDebugMode() throws Exception {
        LocalDemo.Outcome o = run(LocalDemo.Tamper.DEBUG, new ByteArrayOutputStream());
        assertEquals(AttestationException.Code.DEBUG_MODE, o.rejectedWith());
        assertNull(o.secretSeenByEnclave());
    }

    @Test
    void theCommandLineExitsZeroWhenAnAttackIsDetectedAsExpected() throws Exception {
        assertEquals(0, Main.run(new String[] {"demo", "--tamper=replay"}));
    }

    @Test
    void theCommandLineRejectsUnknownCommandsWithUsage() throws Exception {
        assertEquals(2, Main.run(new String[] {"fly"}));
    }

    @Test
    void theDemoVerifiesAgainstAGivenManifestSuchAsBuildEifWrites(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.util.SortedMap<Integer, dev.attested.pcr.Pcr> pcrs = new java.util.TreeMap<>();
        pcrs.put(0, dev.attested.pcr.Pcr.ofContent("eif image".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(1, dev.attested.pcr.Pcr.ofContent("eif kernel".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(2, dev.attested.pcr.Pcr.ofContent("eif app".getBytes(StandardCharsets.UTF_8)));
        pcrs.put(8, dev.attested.pcr.Pcr.ofContent("signing certificate".getBytes(StandardCharsets.UTF_8)));
        java.nio.file.Path file = dir.resolve("pcr-manifest.json");
        dev.attested.pcr.PcrManifest.of(null, pcrs, null, new java.util.TreeMap<>(), null, "native", "x86_64",
                new java.util.TreeMap<>(), "2026-01-01T00:00:00Z").write(file);
        assertEquals(0, Main.run(new String[] {"demo", "--manifest=" + file}));
        assertEquals(0, Main.run(new String[] {"demo", "--manifest=" + file, "--tamper=pcrs"}));
    }
}

package dev.attested.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.GeneralError;
import dev.attested.kms.KeyPolicyException;
import dev.attested.release.ReleaseException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.apache.maven.exception.DefaultExceptionHandler;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;

class MojoErrorsTest {

    @Test
    void aCodedErrorIsCodeDetailAndTheHintInMavenTerms() {
        ReleaseException cause = new ReleaseException(ReleaseException.Code.RELEASE_DIRTY_TREE, "src/A.java differs.");
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw cause;
        }));
        assertTrue(e.getMessage().startsWith("RELEASE_DIRTY_TREE: src/A.java differs. Commit (or stash)"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dattestation.allowDirty=true releases anyway"), e.getMessage());
        assertTrue(!e.getMessage().contains("{"), e.getMessage());
        assertSame(cause, e.getSuppressed()[0]);
    }

    @Test
    void mavensErrorLineIsTheCodedMessageOnceWithoutTheTextOfTheCauses() {
        // Maven's error line appends the message of every cause it does not contain: an unrendered copy of the
        // message (its hint names an option) and the text of a library exception underneath must not reach it.
        RuntimeException sdk = new IllegalStateException("Unable to load credentials from any of the providers in the chain");
        KeyPolicyException cause = new KeyPolicyException(KeyPolicyException.Code.NO_CODE_PIN, "pins [role] measure no code.", sdk);
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw cause;
        }));
        String line = new DefaultExceptionHandler().handleException(e).getMessage();
        assertEquals(e.getMessage(), line);
        assertTrue(line.contains("(-Dattestation.pins)"), line);
        assertEquals(1, line.split("NO_CODE_PIN", -1).length - 1, line);
        assertFalse(line.contains("providers in the chain"), line);
        assertSame(cause, e.getSuppressed()[0]);
        assertSame(sdk, e.getSuppressed()[0].getCause());
    }

    @Test
    void optionsInTheDetailAreRenderedToo() {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw new KeyPolicyException(KeyPolicyException.Code.AWS_REGION_MISSING, "no region for {profile} ops.");
        }));
        assertTrue(e.getMessage().startsWith("AWS_REGION_MISSING: no region for -Dattestation.profile ops. Pass "
                + "-Dattestation.region=<region>"), e.getMessage());
    }

    @Test
    void anUncheckedIoErrorIsIoErrorWithThePath() {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw new UncheckedIOException(new NoSuchFileException("/no/such/doc.b64"));
        }));
        assertEquals("IO_ERROR: /no/such/doc.b64: no such file. " + GeneralError.IO_ERROR.hint(), e.getMessage());
    }

    @Test
    void aBugIsInternalErrorNamingTheException() {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw new IllegalStateException("state");
        }));
        assertEquals("INTERNAL_ERROR: java.lang.IllegalStateException: state. " + GeneralError.INTERNAL_ERROR.hint(),
                e.getMessage());
        MojoFailureException npe = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw new NullPointerException();
        }));
        assertTrue(npe.getMessage().startsWith("INTERNAL_ERROR: java.lang.NullPointerException: NullPointerException"),
                npe.getMessage());
    }

    @Test
    void aBadValueIsInvalidArgumentAndAWrappedCodedErrorKeepsItsCode() {
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw new IllegalArgumentException("maxAge must be like 5m, not 'soon'");
        }));
        assertTrue(e.getMessage().startsWith("INVALID_ARGUMENT: maxAge must be like 5m, not 'soon'. Check"), e.getMessage());
        MojoFailureException w = assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw new MojoExecutionException("cannot release", new ReleaseException(ReleaseException.Code.RELEASE_IO, "disk full."));
        }));
        assertTrue(w.getMessage().startsWith("RELEASE_IO: disk full."), w.getMessage());
    }

    @Test
    void aMojoFailureExceptionPassesUnchanged() {
        MojoFailureException own = new MojoFailureException("PCR_MISMATCH: 1 of 1 attestation document(s) rejected");
        assertSame(own, assertThrows(MojoFailureException.class, () -> MojoErrors.run(() -> {
            throw own;
        })));
    }
}

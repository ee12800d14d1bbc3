package dev.attested;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.attested.attestation.AttestationException;
import dev.attested.eif.EifException;
import dev.attested.internal.cbor.CborException;
import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.RecipientCms;
import dev.attested.release.ReleaseException;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class ErrorModelTest {

    @Test
    void everyDomainExceptionIsAnAttestedExceptionWithItsOwnCodeType() {
        RuntimeException e = new EifException(EifException.Code.EIF_TRUNCATED, "file ends at byte 12");
        AttestedException a = assertInstanceOf(AttestedException.class, e);
        assertEquals(EifException.Code.EIF_TRUNCATED, a.code());
        // Callers keep their typed code: no cast needed.
        EifException.Code typed = ((EifException) e).code();
        assertEquals("EIF_TRUNCATED", typed.name());
        assertInstanceOf(AttestedException.class,
                new RecipientCms.RecipientCmsException(RecipientCms.Code.MALFORMED_ENVELOPE, "x"));
        assertEquals(CborException.Reason.TRUNCATED,
                new CborException(CborException.Reason.TRUNCATED, 7, "inside a map").reason());
    }

    @Test
    void messageIsCodeDetailAndHint() {
        AttestationException e = new AttestationException(AttestationException.Code.NONCE_MISMATCH, "expected 01, found 02.");
        assertEquals("NONCE_MISMATCH: expected 01, found 02. " + AttestationException.Code.NONCE_MISMATCH.hint(),
                e.getMessage());
        assertEquals("expected 01, found 02.", e.detail());
        assertEquals(AttestationException.Code.NONCE_MISMATCH.hint(), e.hint());
    }

    @Test
    void optionsAreRenderedByTheFrontEndAndNeutrallyOtherwise() {
        KeyPolicyException e = new KeyPolicyException(KeyPolicyException.Code.AWS_REGION_MISSING,
                "no region for {profile} deploy; {notAnOption} stays.");
        assertTrue(e.getMessage().contains("Pass region=<region>"), e.getMessage());
        assertTrue(e.getMessage().contains("no region for profile deploy; {notAnOption} stays."), e.getMessage());
        String cli = e.message(o -> "--" + o.key().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT));
        assertTrue(cli.startsWith("AWS_REGION_MISSING: no region for --profile deploy;"), cli);
        assertTrue(cli.contains("Pass --region=<region>"), cli);
        assertFalse(cli.contains("{region}"), cli);
        ReleaseException r = new ReleaseException(ReleaseException.Code.RELEASE_DIRTY_TREE, "src/A.java differs.");
        assertTrue(r.message(o -> "-Dattestation." + o.key()).contains("-Dattestation.allowDirty=true releases anyway"),
                r.getMessage());
    }

    @Test
    void everyPlaceholderInEveryHintNamesAnOption() {
        for (ErrorCatalog.Area area : ErrorCatalog.areas()) {
            for (ErrorCode code : area.codes()) {
                Matcher m = OptionRenderer.Placeholders.PATTERN.matcher(code.hint());
                while (m.find()) {
                    assertTrue(Option.ofKey(m.group(1)).isPresent(),
                            code.name() + " names {" + m.group(1) + "}, which is not an Option: add it to Option");
                }
                assertFalse(code.hint().isBlank(), code.name() + " has no hint");
                assertFalse(code.hint().contains("-D"), code.name() + " speaks Maven: " + code.hint());
                assertFalse(code.hint().contains("attestation:"), code.name() + " names a Maven goal: " + code.hint());
            }
        }
    }

    @Test
    void codesAreUniqueWithinAnAreaAndAreasCoverEveryEnum() {
        Set<String> types = new HashSet<>();
        for (ErrorCatalog.Area area : ErrorCatalog.areas()) {
            assertTrue(types.add(area.exceptionType()), area.exceptionType());
            Set<String> names = new HashSet<>();
            area.codes().forEach(c -> assertTrue(names.add(c.name()), c.name()));
            assertFalse(area.codes().isEmpty(), area.name());
        }
    }
}

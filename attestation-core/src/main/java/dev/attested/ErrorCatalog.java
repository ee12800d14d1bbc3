package dev.attested;

import dev.attested.attestation.AttestationException;
import dev.attested.eif.EifException;
import dev.attested.enclave.BuildException;
import dev.attested.internal.cbor.CborException;
import dev.attested.internal.cose.CoseException;
import dev.attested.enclave.RamdiskException;
import dev.attested.kms.KeyPolicyException;
import dev.attested.kms.RecipientCms;
import dev.attested.nsm.NsmException;
import dev.attested.pcr.PcrHistoryException;
import dev.attested.pcr.PcrManifestException;
import dev.attested.release.ReleaseException;
import java.util.List;

/**
 * Every stable error code of the library, by area: what docs/errors.md is generated from, and what a front end
 * can list. An area is one exception type with its {@code Code} enum.
 */
public final class ErrorCatalog {
    private ErrorCatalog() {}

    /** One exception type and its codes. */
    public record Area(String name, String exceptionType, String description, List<ErrorCode> codes) {
        public Area {
            codes = List.copyOf(codes);
        }
    }

    /** All areas, in the order of the documentation. */
    public static List<Area> areas() {
        return List.of(
                area("Attestation documents", AttestationException.class,
                        "An attestation document was rejected by the verifier.", AttestationException.Code.values()),
                area("KMS key policies", KeyPolicyException.class,
                        "A key policy could not be generated, read, linted, evaluated or applied.",
                        KeyPolicyException.Code.values()),
                area("KMS recipient envelopes", RecipientCms.RecipientCmsException.class,
                        "A CiphertextForRecipient envelope from KMS was refused.", RecipientCms.Code.values()),
                area("Enclave builds", BuildException.class, "An EIF build failed.", BuildException.Code.values()),
                area("Enclave images (ramdisks)", RamdiskException.class,
                        "A container image could not be turned into a ramdisk.", RamdiskException.Code.values()),
                area("EIF files", EifException.class, "An EIF could not be written, read, measured or signed.",
                        EifException.Code.values()),
                area("PCR manifests", PcrManifestException.class, "A PCR manifest could not be read or written.",
                        PcrManifestException.Code.values()),
                area("PCR histories", PcrHistoryException.class,
                        "A PCR history could not be read, written or changed.", PcrHistoryException.Code.values()),
                area("Releases and reproduction", ReleaseException.class,
                        "A release bundle or a reproduction failed.", ReleaseException.Code.values()),
                area("Nitro Secure Module", NsmException.class, "A call to the NSM (/dev/nsm or a simulator) failed.",
                        NsmException.Code.values()),
                area("COSE signatures", CoseException.class,
                        "A COSE_Sign1 structure was refused (usually reported as an attestation code).",
                        CoseException.Code.values()),
                area("CBOR", CborException.class,
                        "CBOR input could not be decoded (usually reported as an attestation or NSM code).",
                        CborException.Reason.values()),
                new Area("General", "GeneralException",
                        "What a front end reports for a failure that has no domain code (a front end may also raise it).",
                        List.of(GeneralError.values())));
    }

    private static Area area(String name, Class<? extends AttestedException> type, String description,
            ErrorCode[] codes) {
        return new Area(name, type.getName().substring(type.getPackageName().length() + 1).replace('$', '.'),
                description, List.of(codes));
    }
}

package dev.attested.eif;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link EifReader} found in an EIF whose structure is sound: the header, the section walk, the
 * measurements, the metadata, and the results of the CRC and signature checks. Obtain it from
 * {@link EifReader#read} (which fails unless both checks pass) or {@link EifReader#inspect} (which reports them).
 */
public record EifImage(EifHeader header, List<Section> sections, EifMeasurements measurements, EifMetadata metadata,
                       long computedCrc32, Optional<Signature> signature) {

    /** One section as laid out in the file. */
    public record Section(int index, EifSectionType type, long offset, long size) {}

    /**
     * The signature section: the certificate as stored (PEM text) and parsed, and whether the COSE signature
     * verifies with the certificate's key over {@code PcrInfo{0, PCR0}} of this image.
     *
     * @param problem why the check failed; empty when {@code valid}
     */
    public record Signature(byte[] certificatePem, X509Certificate certificate, boolean valid, Optional<String> problem) {
        public Signature {
            certificatePem = certificatePem.clone();
            Objects.requireNonNull(certificate, "certificate");
            Objects.requireNonNull(problem, "problem");
        }

        @Override
        public byte[] certificatePem() {
            return certificatePem.clone();
        }
    }

    public EifImage {
        sections = List.copyOf(sections);
    }

    /** Whether the stored CRC32 equals the CRC32 of the file. */
    public boolean crcValid() {
        return header.crc32() == computedCrc32;
    }

    public boolean signed() {
        return signature.isPresent();
    }

    /** Throws {@code EIF_CRC_MISMATCH} or {@code EIF_SIGNATURE_INVALID} unless both checks passed. */
    public EifImage requireIntact() {
        if (!crcValid()) {
            throw new EifException(EifException.Code.EIF_CRC_MISMATCH, String.format(
                    "the header stores CRC32 %08x but the file's CRC32 is %08x: the file was modified or damaged after it was written. Rebuild or re-download it",
                    header.crc32(), computedCrc32));
        }
        signature.filter(s -> !s.valid()).ifPresent(s -> {
            throw new EifException(EifException.Code.EIF_SIGNATURE_INVALID, "the PCR0 signature does not check: "
                    + s.problem().orElse("invalid") + ". Re-sign the image (sign-eif) with the key of its certificate");
        });
        return this;
    }
}

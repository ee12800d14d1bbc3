package dev.attested.build;

import dev.attested.eif.EifArchitecture;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifReader;
import dev.attested.eif.EifSigner;
import dev.attested.eif.EifWriter;
import dev.attested.pcr.Pcr;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/** The seam between the build and the EIF format ({@code dev.attested.eif}). */
final class EifAssembly {
    private EifAssembly() {}

    /** Writes the EIF (atomically) with {@link EifWriter}, signing PCR0 when a key is given; returns the PCRs. */
    static SortedMap<Integer, Pcr> write(Path out, EifArchitecture arch, Path kernel, String cmdline, EifMetadata metadata,
            List<Path> ramdisks, Path signingKey, Path signingCertificate, Instant signingTime) {
        EifWriter.Builder b = EifWriter.builder()
                .architecture(arch)
                .kernel(kernel).cmdline(cmdline).metadata(metadata).ramdisks(ramdisks);
        if (signingKey != null) {
            b.signer(EifSigner.fromPem(signingKey, signingCertificate, signingTime));
        }
        return b.build().write(out).measurements().asMap();
    }

    /**
     * PCR0/1/2 (and PCR8 when signed) of an EIF written by someone else (nitro-cli), read strictly: a malformed
     * file, a wrong CRC or a bad signature is an {@code EifException}.
     */
    static SortedMap<Integer, Pcr> measure(Path eif) {
        return EifReader.read(eif).measurements().asMap();
    }
}

package dev.attested.enclave;

import dev.attested.eif.EifArchitecture;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifReader;
import dev.attested.eif.EifSigner;
import dev.attested.eif.EifWriter;
import dev.attested.eif.SectionContent;
import dev.attested.pcr.Pcr;
import dev.attested.internal.ramdisk.CustomerRamdisk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/** The seam between the build and the EIF format ({@code dev.attested.eif}). */
final class EifAssembly {
    private EifAssembly() {}

    /**
     * Writes the EIF (atomically) with {@link EifWriter}: the ramdisk files in order, then the customer ramdisk
     * streamed from the flattened image if given; signs PCR0 when a key is given.
     */
    static EifWriter.WrittenEif write(Path out, EifArchitecture arch, Path kernel, String cmdline, EifMetadata metadata,
            List<Path> ramdisks, CustomerRamdisk.Flattened customer, Path signingKey, Path signingCertificate,
            Instant signingTime) {
        EifWriter.Builder b = EifWriter.builder()
                .architecture(arch)
                .kernel(kernel).cmdline(cmdline).metadata(metadata).ramdisks(ramdisks);
        if (customer != null) {
            b.ramdisk(new SectionContent() {
                @Override
                public long size() {
                    return customer.size();
                }

                @Override
                public long crc32() {
                    return customer.crc32();
                }

                @Override
                public void writeTo(OutputStream o) throws IOException {
                    customer.writeTo(o);
                }
            });
        }
        if (signingKey != null) {
            b.signer(EifSigner.fromPem(signingKey, signingCertificate, signingTime));
        }
        return b.build().write(out);
    }

    /**
     * PCR0/1/2 (and PCR8 when signed) of an EIF written by someone else (nitro-cli), read strictly: a malformed
     * file, a wrong CRC or a bad signature is an {@code EifException}.
     */
    static SortedMap<Integer, Pcr> measure(Path eif) {
        return EifReader.read(eif).measurements().asMap();
    }
}

package dev.attested.build;

import dev.attested.eif.EifArchitecture;
import dev.attested.eif.EifMetadata;
import dev.attested.eif.EifSigner;
import dev.attested.eif.EifWriter;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/** The seam between the build and the EIF format ({@code dev.attested.eif}). */
final class EifAssembly {
    private EifAssembly() {}

    static final int HEADER = 548;
    private static final int SECTION_HEADER = 12;
    private static final int KERNEL = 1;
    private static final int CMDLINE = 2;
    private static final int RAMDISK = 3;
    private static final int SIGNATURE = 4;
    private static final int METADATA = 5;

    /** Writes the EIF (atomically) with {@link EifWriter}, signing PCR0 when a key is given; returns the PCRs. */
    static SortedMap<Integer, Pcr> write(Path out, Arch arch, Path kernel, String cmdline, EifMetadata metadata,
            List<Path> ramdisks, Path signingKey, Path signingCertificate, Instant signingTime) {
        EifWriter.Builder b = EifWriter.builder()
                .architecture(arch == Arch.AARCH64 ? EifArchitecture.AARCH64 : EifArchitecture.X86_64)
                .kernel(kernel).cmdline(cmdline).metadata(metadata).ramdisks(ramdisks);
        if (signingKey != null) {
            b.signer(EifSigner.fromPem(signingKey, signingCertificate, signingTime));
        }
        return b.build().write(out).measurements().asMap();
    }

    /** PCR0/1/2 (and PCR8 when signed) of an EIF, by walking its sections (EIF.md §8). */
    static SortedMap<Integer, Pcr> measure(Path eif) throws IOException {
        java.security.MessageDigest pcr0 = sha384();
        java.security.MessageDigest pcr2 = sha384();
        java.security.MessageDigest pcr1 = null;
        byte[] cert = null;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(eif)) {
            long size = ch.size();
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(HEADER);
            readFully(ch, head, 0);
            if (size < HEADER || head.getInt(0) != 0x2e656966) {
                throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, eif + " is not an EIF");
            }
            long pos = HEADER;
            boolean firstRamdisk = true;
            while (pos < size) {
                java.nio.ByteBuffer sh = java.nio.ByteBuffer.allocate(SECTION_HEADER);
                readFully(ch, sh, pos);
                int type = sh.getShort(0) & 0xffff;
                long len = sh.getLong(4);
                if (len < 0 || len > size - pos - SECTION_HEADER) {
                    throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, eif + ": section at " + pos
                            + " claims " + len + " bytes, past the end of the file");
                }
                long data = pos + SECTION_HEADER;
                switch (type) {
                    case KERNEL, CMDLINE -> digest(ch, data, len, pcr0);
                    case RAMDISK -> {
                        if (firstRamdisk) {
                            digest(ch, data, len, pcr0);
                            try {
                                pcr1 = (java.security.MessageDigest) pcr0.clone();
                            } catch (CloneNotSupportedException e) {
                                throw new IllegalStateException(e);
                            }
                            firstRamdisk = false;
                        } else {
                            digest(ch, data, len, pcr0, pcr2);
                        }
                    }
                    case SIGNATURE -> cert = signingCertificateDer(ch, data, len);
                    case METADATA -> { }
                    default -> throw new BuildException(BuildException.Code.NITRO_CLI_FAILED,
                            eif + ": unknown section type " + type + " at " + pos);
                }
                pos = data + len;
            }
        }
        if (pcr1 == null) {
            throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, eif + " has no ramdisk");
        }
        SortedMap<Integer, Pcr> pcrs = new java.util.TreeMap<>();
        pcrs.put(0, Pcr.ofContentDigest(pcr0.digest()));
        pcrs.put(1, Pcr.ofContentDigest(pcr1.digest()));
        pcrs.put(2, Pcr.ofContentDigest(pcr2.digest()));
        if (cert != null) {
            pcrs.put(8, Pcr.ofSigningCertificate(cert));
        }
        return pcrs;
    }

    private static byte[] signingCertificateDer(java.nio.channels.FileChannel ch, long data, long len) {
        throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, "signed EIFs cannot be measured in this build");
    }

    private static void digest(java.nio.channels.FileChannel ch, long pos, long len, java.security.MessageDigest... ds)
            throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(1 << 20);
        long end = pos + len;
        while (pos < end) {
            buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += n;
            for (java.security.MessageDigest d : ds) {
                buf.flip();
                d.update(buf);
            }
        }
    }

    private static void readFully(java.nio.channels.FileChannel ch, java.nio.ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, "EIF truncated");
            }
        }
    }

    private static java.security.MessageDigest sha384() {
        try {
            return java.security.MessageDigest.getInstance("SHA-384");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

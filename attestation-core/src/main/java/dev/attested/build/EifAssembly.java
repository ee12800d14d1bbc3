package dev.attested.build;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonFactory;
import dev.attested.pcr.Pcr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;

/** The seam between the build and the EIF format ({@code dev.attested.eif}). */
final class EifAssembly {
    private EifAssembly() {}

    /**
     * The metadata section's {@code BuildMetadata} plus image name/version (EIF.md §4.3); {@code DockerInfo} and
     * {@code CustomMetadata} are written as {@code null}.
     */
    record Metadata(String imageName, String imageVersion, String buildTime, String buildTool, String buildToolVersion,
            String operatingSystem, String kernelVersion) {

        /** Compact JSON in nitro-cli's key order. */
        byte[] toJson() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeStringField("ImageName", imageName);
                g.writeStringField("ImageVersion", imageVersion);
                g.writeObjectFieldStart("BuildMetadata");
                g.writeStringField("BuildTime", buildTime);
                g.writeStringField("BuildTool", buildTool);
                g.writeStringField("BuildToolVersion", buildToolVersion);
                g.writeStringField("OperatingSystem", operatingSystem);
                g.writeStringField("KernelVersion", kernelVersion);
                g.writeEndObject();
                g.writeNullField("DockerInfo");
                g.writeNullField("CustomMetadata");
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }
    }

    static final int HEADER = 548;
    private static final int SECTION_HEADER = 12;
    private static final int KERNEL = 1;
    private static final int CMDLINE = 2;
    private static final int RAMDISK = 3;
    private static final int SIGNATURE = 4;
    private static final int METADATA = 5;

    /**
     * Writes an unsigned EIF v4 in nitro-cli's section order (kernel, cmdline, metadata, ramdisks), streaming the
     * inputs, and returns PCR0/1/2 measured while writing (EIF.md §2–§6).
     */
    static SortedMap<Integer, Pcr> write(Path out, Arch arch, Path kernel, String cmdline, Metadata metadata,
            List<Path> ramdisks, Path signingKey, Path signingCertificate, Instant signingTime) throws IOException {
        if (signingKey != null) {
            throw new BuildException(BuildException.Code.INPUT_INVALID, "signing is not available in this build");
        }
        byte[] cmd = cmdline.getBytes(StandardCharsets.UTF_8);
        byte[] meta = metadata.toJson();
        List<Long> sizes = new java.util.ArrayList<>(List.of(java.nio.file.Files.size(kernel), (long) cmd.length,
                (long) meta.length));
        for (Path r : ramdisks) {
            sizes.add(java.nio.file.Files.size(r));
        }
        java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(HEADER);
        header.put(new byte[] {'.', 'e', 'i', 'f'}).putShort((short) 4).putShort((short) (arch == Arch.AARCH64 ? 1 : 0))
                .putLong(1L << 30).putLong(2).putShort((short) 0).putShort((short) sizes.size());
        long offset = HEADER;
        for (int i = 0; i < 32; i++) {
            header.putLong(i < sizes.size() ? offset : 0);
            if (i < sizes.size()) {
                offset += SECTION_HEADER + sizes.get(i);
            }
        }
        for (int i = 0; i < 32; i++) {
            header.putLong(i < sizes.size() ? sizes.get(i) : 0);
        }
        header.putInt(0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(header.array(), 0, HEADER - 4);
        java.security.MessageDigest pcr0 = sha384();
        java.security.MessageDigest pcr2 = sha384();
        java.security.MessageDigest pcr1 = null;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(out,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.position(HEADER);
            section(ch, crc, KERNEL, sizes.get(0), kernel, null, pcr0);
            section(ch, crc, CMDLINE, cmd.length, null, cmd, pcr0);
            section(ch, crc, METADATA, meta.length, null, meta);
            for (int i = 0; i < ramdisks.size(); i++) {
                if (i == 0) {
                    section(ch, crc, RAMDISK, sizes.get(3), ramdisks.get(0), null, pcr0);
                    try {
                        pcr1 = (java.security.MessageDigest) pcr0.clone();
                    } catch (CloneNotSupportedException e) {
                        throw new IllegalStateException(e);
                    }
                } else {
                    section(ch, crc, RAMDISK, sizes.get(3 + i), ramdisks.get(i), null, pcr0, pcr2);
                }
            }
            header.putInt((int) crc.getValue());
            header.flip();
            ch.position(0);
            while (header.hasRemaining()) {
                ch.write(header);
            }
        }
        SortedMap<Integer, Pcr> pcrs = new java.util.TreeMap<>();
        pcrs.put(0, Pcr.ofContentDigest(pcr0.digest()));
        pcrs.put(1, Pcr.ofContentDigest(pcr1.digest()));
        pcrs.put(2, Pcr.ofContentDigest(pcr2.digest()));
        return pcrs;
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

    private static void section(java.nio.channels.FileChannel ch, java.util.zip.CRC32 crc, int type, long size,
            Path file, byte[] bytes, java.security.MessageDigest... digests) throws IOException {
        java.nio.ByteBuffer sh = java.nio.ByteBuffer.allocate(SECTION_HEADER);
        sh.putShort((short) type).putShort((short) 0).putLong(size).flip();
        crc.update(sh.array());
        while (sh.hasRemaining()) {
            ch.write(sh);
        }
        if (bytes != null) {
            crc.update(bytes);
            for (java.security.MessageDigest d : digests) {
                d.update(bytes);
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return;
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            long remaining = size;
            int n;
            while (remaining > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, remaining))) > 0) {
                crc.update(buf, 0, n);
                for (java.security.MessageDigest d : digests) {
                    d.update(buf, 0, n);
                }
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                remaining -= n;
            }
            if (remaining != 0) {
                throw new IOException(file + " changed size while the EIF was written");
            }
        }
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

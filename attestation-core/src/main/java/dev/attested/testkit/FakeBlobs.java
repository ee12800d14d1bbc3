package dev.attested.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small x86_64 blob set for tests: arbitrary kernel bytes (the EIF format does not look inside), the real
 * nitro-cli cmdline and config header line, and stand-ins for init and nsm.ko.
 */
public final class FakeBlobs {
    public static final String CMDLINE = "reboot=k panic=30 pci=off nomodules console=ttyS0 i8042.noaux i8042.nomux "
            + "i8042.nopnp i8042.dumbkbd random.trust_cpu=on";

    private FakeBlobs() {}

    public static Path create(Path dir) throws IOException {
        Files.createDirectories(dir);
        byte[] kernel = new byte[64 * 1024];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (byte) (i * 31 + 7);
        }
        Files.write(dir.resolve("bzImage"), kernel);
        Files.writeString(dir.resolve("bzImage.config"), "#\n# Automatically generated file; DO NOT EDIT.\n"
                + "# Linux/x86_64 4.14.256-209.484.amzn2.x86_64 Kernel Configuration\n#\nCONFIG_64BIT=y\n",
                StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("cmdline"), CMDLINE + "\n", StandardCharsets.US_ASCII);
        Files.write(dir.resolve("init"), "\u007fELF fake init for tests\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("nsm.ko"), "\u007fELF fake nsm.ko for tests\n".getBytes(StandardCharsets.US_ASCII));
        return dir;
    }
}

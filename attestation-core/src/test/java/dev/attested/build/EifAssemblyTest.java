package dev.attested.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.attested.pcr.Pcr;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EifAssemblyTest {
    @TempDir
    Path dir;

    /** EIF.md §14 vector 3: the synthetic unsigned x86_64 EIF, byte for byte. */
    @Test
    void syntheticEifMatchesSpecVector3() throws Exception {
        Path kernel = Files.writeString(dir.resolve("kernel"), "KERNEL-BYTES");
        Path r0 = Files.writeString(dir.resolve("r0"), "RAMDISK-0");
        Path r1 = Files.writeString(dir.resolve("r1"), "RAMDISK-1-APP");
        EifAssembly.Metadata md = new EifAssembly.Metadata("test", "1.0", "1970-01-01T00:00:00+00:00", "eif_build",
                "0.3.1", "OS", "kernel");
        assertEquals(238, md.toJson().length);
        Path eif = dir.resolve("test.eif");
        SortedMap<Integer, Pcr> pcrs = EifAssembly.write(eif, Arch.X86_64, kernel, "console=ttyS0", md,
                List.of(r0, r1), null, null, null);
        byte[] bytes = Files.readAllBytes(eif);
        assertEquals(893, bytes.length);
        assertEquals("65c726f134bec6635b3e456f5e8cb888612f0e1aedcb1ea054ca8b6cb520d55c", BootBlobs.sha256(eif));
        assertEquals("1f1d207cb2d4484930d0f823e8b833169036bebc1fb4ef5449161fcbd9498f1fc52867a9a704cfe12e3ce677c337ada0",
                pcrs.get(0).hex());
        assertEquals("a85c761fc79b20dc65c344a9b3e98033982da0f0aea81862e824b1f37386f739456cdc4dbc050449b98f960d3d38e2b9",
                pcrs.get(1).hex());
        assertEquals("22e24471c39d3664a951ec258b0b63778ddade72ec66cc6769f7bcff41b53745b210ce9647c1b65c8abb227063dbfaeb",
                pcrs.get(2).hex());
        assertEquals(pcrs, EifAssembly.measure(eif), "re-measuring the written file gives the same PCRs");
        assertEquals(new String(md.toJson(), StandardCharsets.UTF_8), "{\"ImageName\":\"test\",\"ImageVersion\":\"1.0\","
                + "\"BuildMetadata\":{\"BuildTime\":\"1970-01-01T00:00:00+00:00\",\"BuildTool\":\"eif_build\","
                + "\"BuildToolVersion\":\"0.3.1\",\"OperatingSystem\":\"OS\",\"KernelVersion\":\"kernel\"},"
                + "\"DockerInfo\":null,\"CustomMetadata\":null}");
    }
}

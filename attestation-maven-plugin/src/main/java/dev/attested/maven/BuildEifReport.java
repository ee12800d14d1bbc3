package dev.attested.maven;

import dev.attested.build.EifBuild;
import dev.attested.pcr.Pcr;
import dev.attested.pcr.PcrManifest;
import java.util.Map;
import java.util.SortedMap;
import org.apache.maven.plugin.logging.Log;

/** The log lines of {@code build-eif}; they end with the PCR table. */
final class BuildEifReport {
    private BuildEifReport() {}

    static void log(Log log, EifBuild.Result r) {
        PcrManifest m = r.manifest();
        if (r.imageConfig() != null && r.imageConfig().entrypointIgnored()) {
            log.warn("The image has both Entrypoint and Cmd; like nitro-cli, the enclave runs Cmd alone: "
                    + r.imageConfig().cmd());
        }
        r.nativePcrs().ifPresent(nativePcrs -> {
            SortedMap<Integer, Pcr> built = m.pcrValues();
            if (nativePcrs.equals(built)) {
                log.info("The native build of the same image gives the same PCRs as nitro-cli.");
            } else {
                log.warn("The native build of the same image gives different PCRs than nitro-cli:");
                nativePcrs.forEach((k, v) -> log.warn("  native PCR" + k + " " + v.hex()
                        + (v.equals(built.get(k)) ? "" : "  (nitro-cli " + (built.get(k) == null ? "-" : built.get(k).hex()) + ")")));
            }
        });
        log.info("EIF      " + r.eif() + " (" + m.eif().size() + " bytes, sha256 " + m.eif().sha256() + ")");
        log.info("Manifest " + r.manifestFile());
        log.info("Mode " + m.mode() + ", " + m.arch() + ", build time " + m.outputTimestamp());
        log.info("+------+--------------------------------------------------------------------------------------------------+");
        log.info("| PCR  | " + pad(m.hashAlgorithm(), 96) + " |");
        log.info("+------+--------------------------------------------------------------------------------------------------+");
        for (Map.Entry<Integer, String> e : m.pcrs().entrySet()) {
            log.info("| " + pad("PCR" + e.getKey(), 4) + " | " + e.getValue() + " |");
        }
        log.info("+------+--------------------------------------------------------------------------------------------------+");
    }

    private static String pad(String s, int n) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < n) {
            sb.append(' ');
        }
        return sb.toString();
    }
}

package dev.attested.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attested.OptionRenderer;
import dev.attested.eif.EifException;
import dev.attested.eif.EifImage;
import dev.attested.eif.EifReader;
import dev.attested.pcr.PcrManifest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A published release compared with a rebuild: PCR by PCR, the EIF's SHA-256 and every recorded input, with the
 * input that most probably explains each difference.
 *
 * <p>What each PCR measures (docs/spec/eif-format.md §5.2): PCR1 = kernel ‖ cmdline ‖ bootstrap ramdisk (the boot
 * blobs), PCR2 = the application ramdisk (the image: base image, your classes as compiled by the JDK, dependencies,
 * file times), PCR0 = both, PCR8 = the signing certificate. The EIF file additionally holds unmeasured metadata.
 *
 * @param pcrs   one entry per PCR index present in either manifest
 * @param eif    the EIF SHA-256 comparison
 * @param inputs the recorded inputs that differ
 * @param causes human-readable likely causes, most specific first; empty when everything matches
 * @param notes  how values were obtained when not simply read from the two manifests (signed releases)
 *               <p>Causes and notes name options as <code>{key}</code> placeholders; {@link #render(OptionRenderer)}
 *               and the JSON report render them.
 */
public record ReproduceComparison(List<PcrResult> pcrs, PcrResult eif, List<InputDifference> inputs,
        List<String> causes, List<String> notes) {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /** One compared value; {@code published} or {@code rebuilt} is null when only one side has it. */
    public record PcrResult(String name, String published, String rebuilt) {
        public boolean matches() {
            return Objects.equals(published, rebuilt);
        }
    }

    /** A recorded input whose value differs ({@code null} = not recorded on that side). */
    public record InputDifference(String input, String published, String rebuilt) {}

    public ReproduceComparison {
        pcrs = List.copyOf(pcrs);
        inputs = List.copyOf(inputs);
        causes = List.copyOf(causes);
        notes = List.copyOf(notes);
    }

    /** True when every PCR of both manifests is equal: the rebuild reproduces the release. */
    public boolean pcrsMatch() {
        return pcrs.stream().allMatch(PcrResult::matches);
    }

    /** True when the EIF files are byte-identical. */
    public boolean eifIdentical() {
        return eif.matches();
    }

    /** Names of the differing PCRs, e.g. {@code [PCR0, PCR2]}. */
    public List<String> differingPcrs() {
        return pcrs.stream().filter(p -> !p.matches()).map(PcrResult::name).toList();
    }

    /**
     * Compares a published release with a rebuild.
     *
     * @param published      the published PCR manifest
     * @param publishedBuild the published build manifest, or null when the release has none
     * @param rebuilt        the rebuild's PCR manifest
     * @param rebuiltBuild   the rebuild's build manifest, or null
     */
    public static ReproduceComparison compare(PcrManifest published, BuildManifest publishedBuild,
            PcrManifest rebuilt, BuildManifest rebuiltBuild) {
        return compare(published, publishedBuild, rebuilt, rebuiltBuild, null);
    }

    /**
     * As {@link #compare(PcrManifest, BuildManifest, PcrManifest, BuildManifest)}, for a signed release rebuilt
     * without its private key: a consumer cannot sign, so when the published manifest has PCR8 and the rebuild has
     * none, PCR8 is measured from the signature section of {@code publishedEif} (which must be intact: CRC and
     * signature checked, and its PCR0-2 equal to the published manifest's), and compared with the published value.
     *
     * @param publishedEif the EIF of the release (e.g. next to the downloaded manifest), or null
     */
    public static ReproduceComparison compare(PcrManifest published, BuildManifest publishedBuild,
            PcrManifest rebuilt, BuildManifest rebuiltBuild, Path publishedEif) {
        List<String> notes = new ArrayList<>();
        String signedPcr8 = null;
        if (published.pcrs().containsKey(8) && !rebuilt.pcrs().containsKey(8)) {
            signedPcr8 = pcr8FromPublishedEif(published, publishedEif, notes);
            notes.add("EIF bytes: the release is signed and the rebuild is not, so the files cannot be equal. Rebuild"
                    + " with the release's signing key and certificate ({signingKey}=…"
                    + " {signingCertificate}=…) to compare them byte for byte: signing is deterministic.");
        } else if (published.pcrs().containsKey(8) && published.pcrs().get(8).equals(rebuilt.pcrs().get(8))) {
            notes.add("EIF bytes: both are signed with the same certificate; ECDSA signatures here are deterministic"
                    + " (RFC 6979), so the files are expected to be byte-identical.");
        }
        List<PcrResult> pcrs = new ArrayList<>();
        SortedSet<Integer> indices = new TreeSet<>(published.pcrs().keySet());
        indices.addAll(rebuilt.pcrs().keySet());
        for (int i : indices) {
            String rebuiltValue = i == 8 && signedPcr8 != null ? signedPcr8 : rebuilt.pcrs().get(i);
            pcrs.add(new PcrResult("PCR" + i, published.pcrs().get(i), rebuiltValue));
        }
        PcrResult eif = new PcrResult("EIF SHA-256", published.eif().sha256(), rebuilt.eif().sha256());

        SortedMap<String, String> a = inputsOf(published, publishedBuild);
        SortedMap<String, String> b = inputsOf(rebuilt, rebuiltBuild);
        List<InputDifference> inputs = new ArrayList<>();
        SortedSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            String x = a.get(k);
            String y = b.get(k);
            // An input recorded on one side only is not evidence of a difference (older manifests record less).
            if (x != null && y != null && !x.equals(y)) {
                inputs.add(new InputDifference(k, x, y));
            } else if (k.startsWith("blobs/") && !Objects.equals(x, y)) {
                inputs.add(new InputDifference(k, x, y));
            }
        }
        List<String> causes = causes(pcrs, eif, inputs);
        if (signedPcr8 == null && published.pcrs().containsKey(8) && !rebuilt.pcrs().containsKey(8)) {
            causes.add(0, "The release is signed (PCR8) and the rebuild is not. Keep the published EIF next to the"
                    + " manifest (as in the release bundle) so PCR8 can be read from its signature, or sign the"
                    + " rebuild with the release's key.");
        }
        return new ReproduceComparison(pcrs, eif, inputs, causes, notes);
    }

    /** PCR8 of the published EIF's signature, or null (with a note saying why) when it cannot be trusted. */
    private static String pcr8FromPublishedEif(PcrManifest published, Path eif, List<String> notes) {
        if (eif == null || !Files.isRegularFile(eif)) {
            notes.add("PCR8: no published EIF at " + eif + " to read the signing certificate from.");
            return null;
        }
        EifImage image;
        try {
            image = EifReader.read(eif);
        } catch (EifException e) {
            notes.add("PCR8: the published EIF " + eif + " is not intact: " + e.getMessage());
            return null;
        }
        String[] own = {image.measurements().pcr0().hex(), image.measurements().pcr1().hex(),
                image.measurements().pcr2().hex()};
        for (int i = 0; i < 3; i++) {
            if (!own[i].equals(published.pcrs().get(i))) {
                notes.add("PCR8: the published EIF " + eif + " measures PCR" + i + " " + own[i]
                        + ", not the published manifest's value; it is not the released EIF.");
                return null;
            }
        }
        if (image.measurements().pcr8().isEmpty()) {
            notes.add("PCR8: the published EIF " + eif + " is not signed.");
            return null;
        }
        notes.add("PCR8 was measured from the signing certificate in the published EIF (its signature verified, its"
                + " PCR0-2 equal to the manifest's); the rebuild is unsigned, as only the release's key can sign.");
        return image.measurements().pcr8().get().hex();
    }

    /** Every recorded input, flattened to {@code name → value}. */
    static SortedMap<String, String> inputsOf(PcrManifest m, BuildManifest b) {
        SortedMap<String, String> in = new TreeMap<>();
        if (m.blobs() != null) {
            m.blobs().forEach((k, v) -> in.put("blobs/" + k, v));
        }
        if (m.tools() != null) {
            m.tools().forEach((k, v) -> in.put("tools/" + k, v));
        }
        putIf(in, "cmdline", m.cmdline());
        putIf(in, "mode", m.mode());
        putIf(in, "arch", m.arch());
        putIf(in, "outputTimestamp", m.outputTimestamp());
        if (m.image() != null) {
            putIf(in, "image/digest", m.image().digest());
            putIf(in, "image/base", m.image().base());
            putIf(in, "image/name", m.image().name());
            putIf(in, "image/version", m.image().version());
            putTarball(in, "image/baseTarball", m.image().baseTarball());
            putTarball(in, "image/tarball", m.image().tarball());
        }
        if (b != null) {
            if (b.tools() != null) {
                b.tools().forEach((k, v) -> in.put("tools/" + k, v));
            }
            putIf(in, "image/baseDigest", b.baseImageDigest());
            if (b.source() != null) {
                putIf(in, "source/revision", b.source().revision());
            }
        }
        return in;
    }

    private static void putTarball(SortedMap<String, String> in, String key, PcrManifest.Tarball t) {
        if (t != null) {
            putIf(in, key + "/path", t.path());
            putIf(in, key + "/sha256", t.sha256());
            putIf(in, key + "/config", t.config());
            if (t.layers() != null) {
                in.put(key + "/layers", String.join(",", t.layers()));
            }
        }
    }

    private static void putIf(SortedMap<String, String> in, String key, String value) {
        if (value != null) {
            in.put(key, value);
        }
    }

    private static List<String> causes(List<PcrResult> pcrs, PcrResult eif, List<InputDifference> inputs) {
        List<String> causes = new ArrayList<>();
        List<String> differing = pcrs.stream().filter(p -> !p.matches()).map(PcrResult::name).toList();
        List<String> changed = inputs.stream().map(InputDifference::input).toList();

        for (PcrResult p : pcrs) {
            if (!p.matches() && (p.published() == null || p.rebuilt() == null)) {
                causes.add(p.name() + " is only in the " + (p.published() == null ? "rebuilt" : "published")
                        + " manifest: one build was signed and the other was not (PCR8), or they measure different"
                        + " registers. Build with the same signing configuration.");
            }
        }
        if (differing.contains("PCR1")) {
            List<String> boot = changed.stream()
                    .filter(k -> k.startsWith("blobs/") || k.equals("cmdline") || k.equals("arch")).toList();
            if (!boot.isEmpty()) {
                causes.add("PCR1 (kernel, cmdline, bootstrap ramdisk) differs because the boot inputs differ: "
                        + String.join(", ", boot) + ". Use the boot blobs listed in the published manifest"
                        + " ({blobs}=<dir>).");
            } else {
                causes.add("PCR1 (kernel, cmdline, bootstrap ramdisk) differs although the recorded blobs and cmdline"
                        + " are equal: the bootstrap ramdisk was assembled differently"
                        + toolHint(changed) + ".");
            }
        }
        if (differing.contains("PCR2")) {
            List<String> app = changed.stream().filter(k -> k.equals("image/base") || k.equals("image/baseDigest")
                    || (k.startsWith("image/baseTarball/") && !k.endsWith("/path"))
                    || (k.startsWith("image/tarball/") && !k.endsWith("/path"))
                    || k.startsWith("tools/jdk") || k.equals("tools/java") || k.equals("source/revision") || k.equals("outputTimestamp")
                    || k.equals("tools/plugin") || k.equals("tools/attestation-maven-plugin") || k.equals("arch")).toList();
            StringBuilder s = new StringBuilder("PCR2 (the application ramdisk: your code, its dependencies and the"
                    + " base image) differs");
            if (!app.isEmpty()) {
                s.append("; recorded inputs that change it differ: ");
                List<String> explained = new ArrayList<>();
                for (String k : app) {
                    explained.add(k + explain(k));
                }
                s.append(String.join(", ", explained)).append('.');
            } else {
                s.append("; none of the recorded inputs that feed it (base image, JDK, source revision, output"
                        + " timestamp, plugin) differs, so the source files or the dependencies differ from the"
                        + " release: check for uncommitted or changed files in the checkout and for dependency"
                        + " versions that are not pinned (SNAPSHOTs, version ranges).");
            }
            causes.add(s.toString());
        }
        if (differing.contains("PCR0") && !differing.contains("PCR1") && !differing.contains("PCR2")) {
            causes.add("Only PCR0 differs: the EIF holds other sections than its PCR1/PCR2 parts account for"
                    + toolHint(changed) + ".");
        }
        if (differing.contains("PCR8")) {
            causes.add("PCR8 differs: the EIF was signed with another certificate. PCR8 is the SHA-384 of the"
                    + " signing certificate's DER; sign with the published certificate or compare PCR0-2 only.");
        }
        if (differing.isEmpty() && !eif.matches()) {
            causes.add("All PCRs match; only the EIF file differs. That is the unmeasured metadata (image name or"
                    + " version, build time, tool versions"
                    + (changed.isEmpty() ? "" : "; differing: " + String.join(", ", changed))
                    + ") or, when only one of the two builds is signed, the signature section. Signatures are"
                    + " deterministic (RFC 6979): a rebuild signed with the release's key and certificate is"
                    + " byte-identical. Attestation and KMS see only the PCRs.");
        }
        return causes;
    }

    private static String explain(String key) {
        if (key.startsWith("image/baseTarball/")) {
            return " (another base image tarball)";
        }
        if (key.startsWith("image/tarball/")) {
            return " (another image tarball)";
        }
        return switch (key) {
            case "image/base", "image/baseDigest" -> " (another base image)";
            case "tools/jdk", "tools/jdk.vendor", "tools/java" -> " (another JDK compiles other class files)";
            case "source/revision" -> " (another source revision)";
            case "outputTimestamp" -> " (file times in the image come from the output timestamp)";
            case "tools/plugin", "tools/attestation-maven-plugin" -> " (another plugin version may lay out the image differently)";
            default -> "";
        };
    }

    private static String toolHint(List<String> changed) {
        List<String> tools = changed.stream().filter(k -> k.startsWith("tools/") || k.equals("mode")).toList();
        return tools.isEmpty() ? "" : " (differing tools: " + String.join(", ", tools) + ")";
    }

    /** A readable report: a line per PCR, the EIF, each differing input and the likely causes; options named neutrally. */
    public String render() {
        return render(OptionRenderer.NEUTRAL);
    }

    /**
     * {@link #render()} with the options that causes and notes name (as <code>{key}</code> placeholders) rendered by
     * the front end's {@code renderer}.
     */
    public String render(OptionRenderer renderer) {
        return renderer.apply(renderText());
    }

    private String renderText() {
        StringBuilder sb = new StringBuilder();
        sb.append(pcrsMatch() ? "REPRODUCED: every PCR matches the published release.\n"
                : "NOT REPRODUCED: " + String.join(", ", differingPcrs()) + " differ from the published release.\n");
        for (PcrResult p : pcrs) {
            sb.append(String.format(Locale.ROOT, "  %-5s %-8s published %s\n", p.name(), p.matches() ? "match" : "MISMATCH",
                    p.published() == null ? "-" : p.published()));
            if (!p.matches()) {
                sb.append(String.format(Locale.ROOT, "  %-5s %-8s rebuilt   %s\n", "", "", p.rebuilt() == null ? "-" : p.rebuilt()));
            }
        }
        sb.append(String.format(Locale.ROOT, "  EIF   %-8s published %s\n", eif.matches() ? "match" : "differs", eif.published()));
        if (!eif.matches()) {
            sb.append(String.format(Locale.ROOT, "  %-5s %-8s rebuilt   %s\n", "", "", eif.rebuilt()));
        }
        if (!inputs.isEmpty()) {
            sb.append("Inputs that differ:\n");
            for (InputDifference d : inputs) {
                sb.append("  ").append(d.input()).append(": published ").append(d.published() == null ? "-" : d.published())
                        .append(", rebuilt ").append(d.rebuilt() == null ? "-" : d.rebuilt()).append('\n');
            }
        }
        for (String c : causes) {
            sb.append("Likely cause: ").append(c).append('\n');
        }
        for (String n : notes) {
            sb.append("Note: ").append(n).append('\n');
        }
        return sb.toString();
    }

    /** The report as JSON ({@code reproduce-report.json}). */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("reproduced", pcrsMatch());
        root.put("eifIdentical", eifIdentical());
        ArrayNode p = root.putArray("pcrs");
        for (PcrResult r : pcrs) {
            ObjectNode n = p.addObject();
            n.put("name", r.name());
            n.put("match", r.matches());
            n.put("published", r.published());
            n.put("rebuilt", r.rebuilt());
        }
        ObjectNode e = root.putObject("eif");
        e.put("published", eif.published());
        e.put("rebuilt", eif.rebuilt());
        ArrayNode in = root.putArray("differingInputs");
        for (InputDifference d : inputs) {
            ObjectNode n = in.addObject();
            n.put("input", d.input());
            n.put("published", d.published());
            n.put("rebuilt", d.rebuilt());
        }
        ArrayNode c = root.putArray("likelyCauses");
        causes.forEach(x -> c.add(OptionRenderer.NEUTRAL.apply(x)));
        ArrayNode n = root.putArray("notes");
        notes.forEach(x -> n.add(OptionRenderer.NEUTRAL.apply(x)));
        try {
            return (JSON.writeValueAsString(root).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

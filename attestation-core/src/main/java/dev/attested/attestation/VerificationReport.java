package dev.attested.attestation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.attested.pcr.Pcr;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Verifies a list of document files with one {@link VerificationRequest} and describes the outcome: a readable
 * summary and the JSON report of {@code mvn attestation:verify} ({@code results[]} with {@code file},
 * {@code verdict} ok/rejected, {@code code} and the decoded fields).
 */
public final class VerificationReport {
    /** Version of the JSON report: 2 replaced {@code expectedPcrs} with {@code image} (top level and per result). */
    public static final int SCHEMA_VERSION = 2;

    /** Jackson is loaded only for the JSON report: a summary of a few documents starts without it. */
    private static final class Json {
        static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    /** Outcome of one document. */
    public enum Verdict {
        OK, REJECTED;

        public String json() {
            return this == OK ? "ok" : "rejected";
        }
    }

    /** Subject and validity window of one certificate of a document's chain. */
    public record CertificateInfo(String role, String subject, Instant notBefore, Instant notAfter, String sha256) {}

    /**
     * One document's result. {@code document} is present when the framing and schema could be read (for rejected
     * documents its fields are <em>unverified</em>); {@code code} and {@code message} are null for ok.
     *
     * @param imageChecked  true only for an ok document whose image matched an accepted release
     * @param image         what became of the image check, e.g. {@code checked against release 1.1 (prod)},
     *                      {@code NOT checked (anyImage)}, {@code not accepted, expected manifest …}, or for a
     *                      document rejected for another reason whose unverified PCRs match an accepted set
     *                      {@code not accepted: its unverified PCRs match, but the document was rejected}
     * @param pcrsComparedWith the accepted set the PCR lines compare with: for an ok document the one the verifier
     *                      matched; for a rejected one the set its (unverified) PCRs come closest to
     * @param pcrStatus     index → {@code match}/{@code mismatch} against {@code pcrsComparedWith}
     */
    public record Result(String file, Verdict verdict, AttestationException.Code code, String message,
            Optional<UnverifiedDocument> document, List<CertificateInfo> chain, boolean imageChecked, String image,
            Optional<Expectations.PcrSet> pcrsComparedWith, SortedMap<Integer, String> pcrStatus) {}

    private final VerificationRequest request;
    private final Instant reportTime;
    private final List<Result> results;

    private VerificationReport(VerificationRequest request, Instant reportTime, List<Result> results) {
        this.request = request;
        this.reportTime = reportTime;
        this.results = List.copyOf(results);
    }

    /** Verifies every file; {@code clock} gives the instant ages are shown against. */
    public static VerificationReport verify(VerificationRequest request, List<Path> files, Clock clock) {
        // Documents are independent and the verifier is shared safely, so several are verified side by side (on
        // the common pool: as many threads as cores); the results keep the order of the files.
        List<Result> out = files.parallelStream().map(f -> verifyOne(request, f)).toList();
        return new VerificationReport(request, clock.instant(), out);
    }

    private static Result verifyOne(VerificationRequest request, Path file) {
        String name = displayName(file);
        Expectations ex = request.expectations();
        String notAccepted = ex.anyImage() ? "not checked (anyImage)" : "not accepted, expected " + request.imageDescription();
        byte[] bytes;
        try {
            bytes = AttestationDocuments.read(file);
        } catch (AttestationException e) {
            return new Result(name, Verdict.REJECTED, e.code(), e.getMessage(), Optional.empty(), List.of(), false,
                    notAccepted, Optional.empty(), new TreeMap<>());
        } catch (UncheckedIOException e) {
            return new Result(name, Verdict.REJECTED, AttestationException.Code.MALFORMED_CBOR,
                    "cannot read the file: " + e.getCause(), Optional.empty(), List.of(), false, notAccepted,
                    Optional.empty(), new TreeMap<>());
        }
        Optional<UnverifiedDocument> parsed;
        try {
            parsed = Optional.of(UnverifiedDocument.parse(bytes));
        } catch (AttestationException e) {
            parsed = Optional.empty();
        }
        try {
            VerifiedAttestation v = request.verifier().verify(bytes, ex);
            List<CertificateInfo> chain = new ArrayList<>();
            List<ProfileCertificate> profile = v.profileChain();
            if (profile != null) {
                // read by the verifier's profile path: described from the DER, without the JCA
                for (int i = 0; i < profile.size(); i++) {
                    chain.add(info(role(i, profile.size()), profile.get(i)));
                }
            } else {
                for (int i = 0; i < v.chain().size(); i++) {
                    chain.add(info(role(i, v.chain().size()), v.chain().get(i)));
                }
            }
            // The verifier's answer: the release it matched, whose every PCR the document holds.
            SortedMap<Integer, String> status = new TreeMap<>();
            v.matchedPcrs().keySet().forEach(k -> status.put(k, "match"));
            String image = v.matchedRelease().map(r -> "checked against " + r).orElse("NOT checked (anyImage)");
            return new Result(name, Verdict.OK, null, null, parsed, chain, v.imageChecked(), image, v.matchedPcrSet(),
                    status);
        } catch (AttestationException e) {
            Optional<Expectations.PcrSet> closest = parsed.flatMap(d -> closest(ex, d.pcrs()));
            // PCR lines that all say "match" beside a rejection must not read as an accepted image
            boolean pcrsMatch = !ex.anyImage() && parsed.flatMap(d -> ex.firstMatch(d.pcrs())).isPresent();
            String image = pcrsMatch ? "not accepted: its unverified PCRs match, but the document was rejected" : notAccepted;
            return new Result(name, Verdict.REJECTED, e.code(), e.getMessage(), parsed, unverifiedChain(parsed), false,
                    image, closest, pcrStatus(parsed, closest));
        }
    }

    /**
     * For a rejected document only (nothing was verified, so this is display, not a decision): the accepted set
     * its PCRs match, else the one with the most matching indices, the newest among equals.
     */
    private static Optional<Expectations.PcrSet> closest(Expectations ex, Map<Integer, Pcr> pcrs) {
        if (ex.anyImage()) {
            return Optional.empty();
        }
        Optional<Expectations.PcrSet> full = ex.firstMatch(pcrs);
        if (full.isPresent()) {
            return full;
        }
        Expectations.PcrSet best = null;
        int bestCount = -1;
        for (Expectations.PcrSet set : ex.pcrSets()) {
            int count = 0;
            for (Map.Entry<Integer, Pcr> e : set.pcrs().entrySet()) {
                count += e.getValue().equals(pcrs.get(e.getKey())) ? 1 : 0;
            }
            if (count >= bestCount) {
                best = set;
                bestCount = count;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Relative to the working directory when below it, so reports don't carry host paths. */
    static String displayName(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return (abs.startsWith(cwd) ? cwd.relativize(abs) : abs).toString().replace('\\', '/');
    }

    private static SortedMap<Integer, String> pcrStatus(Optional<UnverifiedDocument> doc, Optional<Expectations.PcrSet> set) {
        SortedMap<Integer, String> out = new TreeMap<>();
        if (doc.isEmpty() || set.isEmpty()) {
            return out;
        }
        for (Map.Entry<Integer, Pcr> e : set.get().pcrs().entrySet()) {
            Optional<Pcr> found = doc.get().pcr(e.getKey());
            out.put(e.getKey(), found.isPresent() && found.get().equals(e.getValue()) ? "match" : "mismatch");
        }
        return out;
    }

    private static List<CertificateInfo> unverifiedChain(Optional<UnverifiedDocument> doc) {
        List<CertificateInfo> out = new ArrayList<>();
        if (doc.isEmpty()) {
            return out;
        }
        List<byte[]> ders = new ArrayList<>();
        ders.add(doc.get().certificate());
        List<byte[]> bundle = doc.get().cabundle();
        for (int i = bundle.size() - 1; i >= 0; i--) {
            ders.add(bundle.get(i));
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (int i = 0; i < ders.size(); i++) {
                X509Certificate c = (X509Certificate) cf.generateCertificate(new ByteArrayInputStream(ders.get(i)));
                out.add(info(role(i, ders.size()) + " (unverified)", c));
            }
        } catch (Exception e) {
            // not certificates: show what could be read
        }
        return out;
    }

    private static String role(int i, int size) {
        return i == 0 ? "leaf" : i == size - 1 ? "root" : "intermediate";
    }

    /** The same values as {@link #info(String, X509Certificate)} gives for the same bytes. */
    static CertificateInfo info(String role, ProfileCertificate c) {
        return new CertificateInfo(role, c.subject.getName(), c.notBefore, c.notAfter, c.sha256Hex());
    }

    private static CertificateInfo info(String role, X509Certificate c) {
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
            return new CertificateInfo(role, c.getSubjectX500Principal().getName(), c.getNotBefore().toInstant(),
                    c.getNotAfter().toInstant(), sha);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public List<Result> results() {
        return results;
    }

    public boolean allOk() {
        return results.stream().allMatch(r -> r.verdict == Verdict.OK);
    }

    public long rejectedCount() {
        return results.stream().filter(r -> r.verdict == Verdict.REJECTED).count();
    }

    /** The JSON report (UTF-8, LF, trailing newline). */
    public byte[] toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("verificationTime", request.timeDescription());
        ArrayNode roots = root.putArray("trustAnchors");
        for (CertificateInfo i : request.rootInfos()) {
            roots.addObject().put("subject", i.subject()).put("sha256", i.sha256());
        }
        ObjectNode image = root.putObject("image");
        image.put("checked", !request.expectations().anyImage());
        image.put("expected", request.imageDescription());
        ArrayNode accepted = image.putArray("accepted");
        for (Expectations.PcrSet set : request.expectations().pcrSets()) {
            ObjectNode a = accepted.addObject().put("release", set.release());
            ObjectNode pcrs = a.putObject("pcrs");
            set.pcrs().forEach((k, v) -> pcrs.put(k.toString(), v.hex()));
        }
        root.put("ok", results.size() - rejectedCount());
        root.put("rejected", rejectedCount());
        ArrayNode arr = root.putArray("results");
        for (Result r : results) {
            ObjectNode n = arr.addObject();
            n.put("file", r.file());
            n.put("verdict", r.verdict().json());
            n.put("code", r.code() == null ? null : r.code().name());
            n.put("message", r.message());
            n.putObject("image").put("checked", r.imageChecked())
                    .put("release", r.imageChecked() ? r.pcrsComparedWith().map(Expectations.PcrSet::release).orElse(null) : null)
                    .put("status", r.image());
            r.document().ifPresent(d -> {
                ObjectNode doc = n.putObject("document");
                doc.put("verified", r.verdict() == Verdict.OK);
                doc.put("moduleId", d.moduleId());
                doc.put("digest", d.digest());
                doc.put("timestamp", d.timestamp().toString());
                doc.put("timestampMillis", d.timestampMillis());
                doc.put("debugMode", d.isDebugMode());
                ObjectNode pcrs = doc.putObject("pcrs");
                d.pcrs().forEach((k, v) -> pcrs.put(k.toString(), v.hex()));
                doc.put("publicKey", d.publicKey().map(HexFormat.of()::formatHex).orElse(null));
                doc.put("userData", d.userData().map(HexFormat.of()::formatHex).orElse(null));
                doc.put("nonce", d.nonce().map(HexFormat.of()::formatHex).orElse(null));
            });
            if (!r.pcrStatus().isEmpty()) {
                n.put("pcrCheckAgainst", r.pcrsComparedWith().map(Expectations.PcrSet::release).orElse(null));
                ObjectNode st = n.putObject("pcrCheck");
                r.pcrStatus().forEach((k, v) -> st.put(k.toString(), v));
            }
            ArrayNode chain = n.putArray("chain");
            for (CertificateInfo c : r.chain()) {
                chain.addObject().put("role", c.role()).put("subject", c.subject())
                        .put("notBefore", c.notBefore().toString()).put("notAfter", c.notAfter().toString())
                        .put("sha256", c.sha256());
            }
        }
        try {
            return (Json.MAPPER.writeValueAsString(root).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@link #toJson()} to {@code file} atomically (parent directories created): a reader sees the whole
     * report or none, never a partial one under the final name.
     */
    public void write(Path file) throws java.io.IOException {
        dev.attested.internal.io.AtomicFiles.write(file, toJson());
    }

    /** A readable summary, one line per element; every verdict line says what became of the image check. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add("Verification time: " + request.timeDescription());
        lines.add("Expected image:    " + request.imageDescription());
        for (Result r : results) {
            lines.add("");
            lines.add((r.verdict() == Verdict.OK ? "[ok]       " : "[rejected] ") + r.file());
            r.document().ifPresent(d -> {
                String note = r.verdict() == Verdict.OK ? "" : "   (unverified)";
                lines.add("  module_id   " + d.moduleId() + note);
                lines.add("  timestamp   " + d.timestamp() + " (age " + age(Duration.between(d.timestamp(), reportTime)) + ")");
                SortedMap<Integer, Pcr> expected = r.pcrsComparedWith().map(Expectations.PcrSet::pcrs)
                        .orElse(Collections.emptySortedMap());
                r.pcrsComparedWith().ifPresent(set -> lines.add("  PCRs compared with " + set.release()));
                for (Map.Entry<Integer, Pcr> p : d.pcrs().entrySet()) {
                    String st = r.pcrStatus().get(p.getKey());
                    String suffix = st == null ? "" : st.equals("match") ? "  match"
                            : "  MISMATCH, expected " + expected.get(p.getKey()).hex();
                    lines.add("  PCR" + padIndex(p.getKey()) + "  " + p.getValue().hex() + suffix);
                }
                r.pcrStatus().forEach((k, v) -> {
                    if (!d.pcrs().containsKey(k)) {
                        lines.add("  PCR" + padIndex(k) + "  absent  MISMATCH, expected " + expected.get(k).hex());
                    }
                });
                d.nonce().ifPresent(n -> lines.add("  nonce       " + n.length + " bytes"));
                d.userData().ifPresent(n -> lines.add("  user_data   " + n.length + " bytes"));
                d.publicKey().ifPresent(n -> lines.add("  public_key  " + n.length + " bytes"));
                if (d.isDebugMode()) {
                    lines.add("  debug mode  PCR0/1/2 are zero");
                }
            });
            for (CertificateInfo c : r.chain()) {
                lines.add("  " + c.role() + ": " + c.subject());
                lines.add("      valid " + c.notBefore() + " .. " + c.notAfter());
            }
            lines.add(r.verdict() == Verdict.OK ? "  verdict     OK (image: " + r.image() + ")"
                    : "  verdict     REJECTED (image: " + r.image() + ") " + r.message());
        }
        lines.add("");
        lines.add((results.size() - rejectedCount()) + " ok, " + rejectedCount() + " rejected"
                + (request.expectations().anyImage() ? "; the enclave image was NOT checked (anyImage)" : ""));
        return lines;
    }

    /** The index left-aligned in two columns (what {@code %-2d} gives), without the cost of a Formatter. */
    static String padIndex(int index) {
        String s = Integer.toString(index);
        return s.length() < 2 ? s + " " : s;
    }

    /** As {@link #info(String, X509Certificate)} for a trust anchor given as a certificate. */
    static CertificateInfo rootInfo(X509Certificate c) {
        return info("root", c);
    }

    private static String age(Duration d) {
        boolean negative = d.isNegative();
        Duration a = d.abs();
        String s = a.toDays() > 0 ? a.toDays() + "d " + a.toHoursPart() + "h"
                : a.toHours() > 0 ? a.toHours() + "h " + a.toMinutesPart() + "m" : a.toMinutes() + "m " + a.toSecondsPart() + "s";
        return negative ? "in the future by " + s : s;
    }
}

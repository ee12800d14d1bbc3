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
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

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
     */
    public record Result(String file, Verdict verdict, AttestationException.Code code, String message,
            Optional<UnverifiedDocument> document, List<CertificateInfo> chain, SortedMap<Integer, String> pcrStatus) {}

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
        List<Result> out = new ArrayList<>();
        for (Path f : files) {
            out.add(verifyOne(request, f));
        }
        return new VerificationReport(request, clock.instant(), out);
    }

    private static Result verifyOne(VerificationRequest request, Path file) {
        String name = displayName(file);
        byte[] bytes;
        try {
            bytes = AttestationDocuments.read(file);
        } catch (AttestationException e) {
            return new Result(name, Verdict.REJECTED, e.code(), e.getMessage(), Optional.empty(), List.of(), new TreeMap<>());
        } catch (UncheckedIOException e) {
            return new Result(name, Verdict.REJECTED, AttestationException.Code.MALFORMED_CBOR,
                    "cannot read the file: " + e.getCause(), Optional.empty(), List.of(), new TreeMap<>());
        }
        Optional<UnverifiedDocument> parsed;
        try {
            parsed = Optional.of(UnverifiedDocument.parse(bytes));
        } catch (AttestationException e) {
            parsed = Optional.empty();
        }
        SortedMap<Integer, String> status = pcrStatus(parsed, request.expectedPcrs());
        try {
            VerifiedAttestation v = request.verifier().verify(bytes, request.expectations());
            List<CertificateInfo> chain = new ArrayList<>();
            for (int i = 0; i < v.chain().size(); i++) {
                chain.add(info(role(i, v.chain().size()), v.chain().get(i)));
            }
            return new Result(name, Verdict.OK, null, null, parsed, chain, status);
        } catch (AttestationException e) {
            return new Result(name, Verdict.REJECTED, e.code(), e.getMessage(), parsed, unverifiedChain(parsed), status);
        }
    }

    /** Relative to the working directory when below it, so reports don't carry host paths. */
    private static String displayName(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath().normalize();
        return (abs.startsWith(cwd) ? cwd.relativize(abs) : abs).toString().replace('\\', '/');
    }

    private static SortedMap<Integer, String> pcrStatus(Optional<UnverifiedDocument> doc, SortedMap<Integer, Pcr> expected) {
        SortedMap<Integer, String> out = new TreeMap<>();
        if (doc.isEmpty()) {
            return out;
        }
        for (Map.Entry<Integer, Pcr> e : expected.entrySet()) {
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
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 1);
        root.put("verificationTime", request.timeDescription());
        ArrayNode roots = root.putArray("trustAnchors");
        for (X509Certificate c : request.roots()) {
            CertificateInfo i = info("root", c);
            roots.addObject().put("subject", i.subject()).put("sha256", i.sha256());
        }
        if (!request.expectedPcrs().isEmpty()) {
            ObjectNode exp = root.putObject("expectedPcrs");
            request.expectedPcrs().forEach((k, v) -> exp.put(k.toString(), v.hex()));
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
            return (JSON.writeValueAsString(root).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A readable summary, one line per element. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add("Verification time: " + request.timeDescription());
        for (Result r : results) {
            lines.add("");
            lines.add((r.verdict() == Verdict.OK ? "[ok]       " : "[rejected] ") + r.file());
            r.document().ifPresent(d -> {
                String note = r.verdict() == Verdict.OK ? "" : "   (unverified)";
                lines.add("  module_id   " + d.moduleId() + note);
                lines.add("  timestamp   " + d.timestamp() + " (age " + age(Duration.between(d.timestamp(), reportTime)) + ")");
                for (Map.Entry<Integer, Pcr> p : d.pcrs().entrySet()) {
                    String st = r.pcrStatus().get(p.getKey());
                    String suffix = st == null ? "" : st.equals("match") ? "  match"
                            : "  MISMATCH, expected " + request.expectedPcrs().get(p.getKey()).hex();
                    lines.add(String.format(java.util.Locale.ROOT, "  PCR%-2d  %s%s", p.getKey(), p.getValue().hex(), suffix));
                }
                r.pcrStatus().forEach((k, v) -> {
                    if (!d.pcrs().containsKey(k)) {
                        lines.add(String.format(java.util.Locale.ROOT, "  PCR%-2d  absent  MISMATCH, expected %s", k, request.expectedPcrs().get(k).hex()));
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
            lines.add(r.verdict() == Verdict.OK ? "  verdict     OK" : "  verdict     REJECTED " + r.message());
        }
        lines.add("");
        lines.add((results.size() - rejectedCount()) + " ok, " + rejectedCount() + " rejected");
        return lines;
    }

    private static String age(Duration d) {
        boolean negative = d.isNegative();
        Duration a = d.abs();
        String s = a.toDays() > 0 ? a.toDays() + "d " + a.toHoursPart() + "h"
                : a.toHours() > 0 ? a.toHours() + "h " + a.toMinutesPart() + "m" : a.toMinutes() + "m " + a.toSecondsPart() + "s";
        return negative ? "in the future by " + s : s;
    }
}

package dev.attested.kms;

import dev.attested.kms.Decision.Outcome;
import dev.attested.kms.EvaluationRequest.Attestation;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scenarios file for the kms-policy evaluation: one scenario per line,
 * {@code name: key=value key=value ...}; blank lines and lines starting with {@code #} are ignored.
 *
 * <ul>
 *   <li>{@code principal=<arn>} and {@code action=<kms:Action>} (required); the principal is a role, user or account
 *       root ARN, or an assumed-role session ARN</li>
 *   <li>{@code role=<role arn>} (optional, sessions only): the session's role with its path, which AWS puts in
 *       {@code aws:PrincipalArn}</li>
 *   <li>{@code resource=<key arn>} (optional): the key; by default a key of the policy's account</li>
 *   <li>either {@code document=<file>} (raw COSE_Sign1 bytes or Base64, relative to the scenarios file),
 *       or {@code pcr<N>=<hex>} (any number; {@code imageSha384=} is an alias of {@code pcr0=}),
 *       or {@code attestation=none} (the default)</li>
 *   <li>{@code context.<key>=<value>} adds a request-context key (e.g. {@code context.aws:SecureTransport=true})</li>
 *   <li>{@code expect=allow|allow-via-iam|deny|explicit-deny} (optional; {@code deny} accepts any denial)</li>
 * </ul>
 */
public final class EvaluationScenarios {
    /** The largest attestation document KMS accepts (RecipientInfo.AttestationDocument). */
    public static final int MAX_DOCUMENT_BYTES = 262_144;
    private static final Pattern LINE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9_.-]*)\\s*:\\s*(.*)");
    private static final Pattern PCR = Pattern.compile("pcr(0|[1-9]|[12][0-9]|3[01])");

    /** One scenario. */
    public record Scenario(String name, int line, EvaluationRequest request, Optional<Expectation> expected) {}

    /** What a scenario expects. */
    public enum Expectation {
        ALLOW, ALLOW_VIA_IAM, DENY, EXPLICIT_DENY;

        public boolean accepts(Outcome outcome) {
            return switch (this) {
                case ALLOW -> outcome == Outcome.ALLOW;
                case ALLOW_VIA_IAM -> outcome == Outcome.ALLOW_VIA_IAM;
                case DENY -> !outcome.isAllowed();
                case EXPLICIT_DENY -> outcome == Outcome.EXPLICIT_DENY;
            };
        }
    }

    /** A scenario's decision and whether it met the expectation (true when none was given). */
    public record Result(Scenario scenario, Decision decision, boolean met) {
        /** {@code name: ALLOW by Sid: explanation [expected deny: MISMATCH]}. */
        public String line() {
            return scenario.name() + ": " + decision.summary()
                    + scenario.expected().map(e -> " [expected " + e.name().toLowerCase(Locale.ROOT).replace('_', '-')
                            + (met ? ": ok]" : ": MISMATCH]")).orElse("");
        }
    }

    private EvaluationScenarios() {}

    /** Evaluates every scenario. */
    public static List<Result> run(KeyPolicyEvaluator evaluator, List<Scenario> scenarios) {
        List<Result> out = new ArrayList<>();
        for (Scenario s : scenarios) {
            Decision d;
            try {
                d = evaluator.evaluate(s.request());
            } catch (KeyPolicyException e) {
                // Name the scenario: the evaluator refuses (UNSUPPORTED_CONSTRUCT, REQUEST_INCOMPLETE) per request.
                String detail = e.getMessage();
                String prefix = e.code() + ": ";
                String suffix = " " + e.code().hint();
                detail = detail.startsWith(prefix) ? detail.substring(prefix.length()) : detail;
                detail = detail.endsWith(suffix) ? detail.substring(0, detail.length() - suffix.length()) : detail;
                throw new KeyPolicyException(e.code(), "scenario " + s.name() + " (line " + s.line() + "): " + detail, e);
            }
            Decision decision = d;
            out.add(new Result(s, decision, s.expected().map(e -> e.accepts(decision.outcome())).orElse(true)));
        }
        return out;
    }

    /** Reads a scenarios file. */
    public static List<Scenario> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "no scenarios file at " + file + ".");
        } catch (IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "cannot read " + file + ": " + e, e);
        }
        Path base = file.toAbsolutePath().getParent();
        List<Scenario> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            out.add(parseLine(l, i + 1, base, file.toString()));
        }
        if (out.isEmpty()) {
            throw malformed(file.toString(), 0, "no scenario");
        }
        return out;
    }

    static Scenario parseLine(String text, int lineNo, Path base, String source) {
        Matcher m = LINE.matcher(text);
        if (!m.matches()) {
            throw malformed(source, lineNo, "expected \"name: key=value ...\"");
        }
        String name = m.group(1);
        String principal = null;
        String action = null;
        String role = null;
        String resource = null;
        Path document = null;
        boolean none = false;
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        Map<String, List<String>> context = new LinkedHashMap<>();
        Expectation expected = null;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String token : m.group(2).trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq <= 0) {
                throw malformed(source, lineNo, "\"" + token + "\" is not key=value");
            }
            String key = token.substring(0, eq);
            String value = token.substring(eq + 1);
            String lower = key.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("context.") && !seen.add(lower.equals("imagesha384") ? "pcr0" : lower)) {
                throw malformed(source, lineNo, key + "= is given twice");
            }
            Matcher pcr = PCR.matcher(lower);
            if (lower.equals("principal")) {
                principal = value;
            } else if (lower.equals("action")) {
                action = value;
            } else if (lower.equals("role")) {
                role = value;
            } else if (lower.equals("resource")) {
                resource = value;
            } else if (lower.equals("document")) {
                document = base.resolve(value);
            } else if (lower.equals("attestation")) {
                if (!value.equals("none")) {
                    throw malformed(source, lineNo, "attestation= takes only \"none\"; use document= or pcr<N>=");
                }
                none = true;
            } else if (lower.equals("imagesha384") || pcr.matches()) {
                int index = lower.equals("imagesha384") ? 0 : Integer.parseInt(pcr.group(1));
                try {
                    pcrs.put(index, Pcr.ofHex(value));
                } catch (IllegalArgumentException e) {
                    throw malformed(source, lineNo, key + ": " + e.getMessage());
                }
            } else if (lower.startsWith("context.") && key.length() > "context.".length()) {
                context.computeIfAbsent(key.substring("context.".length()), k -> new ArrayList<>()).add(value);
            } else if (lower.equals("expect")) {
                try {
                    expected = Expectation.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
                } catch (IllegalArgumentException e) {
                    throw malformed(source, lineNo, "expect=" + value + " is not allow, allow-via-iam, deny or explicit-deny");
                }
            } else {
                throw malformed(source, lineNo, "unknown key \"" + key + "\"");
            }
        }
        if (principal == null || action == null) {
            throw malformed(source, lineNo, "principal= and action= are required");
        }
        int kinds = (document != null ? 1 : 0) + (pcrs.isEmpty() ? 0 : 1) + (none ? 1 : 0);
        if (kinds > 1) {
            throw malformed(source, lineNo, "give one of document=, pcr<N>= or attestation=none");
        }
        EvaluationRequest request;
        try {
            request = new EvaluationRequest(principal, action, new Attestation.None(), context, Optional.ofNullable(resource), Optional.ofNullable(role));
        } catch (IllegalArgumentException e) {
            throw malformed(source, lineNo, e.getMessage());
        }
        Attestation attestation = document != null ? new Attestation.Document(readDocument(document, source, lineNo))
                : !pcrs.isEmpty() ? new Attestation.Pcrs(pcrs) : new Attestation.None();
        request = new EvaluationRequest(request.principalArn(), request.action(), attestation, request.context(), request.resource(), request.roleArn());
        return new Scenario(name, lineNo, request, Optional.ofNullable(expected));
    }

    /** Reads a document file: raw COSE_Sign1 bytes, or standard Base64 text of them. */
    public static byte[] readDocument(Path file, String source, int lineNo) {
        try {
            long size = Files.size(file);
            // Base64 text of the largest document is 4/3 of it plus line breaks.
            if (size > MAX_DOCUMENT_BYTES * 4L / 3 + 1024) {
                throw malformed(source, lineNo, file + " is " + size + " bytes; KMS accepts documents up to " + MAX_DOCUMENT_BYTES + " bytes");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 0 && ((bytes[0] & 0xff) == 0x84 || (bytes[0] & 0xff) == 0xd2)) {
                return bytes;
            }
            try {
                return Base64.getMimeDecoder().decode(new String(bytes, StandardCharsets.US_ASCII).strip());
            } catch (IllegalArgumentException e) {
                throw malformed(source, lineNo, file + " is neither a COSE_Sign1 document nor Base64 of one");
            }
        } catch (NoSuchFileException e) {
            throw malformed(source, lineNo, "document " + file + " does not exist");
        } catch (IOException e) {
            throw new KeyPolicyException(KeyPolicyException.Code.POLICY_IO, "cannot read " + file + ": " + e, e);
        }
    }

    private static KeyPolicyException malformed(String source, int line, String detail) {
        return new KeyPolicyException(KeyPolicyException.Code.SCENARIO_MALFORMED, source + (line > 0 ? ":" + line : "") + ": " + detail + ".");
    }
}

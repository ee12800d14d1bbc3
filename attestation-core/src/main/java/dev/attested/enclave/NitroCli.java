package dev.attested.enclave;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.attested.pcr.Pcr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code nitro-cli build-enclave} (docs/spec/eif-format.md §8.1) and reads its measurements. Errors come back with
 * nitro-cli's own code ({@code [ E48 ] …}, exit status 48) in the message.
 *
 * @param executable  the nitro-cli command (a path, or a name looked up on {@code PATH})
 * @param environment extra environment ({@code NITRO_CLI_BLOBS}, {@code NITRO_CLI_ARTIFACTS}, {@code PATH}, …)
 * @param timeout     how long a build may take
 */
public record NitroCli(String executable, Map<String, String> environment, Duration timeout) {
    private static final Pattern ERROR = Pattern.compile("\\[ (E\\d+) \\] ?(.*)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code build-enclave} reported. */
    public record Result(String hashAlgorithm, SortedMap<Integer, Pcr> pcrs, String stderr) {}

    /**
     * Builds an EIF from a Docker image.
     *
     * @param signing certificate and key PEM paths, or null for an unsigned image
     */
    public Result buildEnclave(String dockerUri, Path outputEif, String name, String version, Path[] signing,
            Path workDir) {
        List<String> cmd = new ArrayList<>(List.of(executable, "build-enclave", "--docker-uri", dockerUri,
                "--output-file", outputEif.toString(), "--name", name, "--version", version));
        if (signing != null) {
            cmd.addAll(List.of("--signing-certificate", signing[0].toString(), "--private-key", signing[1].toString()));
        }
        Output out = run(cmd, workDir);
        if (out.exit != 0) {
            throw failure(out);
        }
        return parse(out.stdout, out.stderr);
    }

    /** {@code nitro-cli --version}, e.g. {@code Nitro CLI 1.4.2}. */
    public String version(Path workDir) {
        Output out = run(List.of(executable, "--version"), workDir);
        if (out.exit != 0) {
            throw failure(out);
        }
        return out.stdout.strip();
    }

    /** Parses the JSON {@code build-enclave} prints on stdout. */
    static Result parse(String stdout, String stderr) {
        int start = stdout.indexOf('{');
        JsonNode m;
        try {
            m = start < 0 ? null : JSON.readTree(stdout.substring(start)).get("Measurements");
        } catch (IOException e) {
            m = null;
        }
        if (m == null || !m.isObject()) {
            throw new BuildException(BuildException.Code.NITRO_CLI_FAILED,
                    "nitro-cli build-enclave succeeded but printed no Measurements JSON on stdout: " + abbreviate(stdout));
        }
        SortedMap<Integer, Pcr> pcrs = new TreeMap<>();
        for (Map.Entry<String, JsonNode> f : m.properties()) {
            if (f.getKey().matches("PCR[0-9]+")) {
                try {
                    pcrs.put(Integer.parseInt(f.getKey().substring(3)), Pcr.ofHex(f.getValue().asText()));
                } catch (IllegalArgumentException e) {
                    throw new BuildException(BuildException.Code.NITRO_CLI_FAILED,
                            "nitro-cli printed a malformed " + f.getKey() + ": " + f.getValue().asText());
                }
            }
        }
        if (!pcrs.keySet().containsAll(List.of(0, 1, 2))) {
            throw new BuildException(BuildException.Code.NITRO_CLI_FAILED,
                    "nitro-cli's Measurements lack PCR0, PCR1 or PCR2: " + abbreviate(stdout));
        }
        return new Result(m.path("HashAlgorithm").asText(""), pcrs, stderr);
    }

    private BuildException failure(Output out) {
        Matcher err = ERROR.matcher(out.stderr + "\n" + out.stdout);
        String code = null;
        String text = null;
        while (err.find()) {
            if (code == null) {
                code = err.group(1);
                text = err.group(2).strip();
            }
        }
        String what = code != null ? "nitro-cli failed with " + code + " (exit status " + out.exit + "): " + text
                + " — see https://docs.aws.amazon.com/enclaves/latest/user/cli-errors.html#" + code
                : "nitro-cli exited with status " + out.exit + ": " + abbreviate(out.stderr.isBlank() ? out.stdout : out.stderr);
        return new BuildException(BuildException.Code.NITRO_CLI_FAILED, what);
    }

    private record Output(int exit, String stdout, String stderr) {}

    private Output run(List<String> cmd, Path workDir) {
        Path stdout = null;
        Path stderr = null;
        try {
            Files.createDirectories(workDir);
            stdout = Files.createTempFile(workDir, "nitro-cli-", ".out");
            stderr = Files.createTempFile(workDir, "nitro-cli-", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.environment().putAll(environment);
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, "cannot run '" + executable
                        + "': " + e.getMessage() + ".", e);
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new BuildException(BuildException.Code.NITRO_CLI_FAILED,
                        "nitro-cli did not finish within " + timeout.toSeconds() + " s");
            }
            return new Output(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, "running nitro-cli failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BuildException(BuildException.Code.NITRO_CLI_FAILED, "interrupted while nitro-cli was running", e);
        } finally {
            deleteQuietly(stdout);
            deleteQuietly(stderr);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file in target/ is harmless
            }
        }
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() > 400 ? t.substring(0, 400) + "…" : t;
    }
}

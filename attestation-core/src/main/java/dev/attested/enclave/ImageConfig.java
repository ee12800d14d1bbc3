package dev.attested.enclave;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The parts of an OCI/Docker image config that decide what the enclave runs.
 *
 * @param cmd          {@code config.Cmd} (empty when absent)
 * @param entrypoint   {@code config.Entrypoint} (empty when absent)
 * @param env          {@code config.Env}, {@code KEY=VALUE} strings
 * @param workingDir   {@code config.WorkingDir}, or {@code ""}
 * @param architecture the image's {@code architecture} ({@code amd64}, {@code arm64}, …), or {@code ""}
 */
public record ImageConfig(List<String> cmd, List<String> entrypoint, List<String> env, String workingDir,
        String architecture) {

    public ImageConfig {
        cmd = List.copyOf(cmd);
        entrypoint = List.copyOf(entrypoint);
        env = List.copyOf(env);
        workingDir = workingDir == null ? "" : workingDir;
        architecture = architecture == null ? "" : architecture;
    }

    /**
     * The command the enclave's init runs, chosen as nitro-cli does (docs/spec/eif-format.md §9.2): {@code Cmd} if
     * present — {@code Entrypoint} is then ignored — else {@code Entrypoint}.
     *
     * @throws RamdiskException {@code IMAGE_NO_COMMAND} when the image has neither
     */
    public List<String> enclaveCommand() {
        if (!cmd.isEmpty()) {
            return cmd;
        }
        if (!entrypoint.isEmpty()) {
            return entrypoint;
        }
        throw new RamdiskException(RamdiskException.Code.IMAGE_NO_COMMAND,
                "the image config has neither Cmd nor Entrypoint, so the enclave would have nothing to run. "
                        + "Set an entrypoint (build-eif: <entrypoint>) or a CMD in the base image.");
    }

    /** True when both are set: nitro-cli then runs {@code Cmd} alone, unlike Docker, which would append it. */
    public boolean entrypointIgnored() {
        return !cmd.isEmpty() && !entrypoint.isEmpty();
    }

    /** The {@code /cmd} file of the customer ramdisk: each argv element followed by a newline. */
    public byte[] cmdFile() {
        return lines(enclaveCommand());
    }

    /** The {@code /env} file of the customer ramdisk: each {@code KEY=VALUE} followed by a newline. */
    public byte[] envFile() {
        return lines(env);
    }

    private static byte[] lines(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (String s : items) {
            sb.append(s).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}

package dev.attested.build;

/** Enclave CPU architecture: decides the kernel blob name and the EIF header flag. */
public enum Arch {
    X86_64("bzImage", "amd64"),
    AARCH64("Image", "arm64");

    private final String kernelName;
    private final String ociName;

    Arch(String kernelName, String ociName) {
        this.kernelName = kernelName;
        this.ociName = ociName;
    }

    /** File name of the kernel blob: {@code bzImage} or {@code Image}. */
    public String kernelName() {
        return kernelName;
    }

    /** The OCI/Docker architecture name ({@code amd64}, {@code arm64}). */
    public String ociName() {
        return ociName;
    }

    /** {@code x86_64} / {@code aarch64}, as nitro-cli and the manifest spell it. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses {@code x86_64}, {@code aarch64}, {@code amd64} or {@code arm64}. */
    public static Arch parse(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "x86_64":
            case "amd64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return AARCH64;
            default:
                throw new BuildException(BuildException.Code.INPUT_INVALID,
                        "unknown architecture '" + s + "'; use x86_64 or aarch64");
        }
    }
}

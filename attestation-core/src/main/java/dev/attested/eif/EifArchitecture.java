package dev.attested.eif;

/** The CPU architecture recorded in bit 0 of the EIF header flags (docs/spec/eif-format.md §2.1). */
public enum EifArchitecture {
    /** Flag 0: x86_64 ({@code bzImage} kernel). */
    X86_64(0, "bzImage", "amd64"),
    /** Flag 1: aarch64 (uncompressed arm64 {@code Image} kernel). */
    AARCH64(1, "Image", "arm64");

    private final int flag;
    private final String kernelName;
    private final String ociName;

    EifArchitecture(int flag, String kernelName, String ociName) {
        this.flag = flag;
        this.kernelName = kernelName;
        this.ociName = ociName;
    }

    /** File name of the kernel boot blob: {@code bzImage} or {@code Image}. */
    public String kernelName() {
        return kernelName;
    }

    /** The OCI/Docker architecture name ({@code amd64}, {@code arm64}). */
    public String ociName() {
        return ociName;
    }

    /** The header flag value. */
    public int flag() {
        return flag;
    }

    /** The architecture for a header flags field, or an {@link EifException} for bits the format does not define. */
    public static EifArchitecture ofFlags(int flags) {
        if ((flags & ~1) != 0) {
            throw new EifException(EifException.Code.EIF_BAD_HEADER, String.format(
                    "header flags 0x%04x set bits other than the architecture bit 0; this is not an EIF nitro-cli or eif_build writes",
                    flags));
        }
        return flags == 0 ? X86_64 : AARCH64;
    }

    /** Parses {@code x86_64}/{@code amd64} or {@code aarch64}/{@code arm64} (case-insensitive). */
    public static EifArchitecture parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "x86_64":
            case "amd64":
                return X86_64;
            case "aarch64":
            case "arm64":
                return AARCH64;
            default:
                throw new EifException(EifException.Code.EIF_BAD_INPUT,
                        "unknown architecture '" + name + "'; use x86_64 (amd64) or aarch64 (arm64)");
        }
    }

    /** The name nitro-cli and eif_build use ({@code x86_64}, {@code aarch64}). */
    public String id() {
        return this == X86_64 ? "x86_64" : "aarch64";
    }
}

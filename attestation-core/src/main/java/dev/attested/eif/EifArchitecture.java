package dev.attested.eif;

/** The CPU architecture recorded in bit 0 of the EIF header flags (EIF.md §2.1). */
public enum EifArchitecture {
    /** Flag 0: x86_64 ({@code bzImage} kernel). */
    X86_64(0),
    /** Flag 1: aarch64 (uncompressed arm64 {@code Image} kernel). */
    AARCH64(1);

    private final int flag;

    EifArchitecture(int flag) {
        this.flag = flag;
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

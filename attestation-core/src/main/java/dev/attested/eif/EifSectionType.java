package dev.attested.eif;

/** Section types of an EIF (docs/spec/eif-format.md §2.2); 0 and values ≥ 6 are invalid. */
public enum EifSectionType {
    KERNEL(1),
    CMDLINE(2),
    RAMDISK(3),
    SIGNATURE(4),
    METADATA(5);

    private final int id;

    EifSectionType(int id) {
        this.id = id;
    }

    /** The u16 written in the section header. */
    public int id() {
        return id;
    }

    /** The type for a section header value, or {@link EifException.Code#EIF_BAD_SECTION}. */
    public static EifSectionType of(int id, int index) {
        for (EifSectionType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new EifException(EifException.Code.EIF_BAD_SECTION, "section " + index + " has type " + id
                + "; valid types are 1 kernel, 2 cmdline, 3 ramdisk, 4 signature, 5 metadata");
    }
}

package dev.attested.internal.ramdisk;

/** File types a newc cpio entry can carry, with their {@code S_IFMT} value ({@code mode >> 12}). */
public enum CpioEntryType {
    FIFO(001),
    CHAR_DEVICE(002),
    DIRECTORY(004),
    BLOCK_DEVICE(006),
    REGULAR(010),
    SYMLINK(012);

    private final int bits;

    CpioEntryType(int bits) {
        this.bits = bits;
    }

    /** The type bits as they appear in the upper nibble of the 16-bit mode. */
    public int modeBits() {
        return bits << 12;
    }
}

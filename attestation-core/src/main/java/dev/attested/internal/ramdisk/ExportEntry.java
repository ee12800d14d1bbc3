package dev.attested.internal.ramdisk;

/**
 * One entry of the flattened image filesystem, in the form {@code docker export} gives it: names relative to the
 * root, directories with a trailing {@code /}, a second path of an already emitted file as a hard link.
 *
 * @param name     path ({@code etc/}, {@code etc/passwd})
 * @param type     {@link CpioEntryType#REGULAR} also for hard links (see {@code hardLinkTo})
 * @param perm     permission bits ({@code & 07777})
 * @param uid      owner
 * @param gid      group
 * @param mtime    whole seconds
 * @param size     data length of a regular file (0 for a hard link)
 * @param linkName symlink target, or {@code null}
 * @param hardLinkTo the first path of the same file when this is a hard link, else {@code null}
 * @param rdevMajor device major
 * @param rdevMinor device minor
 * @param crc32    CRC-32 of the data of a regular file (0 for everything else), known before the data is read
 */
public record ExportEntry(String name, CpioEntryType type, int perm, long uid, long gid, long mtime, long size,
        String linkName, String hardLinkTo, long rdevMajor, long rdevMinor, long crc32) {

    /** True for a hard link to an earlier entry. */
    public boolean isHardLink() {
        return hardLinkTo != null;
    }
}

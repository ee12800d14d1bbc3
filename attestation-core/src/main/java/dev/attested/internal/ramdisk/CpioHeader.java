package dev.attested.internal.ramdisk;

import dev.attested.enclave.RamdiskException;

/**
 * One entry of a newc cpio archive, as linuxkit's writer takes it. Inode and device numbers are not part of the
 * header: the writer assigns them (inodes from 721, device 3/1) so that they never come from the host.
 *
 * @param name      path inside the archive, exactly as written (no {@code ./} or leading {@code /} added or removed)
 * @param type      file type
 * @param perm      permission bits including set-uid/set-gid/sticky ({@code mode & 07777})
 * @param uid       numeric owner
 * @param gid       numeric group
 * @param mtime     modification time in whole seconds since the epoch
 * @param size      data length (for a symlink: the target's length)
 * @param rdevMajor device major number (devices only, else 0)
 * @param rdevMinor device minor number (devices only, else 0)
 */
public record CpioHeader(String name, CpioEntryType type, int perm, long uid, long gid, long mtime, long size,
        long rdevMajor, long rdevMinor) {

    /** linuxkit's {@code defaultModTime}, 2017-04-18T16:30:00Z: the mtime of every entry linuxkit creates itself. */
    public static final long LINUXKIT_DEFAULT_MTIME = 1492533000L;

    public CpioHeader {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY,
                    "a cpio entry needs a non-empty name without NUL characters, got " + (name == null ? "null" : "'" + name + "'"));
        }
        if (type == null) {
            throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY, "entry " + name + " has no type");
        }
        if (size < 0 || size > 0xFFFF_FFFFL) {
            throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY,
                    "entry " + name + " has size " + size + "; newc cpio holds 0..4 GiB-1 per entry");
        }
        if ((type == CpioEntryType.DIRECTORY || type == CpioEntryType.FIFO || type == CpioEntryType.CHAR_DEVICE
                || type == CpioEntryType.BLOCK_DEVICE) && size != 0) {
            throw new RamdiskException(RamdiskException.Code.CPIO_INVALID_ENTRY,
                    "entry " + name + " of type " + type + " cannot carry data (size " + size + ")");
        }
        perm &= 07777;
    }

    /** A root-owned directory with linuxkit's default mtime. */
    public static CpioHeader directory(String name, int perm) {
        return new CpioHeader(name, CpioEntryType.DIRECTORY, perm, 0, 0, LINUXKIT_DEFAULT_MTIME, 0, 0, 0);
    }

    /** A root-owned regular file with linuxkit's default mtime. */
    public static CpioHeader file(String name, int perm, long size) {
        return new CpioHeader(name, CpioEntryType.REGULAR, perm, 0, 0, LINUXKIT_DEFAULT_MTIME, size, 0, 0);
    }

    /** The 16-bit mode field: type bits | permission bits. */
    public int mode() {
        return type.modeBits() | perm;
    }
}

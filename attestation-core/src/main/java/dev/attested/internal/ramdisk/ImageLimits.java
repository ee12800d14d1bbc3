package dev.attested.internal.ramdisk;

/**
 * How much work flattening an image may take: everything an image's author controls is bounded, and each bound is
 * checked while the layers stream, so an image over a limit fails with {@code IMAGE_LIMIT} before anything near the
 * limit has been spooled or held in memory.
 *
 * <p>Two limits depend on the image and are configurable (build-eif: {@code maxImageBytes}, {@code maxImageEntries});
 * the others are fixed by what a Linux filesystem or a sane image can hold:
 * <ul>
 * <li>{@code maxBytes}: uncompressed layer bytes read, all layers together (tar headers, contents, padding), counted as
 *     they come out of the decompressor; a regular file whose declared size does not fit in what is left fails
 *     before a byte of it is spooled;</li>
 * <li>{@code maxEntries}: tar entries read, all layers together — directories, whiteouts, links and entries a later
 *     layer replaces included — plus the parent directories they imply without an entry of their own;</li>
 * <li>{@value #MAX_PATH_BYTES} bytes per path and per link target, {@value #MAX_NAME_BYTES} bytes per path
 *     component ({@code PATH_MAX}, {@code NAME_MAX});</li>
 * <li>{@value #MAX_HEADER_BYTES} bytes of tar metadata per entry (header, GNU long name and link, PAX records) and
 *     {@value #MAX_PAX_RECORDS} non-standard PAX records (extended attributes) per entry;</li>
 * <li>{@value #MAX_LAYERS} layers (Docker itself stops at 125), 8 MiB per JSON document of the image, and
 *     {@value #MAX_ARCHIVE_HEADER_BYTES} bytes of tar headers in the image tarball itself.</li>
 * </ul>
 * Memory grows with the entries that survive (about 150 bytes each), never with file contents; time is linear in
 * bytes and entries read.
 *
 * @param maxBytes   uncompressed bytes all layers together may have; default {@value #DEFAULT_MAX_BYTES} (8 GiB)
 * @param maxEntries entries all layers together may have; default {@value #DEFAULT_MAX_ENTRIES}
 */
public record ImageLimits(long maxBytes, long maxEntries) {
    /** 8 GiB. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024 * 1024;
    /** One million. */
    public static final long DEFAULT_MAX_ENTRIES = 1_000_000L;
    /** Longest path, and longest link target, in bytes of UTF-8 ({@code PATH_MAX}). */
    public static final int MAX_PATH_BYTES = 4096;
    /** Longest path component in bytes of UTF-8 ({@code NAME_MAX}). */
    public static final int MAX_NAME_BYTES = 255;
    /** Most tar metadata bytes read for one entry: its header records, GNU long name/link data and PAX records. */
    public static final int MAX_HEADER_BYTES = 256 * 1024;
    /** Most non-standard PAX records (such as {@code SCHILY.xattr.*}) one entry may carry. */
    public static final int MAX_PAX_RECORDS = 128;
    /** Most layers an image may have. */
    public static final int MAX_LAYERS = 256;
    /** Most bytes of tar headers (names, PAX records) in the image tarball; each entry takes at least 512. */
    public static final int MAX_ARCHIVE_HEADER_BYTES = 4 * 1024 * 1024;

    private static final ImageLimits DEFAULTS = new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES);

    /** @throws IllegalArgumentException if a limit is not positive */
    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxImageBytes must be positive, got " + maxBytes);
        }
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxImageEntries must be positive, got " + maxEntries);
        }
    }

    /** 8 GiB and one million entries. */
    public static ImageLimits defaults() {
        return DEFAULTS;
    }

    /** These limits with another byte limit. */
    public ImageLimits withMaxBytes(long bytes) {
        return new ImageLimits(bytes, maxEntries);
    }

    /** These limits with another entry limit. */
    public ImageLimits withMaxEntries(long entries) {
        return new ImageLimits(maxBytes, entries);
    }
}

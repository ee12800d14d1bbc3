package dev.attested.internal.io;

/**
 * CRC-32 (zlib polynomial) combination: {@code crc(A ‖ B)} from {@code crc(A)}, {@code crc(B)} and
 * {@code len(B)}, as zlib's {@code crc32_combine} (the polynomial-multiplication form of zlib 1.2.12, about a
 * microsecond a call). The EIF CRC covers the header first, and a cpio ramdisk's CRC is known from its entries'
 * CRCs before it is written: combining lets the pieces be checksummed where they are produced.
 */
public final class Crc32s {
    private static final int POLY = 0xEDB88320; // reflected
    /** {@code X2N[k]} = x^(2^k) mod p(x), reflected. */
    private static final int[] X2N = new int[32];

    static {
        int p = 1 << 30; // x^1
        X2N[0] = p;
        for (int n = 1; n < 32; n++) {
            p = multiply(p, p);
            X2N[n] = p;
        }
    }

    private Crc32s() {}

    /** {@code crc(A ‖ B)} given {@code crc(A)}, {@code crc(B)} and the length of B in bytes. */
    public static long combine(long crc1, long crc2, long len2) {
        if (len2 < 0) {
            throw new IllegalArgumentException("negative length " + len2);
        }
        return (multiply(xPower8n(len2), (int) crc1) ^ (int) crc2) & 0xFFFF_FFFFL;
    }

    /** a(x) · b(x) mod p(x), reflected bit order. */
    private static int multiply(int a, int b) {
        int m = 1 << 31;
        int p = 0;
        for (;;) {
            if ((a & m) != 0) {
                p ^= b;
                if ((a & (m - 1)) == 0) {
                    break;
                }
            }
            m >>>= 1;
            b = (b & 1) != 0 ? (b >>> 1) ^ POLY : b >>> 1;
        }
        return p;
    }

    /** x^(8n) mod p(x): the factor that moves a CRC past n zero bytes. */
    private static int xPower8n(long n) {
        int p = 1 << 31; // x^0
        int k = 3;
        while (n != 0) {
            if ((n & 1) != 0) {
                p = multiply(X2N[k & 31], p);
            }
            n >>>= 1;
            k++;
        }
        return p;
    }
}

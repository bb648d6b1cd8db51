package dev.pmemdump.io;

/**
 * Overflow-safe arithmetic for sizes and offsets read from media. Every value taken from an image
 * or a dump is untrusted; these helpers turn wrap-around into a {@link CorruptInputException}.
 */
public final class Ranges {
    private Ranges() {}

    /** True when {@code [off, off + len)} lies inside {@code [0, size)}, without overflow. */
    public static boolean fits(long off, long len, long size) {
        return (off | len) >= 0 && len <= size - off;
    }

    /** Throws unless {@code [off, off + len)} lies inside {@code [0, size)}. */
    public static void checkFits(String resource, long off, long len, long size, String what)
            throws CorruptInputException {
        if (!fits(off, len, size)) {
            throw new CorruptInputException(resource, off,
                    what + " (length 0x" + Long.toHexString(len) + ") runs past the end (size 0x"
                            + Long.toHexString(size) + ")");
        }
    }

    /** {@code a + b}, or a named error when it overflows a signed 64-bit value. */
    public static long add(String resource, long offset, long a, long b, String what)
            throws CorruptInputException {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new CorruptInputException(resource, offset, what + " overflows 64 bits");
        }
    }

    /** {@code a * b}, or a named error when it overflows a signed 64-bit value. */
    public static long multiply(String resource, long offset, long a, long b, String what)
            throws CorruptInputException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new CorruptInputException(resource, offset, what + " overflows 64 bits");
        }
    }

    public static long alignDown(long value, long align) {
        requirePowerOfTwo(align);
        return value & -align;
    }

    public static long alignUp(long value, long align) {
        requirePowerOfTwo(align);
        return Math.addExact(value, align - 1) & -align;
    }

    public static boolean isAligned(long value, long align) {
        requirePowerOfTwo(align);
        return (value & (align - 1)) == 0;
    }

    private static void requirePowerOfTwo(long align) {
        if (align <= 0 || Long.bitCount(align) != 1) {
            throw new IllegalArgumentException("alignment not a power of two: " + align);
        }
    }
}

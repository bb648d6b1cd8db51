package dev.pmemdump.io;

/**
 * Sizes as the kernel's {@code memparse()} and ndctl's {@code parse_size64()} read them: a number
 * (decimal, or hex with 0x) with an optional K, M, G, T, P or E suffix (binary multiples, either
 * case). Used for {@code crashkernel=}, {@code ndctl -s}, {@code -a} and scenario sizes.
 */
public final class MemParse {
    private MemParse() {}

    /** Parses {@code text} fully; a malformed or overflowing size is an IllegalArgumentException. */
    public static long parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty size");
        }
        int shift = 0;
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        int suffix = "KMGTPE".indexOf(last);
        if (suffix >= 0) {
            shift = 10 * (suffix + 1);
            s = s.substring(0, s.length() - 1);
        }
        long value;
        try {
            value = s.startsWith("0x") || s.startsWith("0X")
                    ? Long.parseUnsignedLong(s.substring(2), 16)
                    : Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "'");
        }
        if (value < 0 || (shift > 0 && value > (Long.MAX_VALUE >> shift))) {
            throw new IllegalArgumentException("size out of range: '" + text + "'");
        }
        return value << shift;
    }
}

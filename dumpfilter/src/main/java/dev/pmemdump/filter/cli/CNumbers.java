package dev.pmemdump.filter.cli;

/**
 * The C library's number parsing as makedumpfile applies it to option values, so that a value
 * means the same here: {@code atoi} ({@code -d}, {@code --message-level}, {@code --num-threads}:
 * {@code "0x1f"} is 0, {@code "31x"} is 31, {@code "4294967327"} is 31) and {@code strtoull} with
 * a K/M/G/T/P/E suffix ({@code -L}).
 */
final class CNumbers {
    private CNumbers() {}

    /** {@code atoi}: glibc's {@code (int) strtol(s, NULL, 10)}, saturating at the long range first. */
    static int atoi(String s) {
        int i = skipSpace(s, 0);
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        boolean overflow = false;
        for (; i < s.length() && isDigit(s.charAt(i)); i++) {
            int d = s.charAt(i) - '0';
            if (v > (Long.MAX_VALUE - d) / 10) {
                overflow = true;
            } else {
                v = v * 10 + d;
            }
        }
        if (overflow) {
            v = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else if (negative) {
            v = -v;
        }
        return (int) v;
    }

    /**
     * A size with an optional binary suffix, read as {@code strtoull(s, &end, 0)} reads it (leading
     * blanks, a sign that wraps, 0x hex, 0 octal, saturation) followed by at most one of
     * {@code KMGTPE} (either case) and nothing else; returns the unsigned 64-bit value, or
     * {@code 0} when the text is not such a size (makedumpfile refuses 0 as well).
     */
    static long size(String s) {
        int i = skipSpace(s, 0);
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int base = 10;
        if (s.startsWith("0x", i) || s.startsWith("0X", i)) {
            if (i + 2 < s.length() && Character.digit(s.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            }
        } else if (s.startsWith("0", i)) {
            base = 8;
        }
        long v = 0;
        boolean overflow = false;
        int digits = i;
        for (; i < s.length() && Character.digit(s.charAt(i), base) >= 0 && s.charAt(i) < 128; i++) {
            int d = Character.digit(s.charAt(i), base);
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, base)) > 0) {
                overflow = true;
            } else {
                v = v * base + d;
            }
        }
        if (i == digits) {
            return 0;
        }
        v = overflow ? -1L : negative ? -v : v;
        if (i < s.length()) {
            int shift = "KMGTPE".indexOf(Character.toUpperCase(s.charAt(i)));
            if (shift < 0 || i + 1 != s.length()) {
                return 0;
            }
            v <<= 10 * (shift + 1);
        }
        return v;
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

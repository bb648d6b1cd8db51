package dev.pmemdump.filter.run;

/**
 * makedumpfile 1.7.2's kernel version check: it knows kernels 2.6.15 to 6.0.1 and says so, at the
 * common message level, for a dump of any other (kdump logs and scripts look for these lines).
 */
public final class KernelVersion {
    private static final int OLDEST = version(2, 6, 15);
    private static final int LATEST = version(6, 0, 1);

    private KernelVersion() {}

    /**
     * Prints makedumpfile's two lines {@code times} times when {@code release} is outside what it knows;
     * returns the version as makedumpfile computes it (KERNEL_VERSION).
     */
    public static int notice(Console console, String release, int times) {
        int v = parse(release);
        if (v < OLDEST || v > LATEST) {
            for (int i = 0; i < times; i++) {
                console.msg("The kernel version is not supported.\nThe makedumpfile operation may be incomplete.\n");
            }
        }
        return v;
    }

    /** KERNEL_VERSION(major, minor, release). */
    public static int of(int major, int minor, int release) {
        return version(major, minor, release);
    }

    /** As makedumpfile reads OSRELEASE: three C strtol() calls, each starting one character after the last. */
    static int parse(String release) {
        int[] parts = new int[3];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            int p = at;
            while (p < release.length() && Character.isWhitespace(release.charAt(p))) {
                p++;
            }
            boolean negative = p < release.length() && release.charAt(p) == '-';
            if (p < release.length() && (release.charAt(p) == '-' || release.charAt(p) == '+')) {
                p++;
            }
            long n = 0;
            int digits = p;
            while (p < release.length() && Character.isDigit(release.charAt(p)) && n < Integer.MAX_VALUE) {
                n = n * 10 + (release.charAt(p++) - '0');
            }
            int end = p == digits ? at : p; // no digits: strtol leaves the end where it started
            parts[i] = (int) (negative ? -n : n);
            at = end + 1;
        }
        return version(parts[0], parts[1], parts[2]);
    }

    private static int version(int major, int minor, int release) {
        return (major << 16) + (minor << 8) + release;
    }
}

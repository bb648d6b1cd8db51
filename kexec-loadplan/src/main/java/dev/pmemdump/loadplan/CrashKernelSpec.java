package dev.pmemdump.loadplan;

import dev.pmemdump.io.MemParse;

import java.util.ArrayList;
import java.util.List;

/**
 * One {@code crashkernel=} value (Documentation/admin-guide/kdump/kdump.rst), in any of its forms:
 * <ul>
 *   <li>{@code size[@offset]}: {@code 256M}, {@code 256M@16M};</li>
 *   <li>{@code start-[end]:size[,start-[end]:size...][@offset]}: the size depends on the amount of
 *       System RAM, the first range with {@code start <= RAM < end} wins;</li>
 *   <li>{@code size,high}: allocate above 4 GiB if possible (plus a low part below 4 GiB);</li>
 *   <li>{@code size,low}: the size of that low part.</li>
 * </ul>
 */
public record CrashKernelSpec(String text, Kind kind, List<SizeRange> ranges, long size, long offset) {

    public enum Kind { SIMPLE, RANGES, HIGH, LOW }

    /** {@code start-[end]:size}; {@code end} is exclusive and {@code Long.MAX_VALUE} when open. */
    public record SizeRange(long start, long end, long size) {}

    /** "No fixed offset": the kernel chooses the place. */
    public static final long ANYWHERE = -1;

    public CrashKernelSpec {
        ranges = List.copyOf(ranges);
    }

    public static CrashKernelSpec parse(String text) {
        String t = text.trim();
        if (t.endsWith(",high") || t.endsWith(",low")) {
            boolean high = t.endsWith(",high");
            String size = t.substring(0, t.lastIndexOf(','));
            return new CrashKernelSpec(t, high ? Kind.HIGH : Kind.LOW, List.of(), size(t, size), ANYWHERE);
        }
        long offset = ANYWHERE;
        String body = t;
        int at = t.lastIndexOf('@');
        if (at >= 0) {
            offset = size(t, t.substring(at + 1));
            body = t.substring(0, at);
        }
        if (!body.contains(":")) {
            return new CrashKernelSpec(t, Kind.SIMPLE, List.of(), size(t, body), offset);
        }
        List<SizeRange> ranges = new ArrayList<>();
        for (String part : body.split(",", -1)) {
            int colon = part.indexOf(':');
            if (colon < 0) {
                throw new CrashKernelException(t, "':' expected in range '" + part + "'");
            }
            String span = part.substring(0, colon);
            int dash = span.indexOf('-');
            if (dash <= 0) {
                throw new CrashKernelException(t, dash == 0 ? "memory value expected before '-' in '" + part + "'"
                        : "'-' expected in range '" + part + "'");
            }
            long start = size(t, span.substring(0, dash));
            String endText = span.substring(dash + 1);
            long end = endText.isEmpty() ? Long.MAX_VALUE : size(t, endText);
            if (end <= start) {
                throw new CrashKernelException(t, "end <= start in range '" + part + "'");
            }
            ranges.add(new SizeRange(start, end, size(t, part.substring(colon + 1))));
        }
        return new CrashKernelSpec(t, Kind.RANGES, ranges, 0, offset);
    }

    /** Every {@code crashkernel=} value on a kernel command line, in order. */
    public static List<CrashKernelSpec> fromCmdline(String cmdline) {
        List<CrashKernelSpec> out = new ArrayList<>();
        for (String word : cmdline.trim().split("\\s+")) {
            if (word.startsWith("crashkernel=")) {
                out.add(parse(word.substring("crashkernel=".length())));
            }
        }
        return out;
    }

    /**
     * The requested size for a machine with {@code systemRam} bytes of memory, or 0 when no range
     * matches (the kernel then reserves nothing).
     */
    public long sizeFor(long systemRam) {
        if (kind != Kind.RANGES) {
            return size;
        }
        for (SizeRange r : ranges) {
            if (systemRam >= r.start() && systemRam < r.end()) {
                if (r.size() >= systemRam) {
                    throw new CrashKernelException(text, "invalid size: " + mb(r.size())
                            + " is not less than System RAM " + mb(systemRam));
                }
                return r.size();
            }
        }
        return 0;
    }

    private static long size(String spec, String token) {
        try {
            return MemParse.parse(token);
        } catch (IllegalArgumentException e) {
            throw new CrashKernelException(spec, "memory value expected, got '" + token + "'");
        }
    }

    /** Sizes the way the kernel's crashkernel messages print them. */
    static String mb(long bytes) {
        return (bytes >> 20) + "MB";
    }
}

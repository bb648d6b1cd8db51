package dev.pmemdump.io;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A half-open range {@code [start, end)} of addresses, offsets or page frame numbers: the one range
 * type of the project. The unit is the caller's (bytes or pfns); the kernel's inclusive notation
 * ({@code /proc/iomem}'s {@code start-end}) is converted at the edge with {@link #ofInclusive} and
 * {@link #inclusiveEnd}.
 */
public record Range(long start, long end) implements Comparable<Range> {

    public Range {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad range [0x" + Long.toHexString(start) + ", 0x"
                    + Long.toHexString(end) + ")");
        }
    }

    /** {@code [start, start + length)}; throws on overflow. */
    public static Range ofLength(long start, long length) {
        return new Range(start, Math.addExact(start, length));
    }

    /** The range the kernel writes as {@code start-last}, both ends inside; throws on overflow. */
    public static Range ofInclusive(long start, long last) {
        return new Range(start, Math.addExact(last, 1));
    }

    public long length() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    /** The last unit inside the range, as /proc/iomem writes it; the range must not be empty. */
    public long inclusiveEnd() {
        if (isEmpty()) {
            throw new IllegalStateException("empty range has no last unit: " + this);
        }
        return end - 1;
    }

    public boolean contains(long value) {
        return start <= value && value < end;
    }

    public boolean contains(Range other) {
        return start <= other.start && other.end <= end;
    }

    public boolean overlaps(Range other) {
        return start < other.end && other.start < end;
    }

    /** The common part, or an empty range at {@code max(start)} when they do not overlap. */
    public Range intersect(Range other) {
        long s = Math.max(start, other.start);
        long e = Math.min(end, other.end);
        return s < e ? new Range(s, e) : new Range(s, s);
    }

    /** Both ends divided by {@code unit}, rounding outwards: the pages a byte range touches. */
    public Range scaleOut(long unit) {
        return new Range(start / unit, end / unit + (end % unit == 0 ? 0 : 1));
    }

    /** Sorted, with overlapping and adjacent ranges merged and empty ones dropped. */
    public static List<Range> normalize(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.naturalOrder());
        List<Range> out = new ArrayList<>();
        for (Range r : sorted) {
            if (r.isEmpty()) {
                continue;
            }
            Range last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && r.start <= last.end) {
                out.set(out.size() - 1, new Range(last.start, Math.max(last.end, r.end)));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /** The parts of {@code ranges} outside {@code holes}, both normalized first; the result is too. */
    public static List<Range> minus(List<Range> ranges, List<Range> holes) {
        List<Range> cut = normalize(holes);
        List<Range> out = new ArrayList<>();
        for (Range r : normalize(ranges)) {
            long at = r.start;
            for (Range h : cut) {
                if (h.end <= at || h.start >= r.end) {
                    continue;
                }
                if (h.start > at) {
                    out.add(new Range(at, h.start));
                }
                at = Math.max(at, h.end);
            }
            if (at < r.end) {
                out.add(new Range(at, r.end));
            }
        }
        return out;
    }

    @Override
    public int compareTo(Range o) {
        return start != o.start ? Long.compare(start, o.start) : Long.compare(end, o.end);
    }

    /** {@code [0x1000, 0x2000)}. */
    @Override
    public String toString() {
        return "[0x" + Long.toHexString(start) + ", 0x" + Long.toHexString(end) + ")";
    }
}

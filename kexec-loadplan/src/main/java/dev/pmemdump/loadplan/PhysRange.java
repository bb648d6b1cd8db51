package dev.pmemdump.loadplan;

/**
 * A physical address range with an inclusive end, the way the kernel's {@code struct resource}
 * and {@code /proc/iomem} write it ({@code start-end}, both bytes belonging to the range).
 */
public record PhysRange(long start, long end) implements Comparable<PhysRange> {

    public PhysRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad range 0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end));
        }
    }

    /** The range {@code [start, start + size)}; size must be positive. */
    public static PhysRange ofSize(long start, long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("range size must be positive: " + size);
        }
        return new PhysRange(start, Math.addExact(start, size - 1));
    }

    public long size() {
        return end - start + 1;
    }

    public boolean contains(PhysRange other) {
        return start <= other.start && other.end <= end;
    }

    public boolean overlaps(PhysRange other) {
        return start <= other.end && other.start <= end;
    }

    @Override
    public int compareTo(PhysRange o) {
        return start != o.start ? Long.compare(start, o.start) : Long.compare(end, o.end);
    }

    /** {@code 0x100000-0xeffffff}, the inclusive notation of the kernel's messages. */
    @Override
    public String toString() {
        return "0x" + Long.toHexString(start) + "-0x" + Long.toHexString(end);
    }
}

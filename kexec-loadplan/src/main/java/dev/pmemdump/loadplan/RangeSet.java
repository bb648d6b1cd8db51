package dev.pmemdump.loadplan;

import java.util.ArrayList;
import java.util.List;

/**
 * A sorted set of disjoint physical ranges: the "crash memory" list both kexec-tools and the kernel
 * build (System RAM) and then punch holes into (crash kernel, GART, low 1 MiB). Adjacent ranges are
 * kept apart because each becomes its own PT_LOAD, as in both producers.
 */
public final class RangeSet {
    private final List<PhysRange> ranges;

    private RangeSet(List<PhysRange> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Union of {@code input}; overlapping ranges are merged, touching ones stay separate. */
    public static RangeSet of(List<PhysRange> input) {
        List<PhysRange> sorted = new ArrayList<>(input);
        sorted.sort(null);
        List<PhysRange> out = new ArrayList<>();
        for (PhysRange r : sorted) {
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).overlaps(r)) {
                PhysRange prev = out.get(last);
                out.set(last, new PhysRange(prev.start(), Math.max(prev.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return new RangeSet(out);
    }

    public List<PhysRange> ranges() {
        return ranges;
    }

    /** This set with {@code hole} removed; a range straddling the hole is split in two. */
    public RangeSet minus(PhysRange hole) {
        List<PhysRange> out = new ArrayList<>();
        for (PhysRange r : ranges) {
            if (!r.overlaps(hole)) {
                out.add(r);
                continue;
            }
            if (r.start() < hole.start()) {
                out.add(new PhysRange(r.start(), hole.start() - 1));
            }
            if (r.end() > hole.end()) {
                out.add(new PhysRange(hole.end() + 1, r.end()));
            }
        }
        return new RangeSet(out);
    }

    public RangeSet minus(List<PhysRange> holes) {
        RangeSet s = this;
        for (PhysRange h : holes) {
            s = s.minus(h);
        }
        return s;
    }

    public long totalSize() {
        long sum = 0;
        for (PhysRange r : ranges) {
            sum = Math.addExact(sum, r.size());
        }
        return sum;
    }
}

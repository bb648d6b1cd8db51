package dev.pmemdump.loadplan;

import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * A sorted set of disjoint physical ranges: the "crash memory" list both kexec-tools and the kernel
 * build (System RAM) and then punch holes into (crash kernel, GART, low 1 MiB). Adjacent ranges are
 * kept apart because each becomes its own PT_LOAD, as in both producers (unlike {@link Range#normalize}).
 */
public final class RangeSet {
    private final List<Range> ranges;

    private RangeSet(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** Union of {@code input}; overlapping ranges are merged, touching ones stay separate. */
    public static RangeSet of(List<Range> input) {
        List<Range> sorted = new ArrayList<>(input);
        sorted.sort(null);
        List<Range> out = new ArrayList<>();
        for (Range r : sorted) {
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).overlaps(r)) {
                Range prev = out.get(last);
                out.set(last, new Range(prev.start(), Math.max(prev.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return new RangeSet(out);
    }

    public List<Range> ranges() {
        return ranges;
    }

    /** This set with {@code hole} removed; a range straddling the hole is split in two. */
    public RangeSet minus(Range hole) {
        List<Range> out = new ArrayList<>();
        for (Range r : ranges) {
            if (!r.overlaps(hole)) {
                out.add(r);
                continue;
            }
            if (r.start() < hole.start()) {
                out.add(new Range(r.start(), hole.start()));
            }
            if (r.end() > hole.end()) {
                out.add(new Range(hole.end(), r.end()));
            }
        }
        return new RangeSet(out);
    }

    public RangeSet minus(List<Range> holes) {
        RangeSet s = this;
        for (Range h : holes) {
            s = s.minus(h);
        }
        return s;
    }
}

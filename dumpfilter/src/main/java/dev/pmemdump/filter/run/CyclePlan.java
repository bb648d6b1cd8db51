package dev.pmemdump.filter.run;

import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * makedumpfile 1.7.2's cyclic bitmaps, which decide how -E counts pages. The buffer holds both
 * bitmaps: {@code MIN(4 MiB, max_mapnr * 2 / 8)} bytes (the free-memory limit of the capture kernel is
 * not known here and assumed larger), so one cycle covers {@code buffer * 4} pfns. When that covers
 * every pfn, makedumpfile works in one pass ("enough free memory to be done in one cycle"); when the
 * integer division leaves it a few pfns short (max_mapnr not a multiple of 4, as on the 6.1 fixture),
 * it works per PT_LOAD in cycles starting at the PT_LOAD's first pfn rounded down to 8.
 */
public record CyclePlan(long maxMapnr, long pfnCyclic) {
    private static final long MAX_BUFFER = 4L << 20;
    private static final int BITS_PER_BYTE = 8;

    public static CyclePlan of(long maxMapnr) {
        long buffer = Math.min(MAX_BUFFER, maxMapnr * 2 / BITS_PER_BYTE);
        return new CyclePlan(maxMapnr, Math.max(BITS_PER_BYTE, buffer * BITS_PER_BYTE / 2));
    }

    public boolean oneCycle() {
        return pfnCyclic >= maxMapnr;
    }

    /** The cycles {@code [start, end)} over the pfns {@code [startPfn, endPfn)} of one PT_LOAD. */
    public List<Range> cycles(long startPfn, long endPfn) {
        List<Range> out = new ArrayList<>();
        for (long s = startPfn & -BITS_PER_BYTE; s < endPfn; s += pfnCyclic) {
            out.add(new Range(s, Math.min(s + pfnCyclic, endPfn)));
        }
        return out;
    }
}

package dev.pmemdump.filter.elf;

import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.util.List;

/**
 * How makedumpfile -E cuts one input PT_LOAD into output PT_LOADs (docs/dump-formats.md §3.5): a run of
 * at least 256 excluded pages ends a segment, whose memsz covers the run while its filesz stops at
 * the last kept page; shorter runs are written as data. Excluded pages at the end of the PT_LOAD
 * are never written.
 *
 * <p>Where {@code neverWrite} is set (pmem user data), a run of any length ends the segment, so
 * those pages are never read.
 */
public final class ElfSegments {
    /** PFN_EXCLUDED: excluded runs shorter than this are written anyway. */
    public static final int PFN_EXCLUDED = 256;

    /** One output PT_LOAD in pages: {@code [startPfn, startPfn + memPages)}, data for the first {@code filePages}. */
    public record Segment(ProgramHeader load, long startPfn, long filePages, long memPages) {}

    private ElfSegments() {}

    /**
     * Cuts one PT_LOAD fed in consecutive pieces, so that only the bits of the piece at hand (one cycle)
     * need exist: a run of excluded pages may span pieces. Works run by run, not page by page.
     */
    public static final class Planner {
        private final ProgramHeader load;
        private final List<Segment> out;
        private long segStart;
        private long filePages;
        /** Excluded pages since the last kept one, and whether one of them must never be written. */
        private long run;
        private boolean runForbidden;
        private long next;

        /** Segments go to {@code out} as they are cut. */
        public Planner(ProgramHeader load, long startPfn, List<Segment> out) {
            this.load = load;
            this.out = out;
            this.segStart = startPfn;
            this.next = startPfn;
        }

        /** The pfns {@code [from, to)}, the piece after the last one, as {@code dumpable} has them. */
        public void add(long from, long to, PageBitmap dumpable, PageBitmap neverWrite) {
            if (from != next) {
                throw new IllegalArgumentException("piece starts at 0x" + Long.toHexString(from) + ", not 0x"
                        + Long.toHexString(next));
            }
            for (long p = from; p < to; ) {
                if (dumpable.get(p)) {
                    long end = Math.min(to, dumpable.nextClear(p));
                    if (run > 0 && (run >= PFN_EXCLUDED || runForbidden)) {
                        out.add(new Segment(load, segStart, filePages, p - segStart));
                        segStart = p;
                        filePages = 0;
                    } else {
                        filePages += run;
                    }
                    run = 0;
                    runForbidden = false;
                    filePages += end - p;
                    p = end;
                } else {
                    long set = dumpable.nextSet(p);
                    long end = set < 0 || set > to ? to : set;
                    long forbidden = neverWrite.nextSet(p);
                    runForbidden |= forbidden >= 0 && forbidden < end;
                    run += end - p;
                    p = end;
                }
            }
            next = Math.max(next, to);
        }

        /** The last segment, ending at {@code endPfn}. */
        public void finish(long endPfn) {
            out.add(new Segment(load, segStart, filePages, endPfn - segStart));
        }
    }

    /** Pages of the segments that are not written (memsz beyond filesz): makedumpfile's "in ELF format" count. */
    public static long excludedPages(List<Segment> segments) {
        long n = 0;
        for (Segment s : segments) {
            n += s.memPages() - s.filePages();
        }
        return n;
    }
}

package dev.pmemdump.filter.elf;

import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.util.ArrayList;
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

    /** The segments of {@code load}, whose pages are {@code [startPfn, endPfn)}. */
    public static List<Segment> plan(ProgramHeader load, long startPfn, long endPfn, PageBitmap dumpable,
                                     PageBitmap neverWrite) {
        List<Segment> out = new ArrayList<>();
        long segStart = startPfn;
        long filePages = 0;
        long run = 0;
        boolean runForbidden = false;
        for (long pfn = startPfn; pfn < endPfn; pfn++) {
            if (!dumpable.get(pfn)) {
                run++;
                runForbidden |= neverWrite.get(pfn);
                continue;
            }
            if (run > 0 && (run >= PFN_EXCLUDED || runForbidden)) {
                out.add(new Segment(load, segStart, filePages, pfn - segStart));
                segStart = pfn;
                filePages = 0;
            } else {
                filePages += run;
            }
            run = 0;
            runForbidden = false;
            filePages++;
        }
        out.add(new Segment(load, segStart, filePages, endPfn - segStart));
        return out;
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

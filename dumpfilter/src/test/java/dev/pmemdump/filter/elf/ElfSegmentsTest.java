package dev.pmemdump.filter.elf;

import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The output PT_LOADs of -E, cut run by run and fed whole or cycle by cycle, are those of makedumpfile's page by
 * page rule (written out here): runs of 256 or more excluded pages, or of any length over pages never
 * to be written, end a segment.
 */
@UnitTest
class ElfSegmentsTest {
    private static final ProgramHeader LOAD = new ProgramHeader(ProgramHeader.PT_LOAD, 7, 0, 0, 0, 0, 0, 0);

    @Test
    void piecesCutAsThePageByPageRule() {
        Random r = new Random(11);
        for (int round = 0; round < 200; round++) {
            long size = 1 + r.nextInt(40_000);
            PageBitmap dumpable = new PageBitmap(size);
            PageBitmap never = new PageBitmap(size);
            for (long p = 0; p < size; ) {
                long len = 1 + r.nextInt(r.nextBoolean() ? 20 : 600);
                if (r.nextBoolean()) {
                    dumpable.setRange(p, p + len);
                } else if (r.nextInt(8) == 0) {
                    never.setRange(p, p + Math.min(len, 3));
                }
                p += len;
            }
            long start = r.nextInt((int) size);
            List<ElfSegments.Segment> want = pageByPage(start, size, dumpable, never);
            List<ElfSegments.Segment> whole = new ArrayList<>();
            ElfSegments.Planner one = new ElfSegments.Planner(LOAD, start, whole);
            one.add(start, size, dumpable, never);
            one.finish(size);
            assertEquals(want, whole, "round " + round);
            List<ElfSegments.Segment> pieces = new ArrayList<>();
            ElfSegments.Planner planner = new ElfSegments.Planner(LOAD, start, pieces);
            for (long p = start; p < size; ) {
                long end = Math.min(size, p + 1 + r.nextInt(5000));
                planner.add(p, end, dumpable, never);
                p = end;
            }
            planner.finish(size);
            assertEquals(want, pieces, "round " + round + " in pieces");
        }
    }

    private static List<ElfSegments.Segment> pageByPage(long startPfn, long endPfn, PageBitmap dumpable,
                                                       PageBitmap neverWrite) {
        List<ElfSegments.Segment> out = new ArrayList<>();
        long segStart = startPfn;
        long filePages = 0;
        long run = 0;
        boolean forbidden = false;
        for (long pfn = startPfn; pfn < endPfn; pfn++) {
            if (!dumpable.get(pfn)) {
                run++;
                forbidden |= neverWrite.get(pfn);
                continue;
            }
            if (run > 0 && (run >= ElfSegments.PFN_EXCLUDED || forbidden)) {
                out.add(new ElfSegments.Segment(LOAD, segStart, filePages, pfn - segStart));
                segStart = pfn;
                filePages = 0;
            } else {
                filePages += run;
            }
            run = 0;
            forbidden = false;
            filePages++;
        }
        out.add(new ElfSegments.Segment(LOAD, segStart, filePages, endPfn - segStart));
        return out;
    }
}

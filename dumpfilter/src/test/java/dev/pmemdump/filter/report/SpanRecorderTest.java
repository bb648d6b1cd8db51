package dev.pmemdump.filter.report;

import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.io.Range;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Hand-computed maps: recorded spans, what is left between them, holes, overlaps. */
@UnitTest
class SpanRecorderTest {
    private static final long PS = 4096;

    private static ReportModel.Span span(long from, long to, SpanKind kind) {
        return new ReportModel.Span(from * PS, to * PS, kind);
    }

    @Test
    void gapsAreKeptDroppedEarlierOrHoles() {
        // pfns 0-99 exist except the hole 40-50; 60-70 were dropped by the filter that wrote the input
        PageBitmap present = new PageBitmap(100);
        present.setRange(0, 40);
        present.setRange(50, 100);
        PageBitmap readable = present.copy();
        readable.clearRange(60, 70);
        SpanRecorder rec = new SpanRecorder();
        rec.add(10, 12, SpanKind.RAM_FREE);
        rec.add(12, 16, SpanKind.RAM_FREE); // continues the previous span
        rec.add(20, 21, SpanKind.RAM_ZERO);
        List<ReportModel.Span> map = rec.map(present, readable, List.of(), List.of(), PS);
        assertEquals(List.of(span(0, 10, SpanKind.RAM_KEPT), span(10, 16, SpanKind.RAM_FREE),
                span(16, 20, SpanKind.RAM_KEPT), span(20, 21, SpanKind.RAM_ZERO), span(21, 40, SpanKind.RAM_KEPT),
                span(50, 60, SpanKind.RAM_KEPT), span(60, 70, SpanKind.RAM_EXCLUDED),
                span(70, 100, SpanKind.RAM_KEPT)), map);
    }

    @Test
    void overlappingRecordsDrawEachPfnOnceEarliestFirst() {
        PageBitmap present = new PageBitmap(64);
        present.setRange(0, 64);
        SpanRecorder rec = new SpanRecorder();
        rec.add(30, 40, SpanKind.RAM_USER);  // a later PT_LOAD recorded first ...
        rec.add(0, 35, SpanKind.RAM_FREE);   // ... then the one holding it, from its start
        List<ReportModel.Span> map = rec.map(present, present, List.of(), List.of(), PS);
        assertEquals(List.of(span(0, 35, SpanKind.RAM_FREE), span(35, 40, SpanKind.RAM_USER),
                span(40, 64, SpanKind.RAM_KEPT)), map);
    }

    @Test
    void pmemRangesAsTheyWereCleared() {
        // pmem 100-200 with metadata 100-110; at -d 63 the policy clears all of it
        PmemPolicy pmem = new PmemPolicy(List.of(new Range(100, 200)), List.of(new Range(100, 110)));
        PageBitmap present = new PageBitmap(200);
        present.setRange(0, 200);
        for (int level : new int[]{31, 63}) {
            PageBitmap dumpable = present.copy();
            ExclusionLedger ledger = ExclusionLedger.recording();
            // recorded in two cycles, as -E does
            pmem.apply(0, 150, level, dumpable, ledger);
            pmem.apply(150, 200, level, dumpable, ledger);
            List<ReportModel.Span> map = ledger.spans().orElseThrow().map(present, present, pmem.metadata(),
                    pmem.userdata(), PS);
            SpanKind meta = (level & DumpLevel.EXCLUDE_PMEM_META) != 0 ? SpanKind.PMEM_METADATA_DROPPED
                    : SpanKind.PMEM_METADATA_KEPT;
            assertEquals(List.of(span(0, 100, SpanKind.RAM_KEPT), span(100, 110, meta),
                    span(110, 200, SpanKind.PMEM_USERDATA_EXCLUDED)), map, "level " + level);
        }
        // nothing recorded: user data left in the dump shows as a leak
        List<ReportModel.Span> leak = new SpanRecorder().map(present, present, pmem.metadata(), pmem.userdata(), PS);
        assertEquals(span(110, 200, SpanKind.PMEM_USERDATA_KEPT), leak.get(2));
    }

    @Test
    void nextClear() {
        PageBitmap b = new PageBitmap(200);
        b.setRange(3, 130);
        assertEquals(0, b.nextClear(0));
        assertEquals(130, b.nextClear(3));
        assertEquals(130, b.nextClear(64));
        assertEquals(199, b.nextClear(199));
        b.setRange(130, 200);
        assertEquals(200, b.nextClear(5));
        assertEquals(200, b.nextClear(500));
    }
}

package dev.pmemdump.filter.ledger;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.report.ReportModel;
import dev.pmemdump.filter.report.SpanKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed: what the ledger counts is what it draws, and a range rule counts a pfn once. */
@UnitTest
class ExclusionLedgerTest {
    private static final long PS = 4096;

    @Test
    void rangeRuleCountsOnlyWhatIsStillDumpable() {
        PageBitmap dumpable = new PageBitmap(100);
        dumpable.setRange(0, 100);
        dumpable.clearRange(20, 30);                 // an earlier step took these
        ExclusionLedger ledger = ExclusionLedger.recording();
        ledger.excludeDumpable(dumpable, 10, 40, PageCounter.PMEM_USERDATA);
        ledger.excludeDumpable(dumpable, 10, 40, PageCounter.PMEM_USERDATA);   // nothing left: nothing counted
        assertEquals(20, ledger.count(PageCounter.PMEM_USERDATA));
        assertEquals(0, dumpable.cardinality(10, 40));
        assertEquals(70, dumpable.cardinality());
        PageBitmap present = new PageBitmap(100);
        present.setRange(0, 100);
        List<ReportModel.Span> map = ledger.spans().orElseThrow().map(present, present, List.of(), List.of(), PS);
        assertEquals(List.of(new ReportModel.Span(0, 10 * PS, SpanKind.RAM_KEPT),
                new ReportModel.Span(10 * PS, 20 * PS, SpanKind.PMEM_USERDATA_EXCLUDED),
                new ReportModel.Span(20 * PS, 30 * PS, SpanKind.RAM_KEPT),
                new ReportModel.Span(30 * PS, 40 * PS, SpanKind.PMEM_USERDATA_EXCLUDED),
                new ReportModel.Span(40 * PS, 100 * PS, SpanKind.RAM_KEPT)), map);
    }

    @Test
    void blocksCountWholeAndCountingLedgerRecordsNothing() {
        ExclusionLedger ledger = ExclusionLedger.counting();
        ledger.exclude(64, 128, PageCounter.FREE);        // a buddy block of order 6
        ledger.exclude(200, 201, PageCounter.ZERO);
        ledger.exclude(201, 202, PageCounter.ZERO);
        assertEquals(64, ledger.count(PageCounter.FREE));
        assertEquals(2, ledger.count(PageCounter.ZERO));
        assertEquals(66, ledger.counts().excluded());
        assertTrue(ledger.spans().isEmpty());
    }
}

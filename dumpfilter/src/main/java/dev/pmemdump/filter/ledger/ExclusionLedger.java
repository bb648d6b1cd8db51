package dev.pmemdump.filter.ledger;

import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.level.PageCounts;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.report.SpanKind;
import dev.pmemdump.filter.report.SpanRecorder;

import java.util.Optional;

/**
 * Where every step that takes pages out of the dump says so: the pmem policy, the struct-page
 * classifier and the zero-page tests emit (pfn range, reason). The ledger counts each reason and,
 * for an HTML report, records the spans; no step keeps counts or draws the map on its own.
 */
public final class ExclusionLedger {
    private final long[] counts = new long[PageCounter.values().length];
    private final SpanRecorder spans;

    private ExclusionLedger(SpanRecorder spans) {
        this.spans = spans;
    }

    /** A ledger that counts only. */
    public static ExclusionLedger counting() {
        return new ExclusionLedger(null);
    }

    /** A ledger that also records where each excluded page went (for --html-report). */
    public static ExclusionLedger recording() {
        return new ExclusionLedger(new SpanRecorder());
    }

    /**
     * Pfns {@code [from, to)} left the dump as {@code reason}, all of them counted: a block decided as a
     * whole (a buddy block, a compound page) or one zero page. The caller clears its bitmap.
     */
    public void exclude(long from, long to, PageCounter reason) {
        counts[reason.ordinal()] += to - from;
        if (spans != null) {
            spans.add(from, to, SpanKind.excluded(reason));
        }
    }

    /**
     * Clears the pfns of {@code [from, to)} still set in {@code dumpable}, counting and recording only
     * those: a range rule (pmem) decides without reading pages, and must not count a pfn twice.
     */
    public void excludeDumpable(PageBitmap dumpable, long from, long to, PageCounter reason) {
        if (from >= to) {
            return;
        }
        if (spans != null) {
            SpanKind kind = SpanKind.excluded(reason);
            for (long p = dumpable.nextSet(from); p >= 0 && p < to; p = dumpable.nextSet(p)) {
                long e = Math.min(to, dumpable.nextClear(p));
                spans.add(p, e, kind);
                p = e;
            }
        }
        counts[reason.ordinal()] += dumpable.cardinality(from, to);
        dumpable.clearRange(from, to);
    }

    public long count(PageCounter c) {
        return counts[c.ordinal()];
    }

    public PageCounts counts() {
        return PageCounts.of(counts);
    }

    /** The recorded spans, when this ledger records them. */
    public Optional<SpanRecorder> spans() {
        return Optional.ofNullable(spans);
    }
}

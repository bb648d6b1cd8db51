package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.mm.MemMap;
import dev.pmemdump.filter.mm.PageClassifier;
import dev.pmemdump.filter.mm.PageFlags;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.ZeroPage;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.io.Range;

import java.io.IOException;

/**
 * Which pages of a pfn range stay in the dump, in makedumpfile's order: pmem by ranges (never read),
 * then the struct-page classes, then (ELF output) zero pages among what is left. Every exclusion
 * goes through the {@link ExclusionLedger}.
 */
final class PageDecision {
    /** Pages read with one call by the zero-page test: 256 KiB of 4 KiB pages. */
    private static final int RUN = 64;

    private final PageSource source;
    private final int level;
    private final PmemPolicy pmem;
    private final PageClassifier classifier;
    private final PageBitmap consider;
    private final ExclusionLedger ledger;

    private PageDecision(PageSource source, int level, PmemPolicy pmem, PageClassifier classifier,
                         ExclusionLedger ledger) {
        this.source = source;
        this.level = level;
        this.pmem = pmem;
        this.classifier = classifier;
        this.consider = classifier == null ? null : scanned(source, pmem, level);
        this.ledger = ledger;
    }

    /** Reads the memmap only when the level or VMCOREINFO makes makedumpfile scan struct pages. */
    static PageDecision of(DumpInput input, int level, PmemPolicy pmem, ExclusionLedger ledger) throws IOException {
        PageFlags flags = PageFlags.of(input.vmcoreinfo());
        PageSource source = input.source();
        PageClassifier classifier = null;
        if (new PageClassifier(input.kernel(), null, flags, level).needed()) {
            MemMap memMap = MemMap.read(input.vmcoreinfo(), input.kernel(), source.maxMapnr(), source.pageSize(),
                    input.pageOffset());
            classifier = new PageClassifier(input.kernel(), memMap, flags, level);
        }
        return new PageDecision(source, level, pmem, classifier, ledger);
    }

    int level() {
        return level;
    }

    PmemPolicy pmem() {
        return pmem;
    }

    ExclusionLedger ledger() {
        return ledger;
    }

    /** Pages kept because their struct page could not be read (0 without a struct-page scan). */
    long unreadableKept() {
        return classifier == null ? 0 : classifier.unreadableKept();
    }

    String firstUnreadable() {
        return classifier == null ? null : classifier.firstUnreadable();
    }

    /**
     * Pfns the struct-page scan looks at: all memory, not pmem (pmem is decided by ranges). For a
     * kdump input that includes pages an earlier run dropped: makedumpfile counts them again.
     */
    private static PageBitmap scanned(PageSource source, PmemPolicy pmem, int level) {
        PageBitmap consider = source.present();
        for (Range r : pmem.pmem()) {
            consider.clearRange(r.start(), r.end());
        }
        for (Range r : pmem.droppedRam(level)) {
            consider.clearRange(r.start(), Math.min(r.end(), consider.size()));
        }
        return consider;
    }

    /** pmem, then struct pages, over {@code [from, to)}; returns what a block left for the next cycle. */
    PageClassifier.Carry decide(long from, long to, PageBitmap dumpable, PageClassifier.Carry carry)
            throws IOException {
        pmem.apply(from, to, level, dumpable, ledger);
        return classifier == null ? carry : classifier.classify(from, to, consider, dumpable, ledger, carry);
    }

    /** As {@link #decide}, then the zero pages left, as makedumpfile does for ELF output in each cycle. */
    PageClassifier.Carry decideWithZero(long from, long to, PageBitmap dumpable, PageClassifier.Carry carry)
            throws IOException {
        PageClassifier.Carry left = decide(from, to, dumpable, carry);
        if ((level & DumpLevel.EXCLUDE_ZERO) != 0) {
            excludeZero(from, to, dumpable);
        }
        return left;
    }

    /** Reads the dumpable pages of {@code [from, to)} a run of up to {@value #RUN} at a time. */
    private void excludeZero(long from, long to, PageBitmap dumpable) throws IOException {
        int ps = source.pageSize();
        byte[] run = new byte[RUN * ps];
        long pfn = dumpable.nextSet(from);
        while (pfn >= 0 && pfn < to) {
            int n = 1;
            while (n < RUN && pfn + n < to && dumpable.get(pfn + n)) {
                n++;
            }
            source.read(pfn, n, run, 0);
            for (int i = 0; i < n; i++) {
                if (ZeroPage.isZero(run, i * ps, ps)) {
                    dumpable.clear(pfn + i);
                    ledger.exclude(pfn + i, pfn + i + 1, PageCounter.ZERO);
                }
            }
            pfn = dumpable.nextSet(pfn + n);
        }
    }
}

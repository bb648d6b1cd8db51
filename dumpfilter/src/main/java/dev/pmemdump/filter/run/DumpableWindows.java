package dev.pmemdump.filter.run;

import dev.pmemdump.filter.mm.PageClassifier;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.WindowedBitmap;

import java.io.IOException;

/**
 * The 2nd bitmap of a kdump-compressed dump, decided a window of {@link WindowedBitmap#WINDOW_PFNS} pfns
 * (32 GiB of memory, 1 MiB of bitmap) at a time, so a run holds one window's bits whatever the RAM size.
 * The kdump format puts the bitmaps and the page_desc table before the data, so the writer goes over the
 * windows twice; a window asked for again is decided again (from its first decision's carry) by a
 * second {@link PageDecision} whose ledger is thrown away, so every page is counted once. Deciding again
 * rather than reading back the bitmap written works for every target, a flattened stream on a pipe
 * included; a dump of at most one window (32 GiB of addresses) is decided exactly once.
 */
final class DumpableWindows implements WindowedBitmap {
    /** Makes the decision that re-decides windows (read the memmap again; count into a ledger of its own). */
    interface Replay {
        PageDecision decision() throws IOException;
    }

    private final PageBitmap readable;
    private final long windowPfns;
    private final PageDecision decision;
    private final Replay replay;
    /** What each window's first decision started with: the rest of a block from the window before. */
    private final PageClassifier.Carry[] carryIn;
    /** Windows decided by {@link #decision} so far, in order. */
    private int decided;
    private PageDecision again;
    private long heldStart = -1;
    /** The window's bits: one bitmap whose words are reused from window to window. */
    private PageBitmap held;
    private long decisions;

    DumpableWindows(PageBitmap readable, long windowPfns, PageDecision decision, Replay replay) {
        this.readable = readable;
        this.windowPfns = windowPfns;
        this.decision = decision;
        this.replay = replay;
        long windows = Math.max(1, Math.ceilDiv(readable.size(), windowPfns));
        this.carryIn = new PageClassifier.Carry[Math.toIntExact(windows + 1)];
        this.carryIn[0] = PageClassifier.Carry.NONE;
    }

    @Override
    public long size() {
        return readable.size();
    }

    @Override
    public long windowPfns() {
        return windowPfns;
    }

    @Override
    public PageBitmap window(long pfn) throws IOException {
        long start = windowStart(pfn);
        if (start == heldStart) {
            return held;
        }
        heldStart = -1;
        int k = Math.toIntExact(start / windowPfns);
        while (decided < k) {
            decideFirst(decided);
        }
        held = k == decided ? decideFirst(k) : decide(replay(), k, carryIn[k]);
        heldStart = start;
        return held;
    }

    /** Windows decided so far, first decisions and repeats: how much the bounded design cost. */
    long decisions() {
        return decisions;
    }

    private PageBitmap decideFirst(int k) throws IOException {
        PageBitmap bits = decide(decision, k, carryIn[k]);
        decided = k + 1;
        return bits;
    }

    private PageBitmap decide(PageDecision d, int k, PageClassifier.Carry carry) throws IOException {
        long start = k * windowPfns;
        long end = Math.min(size(), start + windowPfns);
        PageBitmap bits;
        if (end - start == size()) {
            bits = readable; // one window is all pfns: decided in place, as the whole bitmap always was
        } else {
            if (held == null) {
                held = new PageBitmap(size());
            }
            bits = held;
            bits.load(readable, start, end);
        }
        PageClassifier.Carry left = d.decide(start, end, bits, carry);
        if (d == decision) {
            carryIn[k + 1] = left;
        }
        decisions++;
        return bits;
    }

    private PageDecision replay() throws IOException {
        if (again == null) {
            again = replay.decision();
        }
        return again;
    }
}

package dev.pmemdump.filter.mm;

import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.xlat.KernelMemory;

import java.lang.foreign.MemorySegment;

/**
 * Decides from each {@code struct page} whether makedumpfile 1.7.2 would drop the page, in its order
 * (docs/dump-formats.md §4.2): compound tails skipped, then free (buddy) blocks, non-private and private
 * cache, user data (anonymous or hugetlb), hwpoison, offline. A match excludes the whole block
 * (buddy order or compound order), clipped to the end of the cycle, and counts every excluded pfn.
 *
 * <p>Pfns for which {@code skip} is set (memory holes, pmem already decided) are not looked at and
 * their struct pages are not read.
 */
public final class PageClassifier {
    /** makedumpfile reads struct pages in windows that end at multiples of 512 pfns (PGMM_CACHED). */
    static final int PGMM_CACHED = 512;

    private final KernelMemory kmem;
    private final MemMap memMap;
    private final PageFlags pf;
    private final int dumpLevel;
    private long unreadableKept;
    private String firstUnreadable;

    public PageClassifier(KernelMemory kmem, MemMap memMap, PageFlags flags, int dumpLevel) {
        this.kmem = kmem;
        this.memMap = memMap;
        this.pf = flags;
        this.dumpLevel = dumpLevel;
    }

    /** True when the dump level or VMCOREINFO makes makedumpfile scan the struct pages at all. */
    public boolean needed() {
        int bits = DumpLevel.EXCLUDE_CACHE | DumpLevel.EXCLUDE_CACHE_PRI | DumpLevel.EXCLUDE_USER_DATA;
        return (dumpLevel & bits) != 0 || pf.pgHwpoison() != PageFlags.NOT_FOUND
                || ((dumpLevel & DumpLevel.EXCLUDE_FREE) != 0 && pf.canFindBuddies());
    }

    /**
     * The rest of a block that ran past the end of a cycle: makedumpfile excludes it at the start of
     * the next cycle of the same PT_LOAD and counts it there.
     */
    public record Carry(PageCounter counter, long from, long to) {
        public static final Carry NONE = new Carry(null, 0, 0);
    }

    /**
     * Clears the excluded pfns of {@code [cycleStart, cycleEnd)} in {@code dumpable}, telling the ledger.
     *
     * @param consider pfns to look at (in a PT_LOAD and not already decided)
     * @param carry    what the previous cycle of the same run left over, or {@link Carry#NONE}
     * @return what this cycle leaves over for the next one
     */
    public Carry classify(long cycleStart, long cycleEnd, PageBitmap consider, PageBitmap dumpable,
                          ExclusionLedger ledger, Carry carry) throws CorruptInputException {
        if ((dumpLevel & DumpLevel.EXCLUDE_FREE) != 0 && !pf.canFindBuddies()) {
            throw new CorruptInputException(kmem.physical().name(), -1,
                    "exclude_free_page: Can't get necessary symbols for excluding free pages.");
        }
        Carry left = Carry.NONE;
        if (carry.counter() != null && carry.from() < carry.to()) {
            left = exclude(carry.counter(), carry.from(), carry.to(), cycleEnd, dumpable, ledger);
        }
        long ps = pf.pageStructSize();
        StructPageWindow win = new StructPageWindow((int) (PGMM_CACHED * ps), kmem.order());
        boolean[] unreadable = new boolean[PGMM_CACHED];
        for (MemMap.Section s : memMap.sections()) {
            if (!s.present() || s.pfnEnd() <= cycleStart || s.pfnStart() >= cycleEnd) {
                continue;
            }
            long end = Math.min(s.pfnEnd(), cycleEnd);
            long winStart = -1;
            long winEnd = -1;
            for (long pfn = Math.max(s.pfnStart(), cycleStart); pfn < end; pfn++) {
                if (!consider.get(pfn)) {
                    continue;
                }
                if (pfn >= winEnd) {
                    winStart = pfn;
                    winEnd = Math.min(end, (pfn / PGMM_CACHED + 1) * PGMM_CACHED);
                    long va = s.memMap() + (pfn - s.pfnStart()) * ps;
                    readWindow(va, win, winEnd - winStart, ps, unreadable);
                }
                if (unreadable[(int) (pfn - winStart)]) {
                    unreadableKept++;
                    continue; // kept: a dump is never lost, nor a page dropped, for an unreadable struct page
                }
                long at = (pfn - winStart) * ps;
                long flags = win.u64(at + pf.offFlags());
                long mapping = win.u64(at + pf.offMapping());
                int mapcount = pf.offMapcount() == PageFlags.NOT_FOUND ? 0 : win.u32(at + pf.offMapcount());
                long priv = pf.offPrivate() == PageFlags.NOT_FOUND ? 0 : win.u64(at + pf.offPrivate());
                long head = pf.offCompoundHead() == PageFlags.NOT_FOUND ? 0 : win.u64(at + pf.offCompoundHead());
                int order = 0;
                long dtor = 0;
                // The order and destructor live in the first tail page; like makedumpfile, not read for
                // the last pfn of a 512-pfn window (a valid compound head is never there).
                if (pfn % PGMM_CACHED != PGMM_CACHED - 1 && pfn + 1 < winEnd && pf.isCompoundHead(flags)) {
                    long next = at + ps;
                    if (pf.offCompoundOrder() != PageFlags.NOT_FOUND) {
                        order = win.u8(next + pf.offCompoundOrder());
                    }
                    if (pf.offCompoundDtor() != PageFlags.NOT_FOUND) {
                        dtor = win.u8(next + pf.offCompoundDtor());
                    }
                    if (order >= 64 || (pfn & ((1L << order) - 1)) != 0) {
                        order = 0;
                    }
                }
                long nrPages = 1L << order;
                PageCounter counter;
                if ((head & 1) != 0) {
                    continue; // a compound tail: its head decided for it
                } else if ((dumpLevel & DumpLevel.EXCLUDE_FREE) != 0 && pf.isBuddy(flags, mapcount)) {
                    nrPages = priv >= 0 && priv < 63 ? 1L << priv : Long.MAX_VALUE / 2;
                    counter = PageCounter.FREE;
                } else if ((dumpLevel & DumpLevel.EXCLUDE_CACHE) != 0 && pf.isCache(flags) && !pf.isPrivate(flags)
                        && !PageFlags.isAnon(mapping)) {
                    counter = PageCounter.CACHE;
                } else if ((dumpLevel & DumpLevel.EXCLUDE_CACHE_PRI) != 0 && pf.isCache(flags)
                        && !PageFlags.isAnon(mapping)) {
                    counter = pf.isPrivate(flags) ? PageCounter.CACHE_PRIVATE : PageCounter.CACHE;
                } else if ((dumpLevel & DumpLevel.EXCLUDE_USER_DATA) != 0
                        && (PageFlags.isAnon(mapping) || pf.isHugetlb(dtor))) {
                    counter = PageCounter.USER;
                } else if (pf.isHwpoison(flags)) {
                    counter = PageCounter.HWPOISON;
                } else if (pf.isOffline(flags, mapcount)) {
                    counter = PageCounter.OFFLINE;
                } else {
                    continue;
                }
                left = exclude(counter, pfn, pfn + nrPages, cycleEnd, dumpable, ledger);
                pfn = Math.min(pfn + nrPages, cycleEnd) - 1;
            }
        }
        return left;
    }

    /**
     * Pages kept because their struct page could not be read (its vmemmap page not mapped, as in a
     * memory section only partly populated), and the first reason; upstream makedumpfile fails the
     * whole dump there.
     */
    public long unreadableKept() {
        return unreadableKept;
    }

    public String firstUnreadable() {
        return firstUnreadable;
    }

    /**
     * Reads {@code count} struct pages at {@code va}; where the window cannot be read whole, struct page
     * by struct page, marking the ones that cannot be read in {@code unreadable}.
     */
    private void readWindow(long va, StructPageWindow window, long count, long ps, boolean[] unreadable) {
        java.util.Arrays.fill(unreadable, false);
        MemorySegment win = window.segment();
        try {
            kmem.read(va, win.asSlice(0, count * ps));
            window.loaded(count * ps);
            return;
        } catch (CorruptInputException e) {
            // fall through: find which struct pages are behind the failure
        }
        for (int i = 0; i < count; i++) {
            try {
                kmem.read(va + i * ps, win.asSlice(i * ps, ps));
            } catch (CorruptInputException e) {
                unreadable[i] = true;
                if (firstUnreadable == null) {
                    firstUnreadable = e.getMessage();
                }
            }
        }
        window.loaded(count * ps);
    }

    private static Carry exclude(PageCounter counter, long from, long to, long cycleEnd, PageBitmap dumpable,
                                 ExclusionLedger ledger) {
        long stop = Math.min(to, cycleEnd);
        ledger.exclude(from, stop, counter);
        dumpable.clearRange(from, stop);
        return to > cycleEnd ? new Carry(counter, cycleEnd, to) : Carry.NONE;
    }
}

package dev.pmemdump.filter.mm;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;

import java.util.OptionalLong;

/**
 * What makedumpfile 1.7.2 needs to know about {@code struct page} and its flag bits, taken from
 * VMCOREINFO with makedumpfile's defaults for keys an old kernel does not export
 * (docs/dump-formats.md §4.2, §4.5). A value that is absent and has no default is {@code NOT_FOUND}.
 */
public record PageFlags(long pageStructSize, long offFlags, long offMapping, long offMapcount, long offPrivate,
                        long offCompoundHead, long offCompoundOrder, long offCompoundDtor, long pgLru,
                        long pgPrivate, long pgSwapcache, long pgSwapbacked, long pgSlab, long pgHwpoison,
                        long pgHeadMask, long buddyMapcount, long offlineMapcount, long hugetlbDtor,
                        long freeHugePage) {
    public static final long NOT_FOUND = Long.MIN_VALUE;

    /** Reads the keys; the four that makedumpfile cannot work without are required. */
    public static PageFlags of(VmcoreInfo vi) throws CorruptInputException {
        return new PageFlags(vi.size("page"), vi.offset("page", "flags"), vi.offset("page", "mapping"),
                offset(vi, "_mapcount"), offset(vi, "private"),
                offset(vi, "compound_head"), offset(vi, "compound_order"),
                offset(vi, "compound_dtor"),
                vi.findNumber("PG_lru").orElse(5), vi.findNumber("PG_private").orElse(11),
                vi.findNumber("PG_swapcache").orElse(15), opt(vi.findNumber("PG_swapbacked")),
                vi.findNumber("PG_slab").orElse(7), opt(vi.findNumber("PG_hwpoison")),
                vi.findNumber("PG_head_mask").orElse(1L << 14),
                vi.findNumber("PAGE_BUDDY_MAPCOUNT_VALUE").orElse(-128),
                opt(vi.findNumber("PAGE_OFFLINE_MAPCOUNT_VALUE")), opt(vi.findNumber("HUGETLB_PAGE_DTOR")),
                opt(vi.findSymbol("free_huge_page")));
    }

    private static long offset(VmcoreInfo vi, String field) throws CorruptInputException {
        return vi.has("OFFSET(page." + field + ")") ? vi.offset("page", field) : NOT_FOUND;
    }

    private static long opt(OptionalLong v) {
        return v.isPresent() ? v.getAsLong() : NOT_FOUND;
    }

    /**
     * Whether flag number {@code bit} is set; false for {@link #NOT_FOUND} (negative) or a number out of
     * range. Kept under 35 bytes of bytecode so that C1, the compiler the installed command runs,
     * inlines it into the per-page tests.
     */
    static boolean bit(long flags, long bit) {
        return (bit & ~63L) == 0 && ((flags >>> bit) & 1) != 0;
    }

    /** PG_lru, or swap cache (PG_swapcache valid only with PG_swapbacked, when that flag exists). */
    boolean isCache(long flags) {
        if (bit(flags, pgLru)) {
            return true;
        }
        return (pgSwapbacked == NOT_FOUND || bit(flags, pgSwapbacked)) && bit(flags, pgSwapcache);
    }

    boolean isPrivate(long flags) {
        return bit(flags, pgPrivate);
    }

    static boolean isAnon(long mapping) {
        return (mapping & 1) != 0;
    }

    boolean isHugetlb(long dtor) {
        return (hugetlbDtor != NOT_FOUND && hugetlbDtor == dtor) || (freeHugePage != NOT_FOUND && freeHugePage == dtor);
    }

    boolean isBuddy(long flags, int mapcount) {
        return !bit(flags, pgSlab) && mapcount == (int) buddyMapcount;
    }

    boolean isHwpoison(long flags) {
        return pgHwpoison != NOT_FOUND && bit(flags, pgHwpoison);
    }

    boolean isOffline(long flags, int mapcount) {
        return offlineMapcount != NOT_FOUND && !bit(flags, pgSlab) && mapcount == (int) offlineMapcount;
    }

    boolean isCompoundHead(long flags) {
        return (flags & pgHeadMask) != 0;
    }

    /** True when free pages can be told by their struct page (page_is_buddy_v3). */
    boolean canFindBuddies() {
        return offMapcount != NOT_FOUND && offPrivate != NOT_FOUND;
    }
}

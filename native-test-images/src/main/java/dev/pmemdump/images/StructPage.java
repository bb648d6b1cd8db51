package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.*;

/**
 * One 64-byte {@code struct page} (6.1 layout, offsets in {@link Linux61}) written the way the kernel
 * leaves it for each kind of page. Fields not set stay zero, as after the kernel's memset.
 */
record StructPage(long flags, long word1, long word2, long mapping, long index, long priv, int mapcount,
                  int refcount) {

    /** TAIL_MAPPING (0x400 + POISON_POINTER_DELTA): what tail pages hold in page.mapping. */
    static final long TAIL_MAPPING = 0xdead000000000400L;

    static long bit(int pg) {
        return 1L << pg;
    }

    /** {@code __init_single_page}: empty self-linked lru, _refcount 1, _mapcount -1, plus PG_reserved. */
    static StructPage reserved(long pageVa, int zone) {
        return new StructPage(bit(PG_RESERVED) | zoneFlags(zone), pageVa + PAGE_LRU, pageVa + PAGE_LRU, 0, 0, 0, -1, 1);
    }

    /** A page handed out by the page allocator to the kernel itself (vmalloc, percpu, ...). */
    static StructPage kernelAllocated(long pageVa, int zone) {
        return new StructPage(zoneFlags(zone), pageVa + PAGE_LRU, pageVa + PAGE_LRU, 0, 0, 0, -1, 1);
    }

    /** The first page of a free buddy block: PG_buddy in page_type, order in private, no reference. */
    static StructPage buddyHead(long prevLru, long nextLru, int order, int zone) {
        return new StructPage(zoneFlags(zone), nextLru, prevLru, 0, 0, order, PAGE_BUDDY_MAPCOUNT_VALUE, 0);
    }

    /** A free page inside a buddy block (not its head). */
    static StructPage buddyTail(long pageVa, int zone) {
        return new StructPage(zoneFlags(zone), pageVa + PAGE_LRU, pageVa + PAGE_LRU, 0, 0, 0, -1, 0);
    }

    /** A tail page of a compound page: compound_head with bit 0 set, TAIL_MAPPING. */
    static StructPage tail(long headVa, int zone) {
        return new StructPage(zoneFlags(zone), headVa | 1, 0, TAIL_MAPPING, 0, 0, -1, 0);
    }

    void write(MemoryImage mem, long pa) {
        mem.putLong(pa + PAGE_FLAGS, flags);
        mem.putLong(pa + PAGE_LRU, word1);
        mem.putLong(pa + PAGE_LRU + 8, word2);
        mem.putLong(pa + PAGE_MAPPING, mapping);
        mem.putLong(pa + PAGE_INDEX, index);
        mem.putLong(pa + PAGE_PRIVATE, priv);
        mem.putInt(pa + PAGE_MAPCOUNT, mapcount);
        mem.putInt(pa + PAGE_REFCOUNT, refcount);
    }

    /**
     * The first tail page also carries the compound page's destructor, order, mapcount and number of
     * pages (6.1 layout); {@code mapcount} is the compound_mapcount (-1 when not PMD-mapped).
     */
    static void writeFirstTail(MemoryImage mem, long pa, long headVa, int zone, int dtor, int order,
                               int compoundMapcount) {
        tail(headVa, zone).write(mem, pa);
        mem.putByte(pa + PAGE_COMPOUND_DTOR, dtor);
        mem.putByte(pa + PAGE_COMPOUND_ORDER, order);
        mem.putInt(pa + PAGE_COMPOUND_MAPCOUNT, compoundMapcount);
        mem.putInt(pa + PAGE_COMPOUND_PINCOUNT, 0);
        mem.putInt(pa + PAGE_COMPOUND_NR, 1 << order);
    }
}

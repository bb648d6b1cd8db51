package dev.pmemdump.images;

/**
 * What a RAM page holds in the first kernel, and the counter of makedumpfile's report it lands in
 * at {@code -d 31} (null: kept, unless its content is all zero).
 */
public enum PageClass {
    /** Not RAM (a hole inside a memory section). */
    HOLE(null),
    /** Reserved by firmware or memblock: kernel image, page tables, memmap, crashkernel, low 1 MiB. */
    RESERVED(null),
    /** Allocated by the kernel from the page allocator (the scenario's zero share leaves them zero-filled). */
    KERNEL(null),
    /** Slab pages (PG_slab). */
    SLAB(null),
    /** Page cache on the LRU without private data. */
    CACHE("nonPrivateCache"),
    /** Page cache with PG_private (buffer heads). */
    CACHE_PRIVATE("privateCache"),
    /** Anonymous user memory (mapping | 1). */
    ANON("user"),
    /** Free pages in buddy blocks. */
    FREE("free");

    private final String counter;

    PageClass(String counter) {
        this.counter = counter;
    }

    /** The makedumpfile -d 31 counter this class is excluded under, or null if it is dumped. */
    public String counter() {
        return counter;
    }

    /** Kernel-owned memory: what a dump filtered at -d 31 must keep byte for byte. */
    public boolean kernelOwned() {
        return this == RESERVED || this == KERNEL || this == SLAB;
    }
}

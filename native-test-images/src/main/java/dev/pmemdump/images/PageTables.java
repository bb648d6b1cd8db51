package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.KERNPG_TABLE;

import dev.pmemdump.vmcore.xlat.X86_64;

import java.util.function.LongSupplier;

/**
 * The kernel's 4-level x86_64 page tables rooted at {@code init_top_pgt}: every mapping is written
 * as real entries into RAM, so a reader walking from the root (as makedumpfile's vtop4_x86_64 does)
 * finds it. 1 GiB, 2 MiB and 4 KiB leaf entries; missing intermediate tables come from memblock.
 */
final class PageTables {
    static final long GIB = X86_64.PAGE_1G;
    static final long MIB2 = X86_64.PAGE_2M;

    private final MemoryImage ram;
    private final long pgd;
    private final LongSupplier newTable;

    /**
     * @param pgd physical address of the root table (init_top_pgt)
     * @param newTable allocates one zeroed page for an intermediate table
     */
    PageTables(MemoryImage ram, long pgd, LongSupplier newTable) {
        this.ram = ram;
        this.pgd = pgd;
        this.newTable = newTable;
    }

    /** Installs {@code table} (physical) as the entry for {@code va} at {@code level} (4 = PGD ... 2 = PMD). */
    void installTable(long va, int level, long table) {
        long parent = tableFor(va, level);
        ram.putLong(parent + index(va, level) * 8, table | KERNPG_TABLE);
    }

    /**
     * Maps [va, va + size) to [pa, pa + size) with leaf entries of {@code pageSize} (1 GiB, 2 MiB or
     * 4 KiB) and {@code flags} (which must include PSE for the large sizes).
     */
    void map(long va, long pa, long size, long pageSize, long flags) {
        if ((va | pa | size) % pageSize != 0) {
            throw new IllegalArgumentException("unaligned mapping 0x" + Long.toHexString(va) + " -> 0x"
                    + Long.toHexString(pa) + " size 0x" + Long.toHexString(size) + " with pages of 0x"
                    + Long.toHexString(pageSize));
        }
        int level = pageSize == GIB ? 3 : pageSize == MIB2 ? 2 : 1;
        for (long off = 0; off < size; off += pageSize) {
            long table = tableFor(va + off, level);
            ram.putLong(table + index(va + off, level) * 8, (pa + off) | flags);
        }
    }

    /** The table holding the entries of {@code level} for {@code va}, creating missing parents. */
    private long tableFor(long va, int level) {
        long table = pgd;
        for (int l = 4; l > level; l--) {
            long slot = table + index(va, l) * 8;
            long entry = ram.getLong(slot);
            if ((entry & Linux61.PTE_PRESENT) == 0) {
                long t = newTable.getAsLong();
                ram.putLong(slot, t | KERNPG_TABLE);
                table = t;
            } else if ((entry & Linux61.PTE_PSE) != 0) {
                throw new IllegalStateException("va 0x" + Long.toHexString(va) + " already mapped by a large page");
            } else {
                table = entry & X86_64.ENTRY_ADDRESS_MASK;
            }
        }
        return table;
    }

    private static long index(long va, int level) {
        return (va >>> (X86_64.PAGE_SHIFT + X86_64.BITS_PER_LEVEL * (level - 1))) & (X86_64.ENTRIES_PER_TABLE - 1);
    }
}

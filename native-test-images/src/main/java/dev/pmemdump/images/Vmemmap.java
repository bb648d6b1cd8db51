package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.PAGE_SIZE;
import static dev.pmemdump.images.Linux61.vmemmapOf;

import java.util.HashMap;
import java.util.Map;

/**
 * The virtual memory map (SPARSEMEM_VMEMMAP): struct page of pfn {@code p} at
 * {@code vmemmap_base + p * 64}, backed by 2 MiB blocks (RAM sections, and pmem with enough altmap
 * room) or 4 KiB pages, each mapped in the kernel page tables. Knows, for a pfn, which physical
 * bytes hold its struct page, in RAM or on a pmem device.
 */
final class Vmemmap {
    private final PageTables tables;
    private final Map<Long, Long> blocks2m = new HashMap<>();
    private final Map<Long, Long> pages4k = new HashMap<>();

    Vmemmap(PageTables tables) {
        this.tables = tables;
    }

    /** Backs the struct pages of [pfn, pfn + 32768) (one 2 MiB block) with physical {@code pa}. */
    void populateBlock(long pfn, long pa) {
        long va = vmemmapOf(pfn);
        tables.map(va, pa, PageTables.MIB2, PageTables.MIB2, Linux61.PAGE_KERNEL_LARGE);
        blocks2m.put(va, pa);
    }

    /** Backs one 4 KiB page of struct pages (64 pfns starting at {@code pfn}) with physical {@code pa}. */
    void populatePage(long pfn, long pa) {
        long va = vmemmapOf(pfn);
        tables.map(va, pa, PAGE_SIZE, PAGE_SIZE, Linux61.PAGE_KERNEL);
        pages4k.put(va, pa);
    }

    /** True if the struct page of {@code pfn} has backing memory. */
    boolean isPopulated(long pfn) {
        long va = vmemmapOf(pfn);
        return blocks2m.containsKey(va & -PageTables.MIB2) || pages4k.containsKey(va & -PAGE_SIZE);
    }

    /**
     * Backs the struct pages of [firstPfn, endPfn) with physical memory laid out linearly, where
     * {@code physOfVa} gives the backing of each 4 KiB of vmemmap: 2 MiB pages where the vmemmap
     * block lies wholly in the range and its backing is 2 MiB aligned, 4 KiB pages elsewhere.
     */
    void populateRange(long firstPfn, long endPfn, java.util.function.LongUnaryOperator physOfVa) {
        long va = vmemmapOf(firstPfn);
        long end = vmemmapOf(endPfn);
        while (va < end) {
            long pa = physOfVa.applyAsLong(va);
            long pfn = (va - Linux61.VMEMMAP_BASE) / Linux61.PAGE_STRUCT_SIZE;
            if ((va & (PageTables.MIB2 - 1)) == 0 && va + PageTables.MIB2 <= end
                    && (pa & (PageTables.MIB2 - 1)) == 0 && !isPopulated(pfn)) {
                populateBlock(pfn, pa);
                va += PageTables.MIB2;
            } else {
                populatePage(pfn, pa);
                va += PAGE_SIZE;
            }
        }
    }

    /** Physical address of the struct page of {@code pfn}. */
    long structPage(long pfn) {
        long va = vmemmapOf(pfn);
        Long b = blocks2m.get(va & -PageTables.MIB2);
        if (b != null) {
            return b + (va & (PageTables.MIB2 - 1));
        }
        Long p = pages4k.get(va & -PAGE_SIZE);
        if (p != null) {
            return p + (va & (PAGE_SIZE - 1));
        }
        throw new IllegalStateException("no memmap for pfn 0x" + Long.toHexString(pfn));
    }
}

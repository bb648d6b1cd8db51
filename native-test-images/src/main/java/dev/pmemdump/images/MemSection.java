package dev.pmemdump.images;

import static dev.pmemdump.images.Linux61.*;

import java.util.function.LongSupplier;

/**
 * SPARSEMEM_EXTREME's {@code mem_section}: a root array of NR_SECTION_ROOTS pointers (what
 * SYMBOL(mem_section) points to), each to a page of 128 32-byte {@code struct mem_section}. A present
 * section's section_mem_map is its mem_map minus its first pfn (sparse_encode_mem_map), which with
 * a virtual memmap is vmemmap_base itself, or-ed with the section flags.
 */
final class MemSection {
    private final MemoryImage ram;
    private final long rootPa;
    private final LongSupplier newPage;
    private final LongSupplier newUsage;

    /**
     * @param rootPa physical address of the root array (NR_SECTION_ROOTS * 8 bytes, zeroed)
     * @param newPage allocates a zeroed page for a root's sections
     * @param newUsage allocates a zeroed struct mem_section_usage
     */
    MemSection(MemoryImage ram, long rootPa, LongSupplier newPage, LongSupplier newUsage) {
        this.ram = ram;
        this.rootPa = rootPa;
        this.newPage = newPage;
        this.newUsage = newUsage;
    }

    /** The value of the kernel's {@code mem_section} pointer: the root array's direct-map address. */
    long rootVa() {
        return directMap(rootPa);
    }

    static long rootArrayBytes() {
        return NR_SECTION_ROOTS * 8;
    }

    /** True once section {@code nr} is present. */
    boolean isPresent(long nr) {
        long rootEntry = ram.getLong(rootPa + (nr / SECTIONS_PER_ROOT) * 8);
        return rootEntry != 0
                && ram.getLong(rootEntry - PAGE_OFFSET + (nr % SECTIONS_PER_ROOT) * MEM_SECTION_SIZE) != 0;
    }

    /**
     * Marks section {@code nr} present with a memmap in the vmemmap, its 2 MiB subsections in
     * {@code subsections} (bit i = subsection i) and the given state {@code flags}.
     */
    void addSection(long nr, long flags, long subsections) {
        long slot = rootPa + (nr / SECTIONS_PER_ROOT) * 8;
        long rootEntry = ram.getLong(slot);
        long page;
        if (rootEntry == 0) {
            page = newPage.getAsLong();
            ram.putLong(slot, directMap(page));
        } else {
            page = rootEntry - PAGE_OFFSET;
        }
        long ms = page + (nr % SECTIONS_PER_ROOT) * MEM_SECTION_SIZE;
        long existing = ram.getLong(ms + MEM_SECTION_USAGE);
        if (existing != 0) {
            // another namespace already hot-added subsections of this section
            long usage = existing - PAGE_OFFSET;
            ram.putLong(usage, ram.getLong(usage) | subsections);
            ram.putLong(ms + MEM_SECTION_MEM_MAP, ram.getLong(ms + MEM_SECTION_MEM_MAP) | flags);
            return;
        }
        long usage = newUsage.getAsLong();
        ram.putLong(usage, subsections);
        ram.putLong(ms + MEM_SECTION_MEM_MAP, VMEMMAP_BASE | flags);
        ram.putLong(ms + MEM_SECTION_USAGE, directMap(usage));
    }
}

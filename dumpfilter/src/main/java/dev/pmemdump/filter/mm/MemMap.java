package dev.pmemdump.filter.mm;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the {@code struct page} of each pfn lies: the SPARSEMEM_EXTREME {@code mem_section} walk of
 * makedumpfile (docs/dump-formats.md §4.3). One entry per memory section, like makedumpfile's
 * {@code mem_map_data}; sections that are absent have no mem_map.
 */
public final class MemMap {
    /** Low bits of section_mem_map that are flags, not address (SECTION_MAP_LAST_BIT = 1 << 5). */
    static final long SECTION_MAP_MASK = ~((1L << 5) - 1);
    static final long SECTION_MARKED_PRESENT = 0x1;
    static final int DEFAULT_SECTION_SIZE_BITS = X86_64.SECTION_SIZE_BITS;
    static final int DEFAULT_MAX_PHYSMEM_BITS = X86_64.MAX_PHYSMEM_BITS_L4;

    /** The struct pages of pfns {@code [pfnStart, pfnEnd)} start at kernel virtual {@code memMap}, or 0. */
    public record Section(long pfnStart, long pfnEnd, long memMap) {
        public boolean present() {
            return memMap != 0;
        }
    }

    private final List<Section> sections;

    private MemMap(List<Section> sections) {
        this.sections = List.copyOf(sections);
    }

    /** A memory map already known section by section (sections in pfn order). */
    public static MemMap of(List<Section> sections) {
        return new MemMap(sections);
    }

    public List<Section> sections() {
        return sections;
    }

    /**
     * Walks mem_section for pfns {@code [0, maxMapnr)}.
     *
     * @param pageOffset start of the direct map: a mem_map below it is not a kernel address
     */
    public static MemMap read(VmcoreInfo vi, KernelMemory kmem, long maxMapnr, long pageSize, long pageOffset)
            throws CorruptInputException {
        String src = vi.source();
        long root = vi.symbol("mem_section");
        long sectionSize = vi.size("mem_section");
        long mapOffset = vi.offset("mem_section", "section_mem_map");
        int sectionBits = (int) vi.findNumber("SECTION_SIZE_BITS").orElse(DEFAULT_SECTION_SIZE_BITS);
        int physBits = (int) vi.findNumber("MAX_PHYSMEM_BITS").orElse(DEFAULT_MAX_PHYSMEM_BITS);
        int pageShift = Long.numberOfTrailingZeros(pageSize);
        if (sectionSize <= 0 || sectionSize > pageSize || sectionBits <= pageShift || physBits <= sectionBits
                || physBits > 52) {
            throw new CorruptInputException(src, -1, "impossible sparse memory geometry: SIZE(mem_section)="
                    + sectionSize + ", SECTION_SIZE_BITS=" + sectionBits + ", MAX_PHYSMEM_BITS=" + physBits);
        }
        long pagesPerSection = 1L << (sectionBits - pageShift);
        long sectionsPerRoot = pageSize / sectionSize;
        long nrSections = (maxMapnr + pagesPerSection - 1) / pagesPerSection;
        long pageStruct = vi.size("page");
        List<Section> out = new ArrayList<>();
        long cachedRootIndex = -1;
        long rootPtr = 0;
        for (long nr = 0; nr < nrSections; nr++) {
            long start = nr * pagesPerSection;
            long end = Math.min(start + pagesPerSection, maxMapnr);
            long ri = nr / sectionsPerRoot;
            if (ri != cachedRootIndex) {
                rootPtr = kmem.readLong(root + ri * 8);
                cachedRootIndex = ri;
            }
            long memMap = 0;
            if (rootPtr != 0) {
                long map = kmem.readLong(rootPtr + (nr % sectionsPerRoot) * sectionSize + mapOffset);
                if ((map & SECTION_MARKED_PRESENT) != 0) {
                    // The kernel stores mem_map minus the section's first pfn (sparse_encode_mem_map).
                    long decoded = (map & SECTION_MAP_MASK) + start * pageStruct;
                    if (Long.compareUnsigned(decoded, pageOffset) >= 0) {
                        memMap = decoded;
                    }
                }
            }
            out.add(new Section(start, end, memMap));
        }
        return new MemMap(out);
    }
}

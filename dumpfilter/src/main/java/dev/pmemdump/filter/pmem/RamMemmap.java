package dev.pmemdump.filter.pmem;

import dev.pmemdump.filter.mm.MemMap;
import dev.pmemdump.io.Range;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.xlat.AddressTranslation;
import dev.pmemdump.vmcore.xlat.NotMappedException;

import java.util.ArrayList;
import java.util.List;

/**
 * Case C (docs/rfc.md §3d, {@code --map=mem}): the RAM pages holding the struct pages of a namespace's pfns.
 * The struct page of each pfn is found through {@code mem_section}, its physical page through the
 * page tables. A page is metadata only if every struct page in it belongs to a pmem pfn, so a vmemmap
 * page shared with RAM pfns' struct pages stays RAM. Work is per page-table mapping of the
 * namespace's memmap (O(metadata), never O(pmem)); pmem pages are never read.
 */
public final class RamMemmap {
    private RamMemmap() {}

    /**
     * The physical pfns, in the order of the namespace's pfns, of the RAM pages backing the struct
     * pages of {@code namespace}; pages on a pmem device (case D) and unmapped pages are left out.
     *
     * @param pmem       pfns of the pmem PT_LOADs
     * @param structPage {@code sizeof(struct page)}
     */
    public static List<Range> pages(AddressTranslation xlat, MemMap memMap, long structPage, Range namespace,
                                       List<Range> pmem, long pageSize) throws CorruptInputException {
        List<Range> out = new ArrayList<>();
        for (MemMap.Section s : memMap.sections()) {
            long a = Math.max(namespace.start(), s.pfnStart());
            long b = Math.min(namespace.end(), s.pfnEnd());
            if (a >= b || !s.present()) {
                continue;
            }
            // The 4 KiB pages holding struct pages of [a, b), less an edge page that also holds a
            // struct page of a pfn outside pmem or outside this section's memmap.
            long lo = Math.floorDiv(s.memMap() + (a - s.pfnStart()) * structPage, pageSize) * pageSize;
            long hi = Math.ceilDiv(s.memMap() + (b - s.pfnStart()) * structPage, pageSize) * pageSize;
            if (!onlyPmem(s, lo, pageSize, structPage, pmem)) {
                lo += pageSize;
            }
            if (hi > lo && !onlyPmem(s, hi - pageSize, pageSize, structPage, pmem)) {
                hi -= pageSize;
            }
            for (long va = lo; va < hi; ) {
                long chunk;
                try {
                    AddressTranslation.Mapping m = xlat.translate(va);
                    chunk = Math.min(m.bytesToPageEnd(), hi - va);
                    long pfn = m.physicalAddress() / pageSize;
                    Range phys = new Range(pfn, pfn + chunk / pageSize);
                    if (!overlaps(phys, pmem)) {
                        append(out, phys);
                    }
                } catch (NotMappedException e) {
                    chunk = pageSize; // no backing: nothing to drop here
                }
                va += chunk;
            }
        }
        return out;
    }

    /** True if every struct page overlapping vmemmap page {@code va} is of a pmem pfn in section {@code s}. */
    static boolean onlyPmem(MemMap.Section s, long va, long pageSize, long structPage, List<Range> pmem) {
        long first = s.pfnStart() + Math.floorDiv(va - s.memMap(), structPage);
        long end = s.pfnStart() + Math.ceilDiv(va + pageSize - s.memMap(), structPage);
        if (first < s.pfnStart() || end > s.pfnEnd()) {
            return false;
        }
        for (Range p : pmem) {
            if (p.start() <= first && end <= p.end()) {
                return true;
            }
        }
        return false;
    }

    private static boolean overlaps(Range r, List<Range> ranges) {
        for (Range p : ranges) {
            if (r.start() < p.end() && p.start() < r.end()) {
                return true;
            }
        }
        return false;
    }

    private static void append(List<Range> out, Range r) {
        if (!out.isEmpty() && out.get(out.size() - 1).end() == r.start()) {
            out.set(out.size() - 1, new Range(out.get(out.size() - 1).start(), r.end()));
        } else {
            out.add(r);
        }
    }
}

package dev.pmemdump.filter.pmem;

import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.level.DumpLevel;
import dev.pmemdump.filter.level.PageCounter;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * The RFC's pmem rule done right (docs/rfc.md §3): every page of a pmem PT_LOAD is excluded as user data
 * unless it lies in a metadata range, whatever the other dump-level bits; metadata pages are kept
 * unless bit 0x20 is set. Ranges are half-open pfn ranges, so the last metadata page is metadata
 * (the v3 off-by-one is not repeated). Metadata in RAM (case C: the vmemmap pages of
 * {@code --map=mem} namespaces) is RAM and kept like kernel pages, but bit 0x20 drops it too: the
 * metadata goes wherever it lives. Work is per range, never per pmem page.
 */
public final class PmemPolicy {
    private final List<Range> pmem;
    private final List<Range> metadata;
    private final List<Range> userdata;
    private final List<Range> ramMetadata;

    public PmemPolicy(List<Range> pmemRanges, List<Range> metadataRanges) {
        this(pmemRanges, metadataRanges, List.of());
    }

    /**
     * @param pmemRanges     pfns of the pmem PT_LOADs (PF_DEV)
     * @param metadataRanges pfns of the namespaces' metadata (info block + on-device memmap); parts
     *                       outside pmem are ignored (metadata in RAM is given apart)
     * @param ramMetadata    RAM pfns holding only struct pages of pmem pfns (see {@link RamMemmap});
     *                       parts inside pmem are ignored
     */
    public PmemPolicy(List<Range> pmemRanges, List<Range> metadataRanges, List<Range> ramMetadata) {
        this.pmem = List.copyOf(Range.normalize(pmemRanges));
        List<Range> meta = new ArrayList<>();
        for (Range m : Range.normalize(metadataRanges)) {
            for (Range p : pmem) {
                Range inside = m.intersect(p);
                if (!inside.isEmpty()) {
                    meta.add(inside);
                }
            }
        }
        this.metadata = List.copyOf(Range.normalize(meta));
        this.userdata = List.copyOf(Range.minus(pmem, metadata));
        this.ramMetadata = List.copyOf(Range.minus(ramMetadata, pmem));
    }

    public List<Range> pmem() {
        return pmem;
    }

    /** Metadata ranges inside pmem. */
    public List<Range> metadata() {
        return metadata;
    }

    /** Metadata in RAM (case C): kept like kernel pages unless bit 0x20 is set. */
    public List<Range> ramMetadata() {
        return ramMetadata;
    }

    /** RAM pfns this dump level drops as pmem metadata, which the struct-page scan must leave alone. */
    public List<Range> droppedRam(int dumpLevel) {
        return (dumpLevel & DumpLevel.EXCLUDE_PMEM_META) != 0 ? ramMetadata : List.of();
    }

    /** Pmem that is not metadata: never read, never written. */
    public List<Range> userdata() {
        return userdata;
    }

    /** Marks every pmem pfn in {@code bitmap}. */
    public void markPmem(PageBitmap bitmap) {
        for (Range r : pmem) {
            bitmap.setRange(r.start(), r.end());
        }
    }

    /**
     * Excludes the pmem pfns of {@code [from, to)} this level drops that are still in {@code dumpable},
     * through the ledger. Only the bitmap is consulted: no page content and no struct page is read.
     */
    public void apply(long from, long to, int dumpLevel, PageBitmap dumpable, ExclusionLedger ledger) {
        for (Range r : userdata) {
            exclude(r, from, to, dumpable, ledger, PageCounter.PMEM_USERDATA);
        }
        if ((dumpLevel & DumpLevel.EXCLUDE_PMEM_META) != 0) {
            for (Range r : metadata) {
                exclude(r, from, to, dumpable, ledger, PageCounter.PMEM_METADATA);
            }
            for (Range r : ramMetadata) {
                exclude(r, from, to, dumpable, ledger, PageCounter.PMEM_METADATA);
            }
        }
    }

    private static void exclude(Range r, long from, long to, PageBitmap dumpable, ExclusionLedger ledger,
                                PageCounter reason) {
        ledger.excludeDumpable(dumpable, Math.max(r.start(), from), Math.min(r.end(), to), reason);
    }
}

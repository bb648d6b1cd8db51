package dev.pmemdump.filter.pmem;

import dev.pmemdump.filter.DumpLevel;
import dev.pmemdump.filter.FilterReport;
import dev.pmemdump.filter.page.PageBitmap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The RFC's pmem rule done right (docs/rfc.md §3): every page of a pmem PT_LOAD is excluded as user data
 * unless it lies in a metadata range, whatever the other dump-level bits; metadata pages are kept
 * unless bit 0x20 is set. Ranges are half-open {@code [start, end)} in pfns, so the last metadata
 * page is metadata (the v3 off-by-one is not repeated). Metadata in RAM (case C: the vmemmap pages
 * of {@code --map=mem} namespaces) is RAM and kept like kernel pages, but bit 0x20 drops it too: the
 * metadata goes wherever it lives. Work is per range, never per pmem page.
 */
public final class PmemPolicy {
    /** Pfns {@code [start, end)}. */
    public record PfnRange(long start, long end) {
        public long pages() {
            return end - start;
        }
    }

    private final List<PfnRange> pmem;
    private final List<PfnRange> metadata;
    private final List<PfnRange> userdata;
    private final List<PfnRange> ramMetadata;

    public PmemPolicy(List<PfnRange> pmemRanges, List<PfnRange> metadataRanges) {
        this(pmemRanges, metadataRanges, List.of());
    }

    /**
     * @param pmemRanges     pfns of the pmem PT_LOADs (PF_DEV)
     * @param metadataRanges pfns of the namespaces' metadata (info block + on-device memmap); parts
     *                       outside pmem are ignored (metadata in RAM is given apart)
     * @param ramMetadata    RAM pfns holding only struct pages of pmem pfns (see {@link RamMemmap});
     *                       parts inside pmem are ignored
     */
    public PmemPolicy(List<PfnRange> pmemRanges, List<PfnRange> metadataRanges, List<PfnRange> ramMetadata) {
        this.pmem = normalize(pmemRanges);
        List<PfnRange> meta = new ArrayList<>();
        for (PfnRange m : normalize(metadataRanges)) {
            for (PfnRange p : pmem) {
                long s = Math.max(m.start(), p.start());
                long e = Math.min(m.end(), p.end());
                if (s < e) {
                    meta.add(new PfnRange(s, e));
                }
            }
        }
        this.metadata = normalize(meta);
        this.userdata = minus(pmem, metadata);
        this.ramMetadata = minus(normalize(ramMetadata), pmem);
    }

    /** The parts of sorted, disjoint {@code ranges} outside sorted, disjoint {@code holes}. */
    private static List<PfnRange> minus(List<PfnRange> ranges, List<PfnRange> holes) {
        List<PfnRange> out = new ArrayList<>();
        for (PfnRange r : ranges) {
            long at = r.start();
            for (PfnRange h : holes) {
                if (h.end() <= r.start() || h.start() >= r.end()) {
                    continue;
                }
                if (h.start() > at) {
                    out.add(new PfnRange(at, h.start()));
                }
                at = Math.max(at, h.end());
            }
            if (at < r.end()) {
                out.add(new PfnRange(at, r.end()));
            }
        }
        return List.copyOf(out);
    }

    public List<PfnRange> pmem() {
        return pmem;
    }

    /** Metadata ranges inside pmem. */
    public List<PfnRange> metadata() {
        return metadata;
    }

    /** Metadata in RAM (case C): kept like kernel pages unless bit 0x20 is set. */
    public List<PfnRange> ramMetadata() {
        return ramMetadata;
    }

    /** RAM pfns this dump level drops as pmem metadata, which the struct-page scan must leave alone. */
    public List<PfnRange> droppedRam(int dumpLevel) {
        return (dumpLevel & DumpLevel.EXCLUDE_PMEM_META) != 0 ? ramMetadata : List.of();
    }

    /** Pmem that is not metadata: never read, never written. */
    public List<PfnRange> userdata() {
        return userdata;
    }

    /** Marks every pmem pfn in {@code bitmap}. */
    public void markPmem(PageBitmap bitmap) {
        for (PfnRange r : pmem) {
            bitmap.setRange(r.start(), r.end());
        }
    }

    /**
     * Clears the excluded pmem pfns of {@code [from, to)} in {@code dumpable} and counts them. Only
     * the bitmap is consulted: no page content and no struct page is read.
     */
    public void apply(long from, long to, int dumpLevel, PageBitmap dumpable, FilterReport counts) {
        for (PfnRange r : userdata) {
            counts.pmemUserdata += clear(r, from, to, dumpable);
        }
        if ((dumpLevel & DumpLevel.EXCLUDE_PMEM_META) != 0) {
            for (PfnRange r : metadata) {
                counts.pmemMetadata += clear(r, from, to, dumpable);
            }
            for (PfnRange r : ramMetadata) {
                counts.pmemMetadata += clear(r, from, to, dumpable);
            }
        }
    }

    private static long clear(PfnRange r, long from, long to, PageBitmap dumpable) {
        long s = Math.max(r.start(), from);
        long e = Math.min(r.end(), to);
        if (s >= e) {
            return 0;
        }
        long n = dumpable.cardinality(s, e);
        dumpable.clearRange(s, e);
        return n;
    }

    private static List<PfnRange> normalize(List<PfnRange> in) {
        List<PfnRange> sorted = new ArrayList<>(in.stream().filter(r -> r.end() > r.start()).toList());
        sorted.sort(Comparator.comparingLong(PfnRange::start));
        List<PfnRange> out = new ArrayList<>();
        for (PfnRange r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() >= r.start()) {
                PfnRange last = out.remove(out.size() - 1);
                out.add(new PfnRange(last.start(), Math.max(last.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }
}

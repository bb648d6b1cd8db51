package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import static dev.pmemdump.images.Linux61.PAGE_SHIFT;
import static dev.pmemdump.images.Linux61.PAGE_SIZE;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.TreeMap;

/**
 * The five counters makedumpfile 1.7.2 prints at {@code -d 31}, as they must come out for a vmcore
 * whose PT_LOADs cover {@code segments}. Pages are classified by what the scenario put there; a page
 * that no class excludes counts as zero-filled if its bytes are all zero.
 *
 * <p>Two variants, both checked against makedumpfile 1.7.2: kdump output (-l, -c), and ELF output
 * (-E) done in one cycle, count every pfn once ({@code eachPfnOnce}). ELF output over several
 * cycles (a cyclic buffer smaller than the bitmap, e.g. {@code --cyclic-buffer 1} or a big machine)
 * rebuilds its bitmap per PT_LOAD and counts pages covered twice (the kernel-text PT_LOAD lies
 * over System RAM) twice ({@code perLoad}), which is why a real vmcore's -E and -l reports differ.
 */
public final class ExpectedReport {
    private ExpectedReport() {}

    /** What a page is, as far as the counters are concerned. */
    public interface Pages {
        /** The makedumpfile counter the page is excluded under at -d 31, or null if it is dumped. */
        String counter(long pfn);

        boolean isZero(long pfn);

        /**
         * Whether the pfn's memory section has a memmap. Counting each pfn once, makedumpfile 1.7.2
         * neither counts nor zero-checks PT_LOAD pages of a section without one (e.g. pmem beyond the
         * namespaces); its per-load ELF writer does zero-check them.
         */
        boolean hasMemmap(long pfn);
    }

    @JsonPropertyOrder({"zero", "nonPrivateCache", "privateCache", "user", "free"})
    public record Counts(long zero, long nonPrivateCache, long privateCache, long user, long free) {
        /** The counter named by its field (the manifest's JSON key), for code that iterates the counters. */
        public long get(String field) {
            return switch (field) {
                case "zero" -> zero;
                case "nonPrivateCache" -> nonPrivateCache;
                case "privateCache" -> privateCache;
                case "user" -> user;
                case "free" -> free;
                default -> throw new IllegalArgumentException("no expected count '" + field + "'");
            };
        }
    }

    /**
     * Both ways of counting, and {@code ramOnly}: each pfn once over the RAM PT_LOADs alone, what a
     * pmem-aware filter reports, since it drops pmem user data unread (pmem zero pages included).
     */
    @JsonPropertyOrder({"eachPfnOnce", "perLoad", "ramOnly"})
    public record Report(Counts eachPfnOnce, Counts perLoad, Counts ramOnly) {}

    /**
     * @param segments    physical [start, end) of each PT_LOAD, in program-header order
     * @param ramSegments the same for the PT_LOADs that are not pmem
     */
    public static Report of(Pages pages, List<Range> segments, List<Range> ramSegments) {
        long[] perLoad = new long[5];
        for (Range seg : segments) {
            Range pfns = seg.scaleOut(PAGE_SIZE);
            count(pages, pfns.start(), pfns.end(), perLoad, false);
        }
        return new Report(eachPfnOnce(pages, segments), counts(perLoad), eachPfnOnce(pages, ramSegments));
    }

    private static Counts eachPfnOnce(Pages pages, List<Range> segments) {
        TreeMap<Long, Long> union = new TreeMap<>();
        for (Range seg : segments) {
            Range pfns = seg.scaleOut(PAGE_SIZE);
            union.merge(pfns.start(), pfns.end(), Math::max);
        }
        long[] once = new long[5];
        long covered = 0;
        for (var e : union.entrySet()) {
            long first = Math.max(e.getKey(), covered);
            if (e.getValue() > first) {
                count(pages, first, e.getValue(), once, true);
                covered = e.getValue();
            }
        }
        return counts(once);
    }

    private static final List<String> ORDER = List.of("zero", "nonPrivateCache", "privateCache", "user", "free");

    private static void count(Pages pages, long first, long end, long[] into, boolean memmapOnly) {
        for (long pfn = first; pfn < end; pfn++) {
            if (memmapOnly && !pages.hasMemmap(pfn)) {
                continue;
            }
            String c = pages.counter(pfn);
            if (c == null) {
                c = pages.isZero(pfn) ? "zero" : null;
            }
            if (c != null) {
                into[ORDER.indexOf(c)]++;
            }
        }
    }

    private static Counts counts(long[] v) {
        return new Counts(v[0], v[1], v[2], v[3], v[4]);
    }
}

package dev.pmemdump.filter.report;

import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Why each page left the dump, as the {@code ExclusionLedger} was told it, as pfn spans {@code [from, to)}
 * of one {@link SpanKind}. Only a run with {@code --html-report} has one. A span that continues the
 * previous one with the same kind extends it, so a buddy block, a cycle's zero pages in a row or a
 * pmem range is one entry; the spans live in parallel arrays, not one object per page.
 *
 * <p>{@link #map} turns the record into the report's address map: what nobody excluded is what the
 * dump kept.
 */
public final class SpanRecorder {
    private static final SpanKind[] KINDS = SpanKind.values();

    private long[] starts = new long[256];
    private long[] ends = new long[256];
    private byte[] kinds = new byte[256];
    private int count;

    /** Records that {@code [from, to)} was excluded as {@code kind}. */
    public void add(long from, long to, SpanKind kind) {
        if (from >= to) {
            return;
        }
        int last = count - 1;
        if (last >= 0 && ends[last] == from && kinds[last] == kind.ordinal()) {
            ends[last] = to;
            return;
        }
        if (count == starts.length) {
            int n = count * 2;
            starts = Arrays.copyOf(starts, n);
            ends = Arrays.copyOf(ends, n);
            kinds = Arrays.copyOf(kinds, n);
        }
        starts[count] = from;
        ends[count] = to;
        kinds[count] = (byte) kind.ordinal();
        count++;
    }

    /**
     * The address map in bytes, ascending and without overlap. Recorded spans come first (where two
     * overlap the earlier record wins: makedumpfile's -E decides a kernel-text pfn once per PT_LOAD
     * holding it); between them, pfns still {@code readable} were kept (as pmem metadata, as pmem user
     * data, which would be a leak, or as RAM), pfns {@code present} but not readable were dropped by
     * the filter that wrote the input, and the rest are holes, left out of the map.
     */
    public List<ReportModel.Span> map(PageBitmap present, PageBitmap readable, List<Range> pmemMetadata,
                                      List<Range> pmemUserdata, long pageSize) {
        MapBuilder b = new MapBuilder(present, readable, keptKinds(pmemMetadata, pmemUserdata), pageSize);
        long cursor = 0;
        for (int i : ascending()) {
            long s = Math.max(starts[i], cursor);
            if (s >= ends[i]) {
                continue;
            }
            b.gap(cursor, s);
            b.emit(s, ends[i], KINDS[kinds[i]]);
            cursor = ends[i];
        }
        b.gap(cursor, present.size());
        return b.spans;
    }

    /** Span indexes by start, ties in recording order; recording is ascending except across PT_LOADs. */
    private int[] ascending() {
        boolean sorted = true;
        for (int i = 1; i < count && sorted; i++) {
            sorted = starts[i - 1] <= starts[i];
        }
        if (sorted) {
            return IntStream.range(0, count).toArray();
        }
        return IntStream.range(0, count).boxed().sorted(Comparator.comparingLong(i -> starts[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    /** A kept pfn's kind by range, ascending: pmem metadata and user data; RAM elsewhere. */
    private record Kept(long start, long end, SpanKind kind) {}

    private static List<Kept> keptKinds(List<Range> metadata, List<Range> userdata) {
        List<Kept> out = new ArrayList<>();
        metadata.forEach(r -> out.add(new Kept(r.start(), r.end(), SpanKind.PMEM_METADATA_KEPT)));
        userdata.forEach(r -> out.add(new Kept(r.start(), r.end(), SpanKind.PMEM_USERDATA_KEPT)));
        out.sort(Comparator.comparingLong(Kept::start));
        return out;
    }

    /** Emits spans in ascending order, merging neighbours of one kind. */
    private static final class MapBuilder {
        final List<ReportModel.Span> spans = new ArrayList<>();
        private final PageBitmap present;
        private final PageBitmap readable;
        private final List<Kept> kept;
        private final long pageSize;
        private int nextKept;

        MapBuilder(PageBitmap present, PageBitmap readable, List<Kept> kept, long pageSize) {
            this.present = present;
            this.readable = readable;
            this.kept = kept;
            this.pageSize = pageSize;
        }

        /** Fills {@code [from, to)}, which nobody excluded, piece by piece of one kept kind. */
        void gap(long from, long to) {
            long p = from;
            while (p < to) {
                while (nextKept < kept.size() && kept.get(nextKept).end() <= p) {
                    nextKept++;
                }
                Kept k = nextKept < kept.size() ? kept.get(nextKept) : null;
                if (k != null && k.start() <= p) {
                    long e = Math.min(to, k.end());
                    leftOver(p, e, k.kind());
                    p = e;
                } else {
                    long e = k == null ? to : Math.min(to, k.start());
                    leftOver(p, e, SpanKind.RAM_KEPT);
                    p = e;
                }
            }
        }

        private void leftOver(long from, long to, SpanKind keptAs) {
            long p = from;
            while (p < to) {
                long e;
                if (readable.get(p)) {
                    e = Math.min(to, readable.nextClear(p));
                    emit(p, e, keptAs);
                } else if (present.get(p)) {
                    long nextReadable = readable.nextSet(p);
                    e = Math.min(Math.min(to, present.nextClear(p)), nextReadable < 0 ? to : nextReadable);
                    emit(p, e, SpanKind.RAM_EXCLUDED);
                } else {
                    long nextPresent = present.nextSet(p);
                    e = nextPresent < 0 ? to : Math.min(to, nextPresent);
                }
                p = e;
            }
        }

        void emit(long from, long to, SpanKind kind) {
            long s = from * pageSize;
            long e = to * pageSize;
            int last = spans.size() - 1;
            if (last >= 0 && spans.get(last).end() == s && spans.get(last).kind() == kind) {
                spans.set(last, new ReportModel.Span(spans.get(last).start(), e, kind));
            } else {
                spans.add(new ReportModel.Span(s, e, kind));
            }
        }
    }
}

package dev.pmemdump.filter.page;

import java.io.IOException;

/**
 * A bitmap over {@code [0, size)} made a window of pfns at a time, so that no more than one window's
 * bits need be held: makedumpfile's cyclic bitmaps in our design. Windows are {@code [k w, (k+1) w)}
 * for {@code w = }{@link #windowPfns()}, the last one cut at the size.
 */
public interface WindowedBitmap {
    /** Whole 1 MiB pieces of bitmap, so a bitmap written window by window makes the writes of one written whole. */
    long WINDOW_PFNS = (long) PageBitmap.WRITE_PIECE * Byte.SIZE;

    long size();

    long windowPfns();

    /**
     * The bits of the window holding {@code pfn} (valid over that window, clear elsewhere), good until the
     * next call. Windows are best asked for in increasing order: an earlier one may have to be made again.
     */
    PageBitmap window(long pfn) throws IOException;

    /** A bitmap already held whole: one window. */
    static WindowedBitmap of(PageBitmap whole) {
        return new WindowedBitmap() {
            @Override
            public long size() {
                return whole.size();
            }

            @Override
            public long windowPfns() {
                return Math.max(1, whole.size());
            }

            @Override
            public PageBitmap window(long pfn) {
                return whole;
            }
        };
    }

    default long windowStart(long pfn) {
        return pfn - pfn % windowPfns();
    }

    default long windowEnd(long pfn) {
        return Math.min(size(), windowStart(pfn) + windowPfns());
    }

    /** Number of set bits in {@code [from, to)}, window by window. */
    default long cardinality(long from, long to) throws IOException {
        long n = 0;
        for (long p = Math.max(0, from); p < Math.min(to, size()); p = windowEnd(p)) {
            n += window(p).cardinality(p, Math.min(to, windowEnd(p)));
        }
        return n;
    }

    /** The first set pfn in {@code [from, to)}, or -1. */
    default long nextSet(long from, long to) throws IOException {
        for (long p = Math.max(0, from); p < Math.min(to, size()); p = windowEnd(p)) {
            long found = window(p).nextSet(p);
            if (found >= 0 && found < Math.min(to, windowEnd(p))) {
                return found;
            }
        }
        return -1;
    }
}

package dev.pmemdump.filter.level;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/** The pages of one run excluded under each {@link PageCounter}: an immutable snapshot. */
public final class PageCounts {
    private static final PageCounter[] COUNTERS = PageCounter.values();
    public static final PageCounts NONE = new PageCounts(new long[COUNTERS.length]);

    private final long[] counts;

    private PageCounts(long[] counts) {
        this.counts = counts;
    }

    /** A snapshot of {@code counts}, indexed by {@link PageCounter#ordinal()}. */
    public static PageCounts of(long[] counts) {
        if (counts.length != COUNTERS.length) {
            throw new IllegalArgumentException("expected " + COUNTERS.length + " counters, got " + counts.length);
        }
        return new PageCounts(counts.clone());
    }

    public long get(PageCounter c) {
        return counts[c.ordinal()];
    }

    /** makedumpfile's "Excluded pages": the sum of every counter. */
    public long excluded() {
        return Arrays.stream(counts).sum();
    }

    /** Every counter in print order. */
    public Map<PageCounter, Long> asMap() {
        Map<PageCounter, Long> m = new EnumMap<>(PageCounter.class);
        for (PageCounter c : COUNTERS) {
            m.put(c, counts[c.ordinal()]);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageCounts p && Arrays.equals(counts, p.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}

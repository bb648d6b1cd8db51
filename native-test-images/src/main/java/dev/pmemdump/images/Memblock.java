package dev.pmemdump.images;

import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;

/**
 * The boot-time allocator: hands out RAM top-down (like memblock's default direction) from what is
 * neither reserved nor allocated yet. Everything it hands out is kernel-owned memory.
 */
final class Memblock {
    /** Free physical ranges [start, end), ascending and disjoint. */
    private final List<Range> free = new ArrayList<>();

    Memblock(List<Range> ram) {
        free.addAll(ram);
    }

    /** Takes [start, end) out of the free ranges (kernel image, crashkernel, firmware areas). */
    void reserve(long start, long end) {
        // not Range.minus: that would merge touching ranges, which memblock keeps apart
        List<Range> next = new ArrayList<>();
        for (Range f : free) {
            if (f.end() <= start || f.start() >= end) {
                next.add(f);
                continue;
            }
            if (f.start() < start) {
                next.add(new Range(f.start(), start));
            }
            if (f.end() > end) {
                next.add(new Range(end, f.end()));
            }
        }
        free.clear();
        free.addAll(next);
    }

    /** Allocates {@code size} bytes aligned to {@code align}, highest address first, below {@code limit}. */
    long alloc(long size, long align, long limit) {
        for (int i = free.size() - 1; i >= 0; i--) {
            Range f = free.get(i);
            long top = Math.min(f.end(), limit);
            long start = (top - size) & -align;
            if (top - size >= f.start() && start >= f.start()) {
                reserve(start, start + size);
                return start;
            }
        }
        throw new IllegalArgumentException("RAM too small: cannot allocate 0x" + Long.toHexString(size)
                + " bytes of kernel memory below 0x" + Long.toHexString(limit));
    }

    long alloc(long size, long align) {
        return alloc(size, align, Long.MAX_VALUE);
    }

    long allocPage() {
        return alloc(Linux61.PAGE_SIZE, Linux61.PAGE_SIZE);
    }

    /** What is still free: the pages the page allocator gets at the end of boot. */
    List<Range> freeRanges() {
        return List.copyOf(free);
    }
}

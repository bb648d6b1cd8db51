package dev.pmemdump.images;

import java.util.ArrayList;
import java.util.List;

/**
 * The boot-time allocator: hands out RAM top-down (like memblock's default direction) from what is
 * neither reserved nor allocated yet. Everything it hands out is kernel-owned memory.
 */
final class Memblock {
    /** Free physical ranges [start, end), ascending and disjoint. */
    private final List<long[]> free = new ArrayList<>();

    Memblock(List<long[]> ram) {
        for (long[] r : ram) {
            free.add(new long[] {r[0], r[1]});
        }
    }

    /** Takes [start, end) out of the free ranges (kernel image, crashkernel, firmware areas). */
    void reserve(long start, long end) {
        List<long[]> next = new ArrayList<>();
        for (long[] f : free) {
            if (f[1] <= start || f[0] >= end) {
                next.add(f);
                continue;
            }
            if (f[0] < start) {
                next.add(new long[] {f[0], start});
            }
            if (f[1] > end) {
                next.add(new long[] {end, f[1]});
            }
        }
        free.clear();
        free.addAll(next);
    }

    /** Allocates {@code size} bytes aligned to {@code align}, highest address first, below {@code limit}. */
    long alloc(long size, long align, long limit) {
        for (int i = free.size() - 1; i >= 0; i--) {
            long[] f = free.get(i);
            long top = Math.min(f[1], limit);
            long start = (top - size) & -align;
            if (top - size >= f[0] && start >= f[0]) {
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
    List<long[]> freeRanges() {
        return List.copyOf(free);
    }
}

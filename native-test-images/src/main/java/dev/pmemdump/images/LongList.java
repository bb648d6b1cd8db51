package dev.pmemdump.images;

import java.util.Arrays;

/** A growable list of primitive longs (pfns), without boxing a million of them. */
final class LongList {
    private long[] values = new long[64];
    private int size;

    void add(long v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    long get(int i) {
        if (i >= size) {
            throw new IndexOutOfBoundsException(i);
        }
        return values[i];
    }

    int size() {
        return size;
    }
}

package dev.pmemdump.io;

/** A half-open range {@code [start, end)} of file offsets or addresses. */
public record Extent(long start, long end) {
    public Extent {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad extent [0x" + Long.toHexString(start) + ", 0x"
                    + Long.toHexString(end) + ")");
        }
    }

    public long length() {
        return end - start;
    }
}

package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;

import java.lang.foreign.MemorySegment;

/**
 * The nvdimm checksum ({@code nd_fletcher64}, drivers/nvdimm/core.c): a 32-bit running sum of
 * little-endian u32 words and a 64-bit sum of those running sums. Index blocks, v1.2 labels and
 * every 4 KiB info block (pfn, dax, btt) use it with their own checksum field read as zero.
 */
public final class Fletcher64 {
    private Fletcher64() {}

    /**
     * Checksum of {@code seg} (length a multiple of 4) with the 8 bytes at {@code checksumOffset}
     * counted as zero, so a read-only mapping can be verified in place.
     */
    public static long of(MemorySegment seg, long checksumOffset) {
        long len = seg.byteSize() & ~3L;
        int lo = 0;
        long hi = 0;
        for (long i = 0; i < len; i += 4) {
            int w = (i >= checksumOffset && i < checksumOffset + 8) ? 0 : seg.get(Bytes.LE_U32, i);
            lo += w;
            hi += Integer.toUnsignedLong(lo);
        }
        return (hi << 32) | Integer.toUnsignedLong(lo);
    }

    /** Checksum of all of {@code seg}. */
    public static long of(MemorySegment seg) {
        return of(seg, Long.MAX_VALUE - 8);
    }
}

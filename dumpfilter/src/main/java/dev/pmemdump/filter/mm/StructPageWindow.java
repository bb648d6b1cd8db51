package dev.pmemdump.filter.mm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The bytes of up to {@value PageClassifier#PGMM_CACHED} struct pages and the same bytes as 64-bit
 * words in the kernel's byte order, converted once per window: the classifier reads three to five
 * fields of every struct page, and an array element costs a tenth of a {@link MemorySegment} access
 * with the C1 compiler the installed command runs.
 */
final class StructPageWindow {
    private final byte[] bytes;
    private final long[] words;
    private final MemorySegment segment;
    private final ValueLayout.OfLong u64;
    private final ValueLayout.OfInt u32;
    private final boolean little;

    StructPageWindow(int size, ByteOrder order) {
        this.bytes = new byte[size];
        this.words = new long[size / Long.BYTES];
        this.segment = MemorySegment.ofArray(bytes);
        this.u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
        this.u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
        this.little = order == ByteOrder.LITTLE_ENDIAN;
    }

    /** Where the struct pages are read into; {@link #loaded} must follow. */
    MemorySegment segment() {
        return segment;
    }

    /** Converts the first {@code length} bytes read to words. */
    void loaded(long length) {
        MemorySegment.copy(segment, u64, 0, words, 0, (int) (length / Long.BYTES));
    }

    long u64(long at) {
        if ((at & 7) == 0) {
            return words[(int) (at >>> 3)];
        }
        return segment.get(u64, at);
    }

    int u32(long at) {
        if ((at & 3) == 0) {
            long w = words[(int) (at >>> 3)];
            boolean low = ((at & 4) == 0) == little;
            return (int) (low ? w : w >>> 32);
        }
        return segment.get(u32, at);
    }

    int u8(long at) {
        return Byte.toUnsignedInt(bytes[(int) at]);
    }
}

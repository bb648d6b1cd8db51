package dev.pmemdump.filter.page;

import dev.pmemdump.io.ReadableImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The words of a bitmap's mixed chunks left in its file (a kdump-compressed input's bitmaps), read on
 * demand a line of {@value #LINE_CHUNKS} chunks (8 KiB) at a time into a direct-mapped cache of
 * {@value #LINES} lines (256 KiB): a refilter holds that much of each input bitmap whatever its size,
 * where reading it whole cost 32 MiB per TiB of mixed pages.
 *
 * <p>Each thread reading pages has a cache of its own, made once and filled again in place: words handed
 * out are never changed under their reader by another thread, and a miss makes no garbage (lines made
 * anew at each miss lived long enough to be promoted and piled up in the old generation: 98 MiB peak RSS
 * refiltering 1 TiB of mixed RAM). Words handed out are good until this thread's next call, never written.
 */
final class DiskChunks {
    private static final int LINE_CHUNKS = 16;
    private static final int LINES = 32;
    private static final int CHUNK_WORDS = PageBitmap.CHUNK_PFNS / Long.SIZE;
    private static final int LINE_BYTES = LINE_CHUNKS * CHUNK_WORDS * Long.BYTES;

    /** One thread's lines: the first chunk each holds (-1: none) and their words. */
    private static final class Cache {
        final long[] first = new long[LINES];
        final long[][][] words = new long[LINES][LINE_CHUNKS][CHUNK_WORDS];
        final byte[] bytes = new byte[LINE_BYTES];
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);

        Cache() {
            java.util.Arrays.fill(first, -1);
        }
    }

    private final ReadableImage image;
    private final long offset;
    private final long size;
    private final String what;
    private final ThreadLocal<Cache> caches = ThreadLocal.withInitial(Cache::new);

    /** {@code size} bits in on-disk order at {@code offset} of {@code image}, its range checked by the caller. */
    DiskChunks(ReadableImage image, long offset, long size, String what) {
        this.image = image;
        this.offset = offset;
        this.size = size;
        this.what = what;
    }

    /** The words of chunk {@code ci}; a read error (the file changed since it was checked) is unchecked. */
    long[] words(int ci) {
        long first = ci & -(long) LINE_CHUNKS;
        int slot = (int) ((ci / LINE_CHUNKS) % LINES);
        Cache c = caches.get();
        if (c.first[slot] != first) {
            c.first[slot] = -1; // not valid until filled whole
            load(c, slot, first);
            c.first[slot] = first;
        }
        return c.words[slot][(int) (ci - first)];
    }

    private void load(Cache c, int slot, long firstChunk) {
        long fromByte = firstChunk * PageBitmap.CHUNK_PFNS / Byte.SIZE;
        int n = (int) Math.min(LINE_BYTES, (size + 7) / 8 - fromByte);
        try {
            image.read(offset + fromByte, MemorySegment.ofArray(c.bytes).asSlice(0, n), what);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = c.buffer.clear().limit(n);
        long word = fromByte / Long.BYTES;
        long lastWord = (size - 1) >>> 6;
        long tailMask = (size & 63) == 0 ? -1L : (1L << size) - 1; // bits past the size stay clear
        for (long[] w : c.words[slot]) {
            for (int i = 0; i < CHUNK_WORDS; i++, word++) {
                long v = BitmapBytes.nextWord(b); // 0 past the end of the bitmap
                w[i] = word == lastWord ? v & tailMask : v;
            }
        }
    }
}

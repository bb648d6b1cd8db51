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
 * <p>Safe for concurrent readers (pages are read from several threads): a line is an immutable record
 * whose words are filled before it is published through its final field, and two threads missing the
 * same line at once both read it, harmlessly. Words handed out are never written.
 */
final class DiskChunks {
    private static final int LINE_CHUNKS = 16;
    private static final int LINES = 32;

    private record Line(long first, long[][] words) {}

    private final ReadableImage image;
    private final long offset;
    private final long size;
    private final String what;
    private final Line[] lines = new Line[LINES];

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
        Line l = lines[slot];
        if (l == null || l.first != first) {
            l = load(first);
            lines[slot] = l;
        }
        return l.words[(int) (ci - first)];
    }

    private Line load(long firstChunk) {
        long fromByte = firstChunk * PageBitmap.CHUNK_PFNS / Byte.SIZE;
        long length = (size + 7) / 8;
        int n = (int) Math.min((long) LINE_CHUNKS * PageBitmap.CHUNK_PFNS / Byte.SIZE, length - fromByte);
        byte[] bytes = new byte[n];
        try {
            image.read(offset + fromByte, MemorySegment.ofArray(bytes), what);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int chunkWords = PageBitmap.CHUNK_PFNS / Long.SIZE;
        long[][] words = new long[(n + chunkWords * Long.BYTES - 1) / (chunkWords * Long.BYTES)][];
        long word = fromByte / Long.BYTES;
        long lastWord = (size - 1) >>> 6;
        long tailMask = (size & 63) == 0 ? -1L : (1L << size) - 1; // bits past the size stay clear
        for (int c = 0; c < words.length; c++) {
            long[] w = new long[chunkWords];
            for (int i = 0; i < chunkWords && b.hasRemaining(); i++, word++) {
                long v = 0;
                if (b.remaining() >= Long.BYTES) {
                    v = b.getLong();
                } else {
                    for (int k = 0; b.hasRemaining(); k++) {
                        v |= (b.get() & 0xffL) << (8 * k);
                    }
                }
                w[i] = word == lastWord ? v & tailMask : v;
            }
            words[c] = w;
        }
        return new Line(firstChunk, words);
    }
}

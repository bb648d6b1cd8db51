package dev.pmemdump.filter.page;

import dev.pmemdump.io.ReadableImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A {@link PageBitmap} as bytes in a file, makedumpfile's on-disk order (byte {@code pfn / 8}, bit
 * {@code pfn % 8}, LSB first, i.e. little-endian 64-bit words): written out and read in a piece at a
 * time, so that no copy of a whole bitmap (32 MiB per TiB) is ever made.
 */
final class BitmapBytes {
    /** Bytes read at a time by {@link #scan}; a multiple of 8, so only the last piece ends inside a word. */
    private static final int READ_PIECE = 64 << 10;

    private BitmapBytes() {}

    /**
     * Writes bytes {@code [fromByte, toByte)} of {@code bm}'s on-disk order at {@code offset + fromByte},
     * zero past its size, in writes of up to {@value PageBitmap#WRITE_PIECE} bytes (one record of a
     * flattened stream) cut where a whole bitmap's writes would be cut when {@code fromByte} is a
     * multiple of that.
     */
    static void write(PageBitmap bm, DumpSink sink, long offset, long fromByte, long toByte) throws IOException {
        if (fromByte % Long.BYTES != 0 || fromByte > toByte) {
            throw new IllegalArgumentException("bitmap bytes [" + fromByte + ", " + toByte + ") do not start on a word");
        }
        ByteBuffer b = ByteBuffer.allocate((int) Math.min(toByte - fromByte, PageBitmap.WRITE_PIECE))
                .order(ByteOrder.LITTLE_ENDIAN);
        long words = (bm.size() + 63) >>> 6;
        for (long done = fromByte; done < toByte; ) {
            int n = (int) Math.min(PageBitmap.WRITE_PIECE, toByte - done);
            b.clear().limit(n);
            for (long i = done / Long.BYTES; b.hasRemaining(); i++) { // pieces start on a word
                long w = i < words ? bm.word(i) : 0;
                if (b.remaining() >= Long.BYTES) {
                    b.putLong(w);
                } else {
                    while (b.hasRemaining()) {
                        b.put((byte) w);
                        w >>>= 8;
                    }
                }
            }
            sink.write(offset + done, b.flip());
            done += n;
        }
    }

    /** Fills {@code bm} from the file; a mixed chunk keeps its words, or stays on disk when {@code bm} has a disk. */
    static PageBitmap scan(PageBitmap bm, ReadableImage image, long offset, String what) throws IOException {
        long size = bm.size();
        long length = (size + 7) / 8;
        ReadableImage.checkRange(image.name(), offset, length, image.size(), what);
        byte[] piece = new byte[READ_PIECE];
        ByteBuffer b = ByteBuffer.wrap(piece).order(ByteOrder.LITTLE_ENDIAN);
        int chunkWords = PageBitmap.CHUNK_WORDS;
        long[] chunk = new long[chunkWords];
        long lastWord = (size - 1) >>> 6;
        long tailMask = (size & 63) == 0 ? -1L : (1L << size) - 1; // bits past the size stay clear
        long word = 0;
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(READ_PIECE, length - done);
            image.read(offset + done, MemorySegment.ofArray(piece).asSlice(0, n), what);
            b.clear().limit(n);
            while (b.hasRemaining()) {
                long w = nextWord(b);
                chunk[(int) (word & (chunkWords - 1))] = word == lastWord ? w & tailMask : w;
                if ((++word & (chunkWords - 1)) == 0) {
                    int ci = (int) ((word - 1) >>> PageBitmap.WORD_SHIFT);
                    bm.keep(ci, chunk);
                    chunk = bm.holds(ci, chunk) ? new long[chunkWords] : chunk; // words not kept are reused
                }
            }
            done += n;
        }
        if ((word & (chunkWords - 1)) != 0) {
            Arrays.fill(chunk, (int) (word & (chunkWords - 1)), chunkWords, 0); // a reused chunk's words
            bm.keep((int) (word >>> PageBitmap.WORD_SHIFT), chunk);
        }
        return bm;
    }

    /** The next word of on-disk bits in little-endian {@code b}; past its last byte the bits are clear. */
    static long nextWord(ByteBuffer b) {
        if (b.remaining() >= Long.BYTES) {
            return b.getLong();
        }
        long w = 0;
        for (int k = 0; b.hasRemaining(); k++) {
            w |= (b.get() & 0xffL) << (8 * k);
        }
        return w;
    }
}

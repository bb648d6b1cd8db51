package dev.pmemdump.filter.page;

import dev.pmemdump.io.ReadableImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One bit per page frame number, stored the way makedumpfile's bitmaps lie on disk: byte
 * {@code pfn / 8}, bit {@code pfn % 8} (LSB first). Little-endian 64-bit words give exactly that
 * order, so the words can be copied to and from a dump without reshuffling bits. Costs one bit per
 * pfn: 32 MiB per TiB of physical address space (268M pfns of 4 KiB).
 */
public final class PageBitmap {
    /** Bytes read at a time by {@link #read}; a multiple of 8, so only the last piece ends inside a word. */
    private static final int READ_PIECE = 64 << 10;

    private final long size;
    private final long[] words;

    public PageBitmap(long size) {
        if (size < 0 || (size + 63) / 64 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bitmap of " + size + " pages is too large");
        }
        this.size = size;
        this.words = new long[(int) ((size + 63) >>> 6)];
    }

    /** Number of pfns the bitmap covers: {@code [0, size)}. */
    public long size() {
        return size;
    }

    public boolean get(long pfn) {
        return pfn >= 0 && pfn < size && (words[(int) (pfn >>> 6)] & (1L << pfn)) != 0;
    }

    public void set(long pfn) {
        checkIndex(pfn);
        words[(int) (pfn >>> 6)] |= 1L << pfn;
    }

    public void clear(long pfn) {
        checkIndex(pfn);
        words[(int) (pfn >>> 6)] &= ~(1L << pfn);
    }

    /** Sets {@code [from, to)}, clipped to the bitmap. */
    public void setRange(long from, long to) {
        applyRange(from, to, true);
    }

    /** Clears {@code [from, to)}, clipped to the bitmap. */
    public void clearRange(long from, long to) {
        applyRange(from, to, false);
    }

    private void applyRange(long from, long to, boolean set) {
        long s = Math.max(0, from);
        long e = Math.min(to, size);
        while (s < e) {
            int w = (int) (s >>> 6);
            long bitsHere = Math.min(e - s, 64 - (s & 63));
            long mask = (bitsHere == 64 ? -1L : ((1L << bitsHere) - 1)) << (s & 63);
            words[w] = set ? words[w] | mask : words[w] & ~mask;
            s += bitsHere;
        }
    }

    /** Number of set bits. */
    public long cardinality() {
        long n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    /** Number of set bits in {@code [from, to)}. */
    public long cardinality(long from, long to) {
        long s = Math.max(0, from);
        long e = Math.min(to, size);
        long n = 0;
        while (s < e) {
            int w = (int) (s >>> 6);
            long bitsHere = Math.min(e - s, 64 - (s & 63));
            long mask = (bitsHere == 64 ? -1L : ((1L << bitsHere) - 1)) << (s & 63);
            n += Long.bitCount(words[w] & mask);
            s += bitsHere;
        }
        return n;
    }

    /** The first set pfn at or after {@code from}, or -1. */
    public long nextSet(long from) {
        if (from < 0) {
            from = 0;
        }
        if (from >= size) {
            return -1;
        }
        int i = (int) (from >>> 6);
        long w = words[i] & (-1L << from);
        while (true) {
            if (w != 0) {
                long p = ((long) i << 6) + Long.numberOfTrailingZeros(w);
                return p < size ? p : -1;
            }
            if (++i == words.length) {
                return -1;
            }
            w = words[i];
        }
    }

    /** The first clear pfn at or after {@code from}, or {@link #size()} when none is. */
    public long nextClear(long from) {
        if (from < 0) {
            from = 0;
        }
        if (from >= size) {
            return size;
        }
        int i = (int) (from >>> 6);
        long w = ~words[i] & (-1L << from);
        while (true) {
            if (w != 0) {
                return Math.min(size, ((long) i << 6) + Long.numberOfTrailingZeros(w));
            }
            if (++i == words.length) {
                return size;
            }
            w = ~words[i];
        }
    }

    public PageBitmap copy() {
        PageBitmap c = new PageBitmap(size);
        System.arraycopy(words, 0, c.words, 0, words.length);
        return c;
    }

    /** Bitwise AND with {@code other} (same size). */
    public void and(PageBitmap other) {
        for (int i = 0; i < words.length; i++) {
            words[i] &= i < other.words.length ? other.words[i] : 0;
        }
    }

    /**
     * The bitmap as {@code length} bytes in on-disk order, zero-padded past {@link #size()}
     * (makedumpfile rounds each bitmap up to whole blocks).
     */
    public ByteBuffer toBytes(int length) {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < words.length && b.remaining() >= 8; i++) {
            b.putLong(words[i]);
        }
        int i = b.position() / 8;
        if (i < words.length) {
            long w = words[i];
            while (b.hasRemaining()) {
                b.put((byte) w);
                w >>>= 8;
            }
        }
        return b.clear();
    }

    /**
     * Reads {@code size} bits in on-disk order from {@code image} at {@code offset}, a piece at a time so
     * that no copy of the whole bitmap is made.
     */
    public static PageBitmap read(ReadableImage image, long offset, long size, String what) throws IOException {
        PageBitmap bm = new PageBitmap(size);
        long length = (size + 7) / 8;
        ReadableImage.checkRange(image.name(), offset, length, image.size(), what);
        byte[] piece = new byte[READ_PIECE];
        ByteBuffer b = ByteBuffer.wrap(piece).order(ByteOrder.LITTLE_ENDIAN);
        int word = 0;
        for (long done = 0; done < length; ) {
            int n = (int) Math.min(READ_PIECE, length - done);
            image.read(offset + done, MemorySegment.ofArray(piece).asSlice(0, n), what);
            b.clear().limit(n);
            while (b.remaining() >= Long.BYTES) {
                bm.words[word++] = b.getLong();
            }
            for (int k = 0; b.hasRemaining(); k++) { // the last, partial word
                bm.words[word] |= (b.get() & 0xffL) << (8 * k);
            }
            done += n;
        }
        if ((size & 63) != 0 && bm.words.length > 0) {
            bm.words[bm.words.length - 1] &= (1L << size) - 1;
        }
        return bm;
    }

    private void checkIndex(long pfn) {
        if (pfn < 0 || pfn >= size) {
            throw new IndexOutOfBoundsException("pfn 0x" + Long.toHexString(pfn) + " outside bitmap of 0x"
                    + Long.toHexString(size) + " pages");
        }
    }
}

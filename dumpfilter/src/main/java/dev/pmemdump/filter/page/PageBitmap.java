package dev.pmemdump.filter.page;

import dev.pmemdump.io.ReadableImage;

import java.io.IOException;
import java.util.ArrayDeque;

/**
 * One bit per page frame number, in the order makedumpfile's bitmaps lie on disk: byte {@code pfn / 8},
 * bit {@code pfn % 8} (LSB first), which little-endian 64-bit words give without reshuffling bits.
 *
 * <p>Stored in chunks of {@value #CHUNK_PFNS} pfns (16 MiB of memory): a chunk whose bits are all
 * clear or all set holds no words (memory holes, pmem decided by range, whole free or present
 * ranges), the others 512 bytes each. So a bitmap costs 256 KiB per TiB of physical address space
 * plus 32 MiB per TiB of mixed pages (268M pfns of 4 KiB), instead of 32 MiB per TiB whatever
 * the content: large pmem ranges cost next to nothing.
 */
public final class PageBitmap {
    private static final int CHUNK_SHIFT = 12;
    static final int CHUNK_PFNS = 1 << CHUNK_SHIFT;
    static final int CHUNK_WORDS = CHUNK_PFNS / 64;
    static final int WORD_SHIFT = CHUNK_SHIFT - 6;
    /** The words of every all-set chunk: shared, never written (a write copies it first). */
    private static final long[] ALL_SET = filled(-1L);
    /** Marks a mixed chunk whose words stay in the file ({@link #disk}); never read or written itself. */
    private static final long[] ON_DISK = new long[0];
    /** Most bytes of one write by {@link #writeTo}: a bitmap of up to 8M pfns (32 GiB) is one write. */
    public static final int WRITE_PIECE = 1 << 20;

    private final long size;
    /** Per chunk: null (all clear), {@link #ALL_SET}, {@link #ON_DISK} or its own words. */
    private final long[][] chunks;
    /** Where the {@link #ON_DISK} chunks' words are read; null for a bitmap held in memory. */
    private final DiskChunks disk;
    /**
     * Words no chunk uses any more, handed out again before new ones are made; null unless the bitmap is
     * a window moved along ({@link #load}), whose words would otherwise live long enough to be promoted
     * and pile up in the old generation (121 MiB peak RSS on 1 TiB of mixed RAM).
     */
    private ArrayDeque<long[]> spare;

    public PageBitmap(long size) {
        this(size, null);
    }

    private PageBitmap(long size, DiskChunks disk) {
        if (size < 0 || (size + CHUNK_PFNS - 1) >>> CHUNK_SHIFT > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("bitmap of " + size + " pages is too large");
        }
        this.size = size;
        this.chunks = new long[(int) ((size + CHUNK_PFNS - 1) >>> CHUNK_SHIFT)][];
        this.disk = disk;
    }

    /** Number of pfns the bitmap covers: {@code [0, size)}. */
    public long size() {
        return size;
    }

    public boolean get(long pfn) {
        if (pfn < 0 || pfn >= size) {
            return false;
        }
        int ci = (int) (pfn >>> CHUNK_SHIFT);
        long[] c = chunks[ci];
        if (c == ON_DISK) {
            c = disk.words(ci);
        }
        return c != null && (c[(int) (pfn >>> 6) & (CHUNK_WORDS - 1)] & (1L << pfn)) != 0;
    }

    public void set(long pfn) {
        checkIndex(pfn);
        own((int) (pfn >>> CHUNK_SHIFT))[(int) (pfn >>> 6) & (CHUNK_WORDS - 1)] |= 1L << pfn;
    }

    public void clear(long pfn) {
        checkIndex(pfn);
        own((int) (pfn >>> CHUNK_SHIFT))[(int) (pfn >>> 6) & (CHUNK_WORDS - 1)] &= ~(1L << pfn);
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
            int ci = (int) (s >>> CHUNK_SHIFT);
            long chunkStart = (long) ci << CHUNK_SHIFT;
            long chunkEnd = chunkStart + CHUNK_PFNS;
            long stop = Math.min(e, chunkEnd);
            if (s == chunkStart && stop == chunkEnd) {
                release(ci);
                chunks[ci] = set ? ALL_SET : null; // a whole chunk (never the partial last one: e <= size)
            } else if (chunks[ci] != (set ? ALL_SET : null)) {
                long[] c = own(ci);
                for (long p = s; p < stop; ) {
                    long bitsHere = Math.min(stop - p, 64 - (p & 63));
                    long mask = (bitsHere == 64 ? -1L : ((1L << bitsHere) - 1)) << (p & 63);
                    int w = (int) (p >>> 6) & (CHUNK_WORDS - 1);
                    c[w] = set ? c[w] | mask : c[w] & ~mask;
                    p += bitsHere;
                }
            }
            s = stop;
        }
    }

    /** Number of set bits. */
    public long cardinality() {
        return cardinality(0, size);
    }

    /** Number of set bits in {@code [from, to)}. */
    public long cardinality(long from, long to) {
        long s = Math.max(0, from);
        long e = Math.min(to, size);
        long n = 0;
        while (s < e) {
            int ci = (int) (s >>> CHUNK_SHIFT);
            long stop = Math.min(e, ((long) ci + 1) << CHUNK_SHIFT);
            long[] c = resolved(ci);
            if (c == ALL_SET) {
                n += stop - s;
            } else if (c != null) {
                for (long p = s; p < stop; ) {
                    long bitsHere = Math.min(stop - p, 64 - (p & 63));
                    long mask = (bitsHere == 64 ? -1L : ((1L << bitsHere) - 1)) << (p & 63);
                    n += Long.bitCount(c[(int) (p >>> 6) & (CHUNK_WORDS - 1)] & mask);
                    p += bitsHere;
                }
            }
            s = stop;
        }
        return n;
    }

    /** The first set pfn at or after {@code from}, or -1. */
    public long nextSet(long from) {
        return next(from, true);
    }

    /** The first clear pfn at or after {@code from}, or {@link #size()} when none is. */
    public long nextClear(long from) {
        long p = next(from, false);
        return p < 0 ? size : p;
    }

    /** The first pfn at or after {@code from} whose bit is {@code set}, or -1. */
    private long next(long from, boolean set) {
        long p = Math.max(0, from);
        while (p < size) {
            int ci = (int) (p >>> CHUNK_SHIFT);
            long[] c = resolved(ci);
            if (c == (set ? ALL_SET : null)) {
                return p;
            }
            if (c != (set ? null : ALL_SET)) {
                for (int w = (int) (p >>> 6) & (CHUNK_WORDS - 1); w < CHUNK_WORDS; w++) {
                    long bits = (set ? c[w] : ~c[w]) & (-1L << p); // p's low 6 bits matter only in its word
                    if (bits != 0) {
                        long found = ((long) ci << CHUNK_SHIFT) + ((long) w << 6) + Long.numberOfTrailingZeros(bits);
                        return found < size ? found : -1;
                    }
                    p = ((long) ci << CHUNK_SHIFT) + ((long) (w + 1) << 6);
                }
            }
            p = ((long) ci + 1) << CHUNK_SHIFT;
        }
        return -1;
    }

    public PageBitmap copy() {
        PageBitmap c = new PageBitmap(size, disk);
        for (int i = 0; i < chunks.length; i++) {
            long[] src = chunks[i];
            c.chunks[i] = src == null || src == ALL_SET || src == ON_DISK ? src : src.clone();
        }
        return c;
    }

    /** Bitwise AND with {@code other} (same size). */
    public void and(PageBitmap other) {
        for (int i = 0; i < chunks.length; i++) {
            long[] o = i < other.chunks.length ? other.resolved(i) : null;
            long[] c = chunks[i];
            if (c == null || o == ALL_SET) {
                continue;
            }
            if (o == null) {
                release(i);
                chunks[i] = null;
            } else if (c == ALL_SET) {
                chunks[i] = o.clone();
            } else {
                c = own(i);
                for (int w = 0; w < CHUNK_WORDS; w++) {
                    c[w] &= o[w];
                }
            }
        }
    }

    /**
     * Writes the bitmap as {@code length} bytes in on-disk order at {@code offset}, zero-padded past
     * {@link #size()} (makedumpfile rounds each bitmap up to whole blocks), in pieces of at most
     * {@value #WRITE_PIECE} bytes ({@link BitmapBytes#write}).
     */
    public void writeTo(DumpSink sink, long offset, long length) throws IOException {
        BitmapBytes.write(this, sink, offset, 0, length);
    }

    /**
     * Writes bytes {@code [fromByte, toByte)} of the on-disk order at {@code offset + fromByte}: a bitmap
     * written a window at a time makes the same writes as one written whole ({@link BitmapBytes#write}).
     */
    public void writeTo(DumpSink sink, long offset, long fromByte, long toByte) throws IOException {
        BitmapBytes.write(this, sink, offset, fromByte, toByte);
    }

    /** Reads {@code size} bits in on-disk order from {@code image} at {@code offset}, a piece at a time. */
    public static PageBitmap read(ReadableImage image, long offset, long size, String what) throws IOException {
        return BitmapBytes.scan(new PageBitmap(size), image, offset, what);
    }

    /**
     * {@code size} bits in on-disk order left in {@code image} at {@code offset}: read once now, to note
     * which chunks are all clear or all set, then a mixed chunk's words are read again each time they are
     * needed, through a bounded cache, and copied only into a chunk that is written. The image must stay
     * open as long as the bitmap and its copies are used.
     */
    public static PageBitmap onDisk(ReadableImage image, long offset, long size, String what) throws IOException {
        return BitmapBytes.scan(new PageBitmap(size, new DiskChunks(image, offset, size, what)), image, offset, what);
    }

    /**
     * Makes this bitmap (of the same size) hold {@code src}'s bits over {@code [from, to)} and no others,
     * reusing its own words: a window moved along a large bitmap this way makes no garbage, its words
     * are recycled from one window to the next.
     */
    public void load(PageBitmap src, long from, long to) {
        if (src.size != size || from < 0 || to > size || from > to) {
            throw new IllegalArgumentException("cannot load [" + from + ", " + to + ") of a bitmap of " + src.size
                    + " pages into one of " + size);
        }
        if (spare == null) {
            spare = new ArrayDeque<>();
        }
        for (int i = 0; i < chunks.length; i++) {
            release(i);
            chunks[i] = null;
        }
        if (from == to) {
            return;
        }
        int first = (int) (from >>> CHUNK_SHIFT);
        int last = (int) ((to - 1) >>> CHUNK_SHIFT);
        for (int i = first; i <= last; i++) {
            long[] c = src.resolved(i);
            if (c == null || c == ALL_SET) {
                chunks[i] = c;
            } else {
                long[] w = spare.isEmpty() ? new long[CHUNK_WORDS] : spare.pop();
                System.arraycopy(c, 0, w, 0, CHUNK_WORDS);
                chunks[i] = w;
            }
        }
        clearRange((long) first << CHUNK_SHIFT, from);
        clearRange(to, Math.min(size, ((long) last + 1) << CHUNK_SHIFT));
    }

    /** Chunk {@code ci}'s own words, about to be replaced, go back to the spares when this bitmap keeps them. */
    private void release(int ci) {
        long[] c = chunks[ci];
        if (spare != null && c != null && c != ALL_SET && c != ON_DISK) {
            spare.push(c);
        }
    }

    /** Stores a chunk read whole, without words when its bits are all alike. */
    void keep(int ci, long[] words) {
        boolean clear = true;
        boolean set = ((long) ci + 1) << CHUNK_SHIFT <= size; // the partial last chunk has clear tail bits
        for (long w : words) {
            clear &= w == 0;
            set &= w == -1L;
        }
        chunks[ci] = clear ? null : set ? ALL_SET : disk != null ? ON_DISK : words;
    }

    /** Words held in memory: 64 per chunk whose bits are not all alike. */
    long wordsHeld() {
        long n = 0;
        for (long[] c : chunks) {
            n += c == null || c == ALL_SET ? 0 : c.length; // ON_DISK has none
        }
        return n;
    }

    /** True when chunk {@code ci} holds {@code words} themselves (they were kept, not copied). */
    boolean holds(int ci, long[] words) {
        return chunks[ci] == words;
    }

    /** Word {@code i} of the on-disk order (bits {@code 64 i .. 64 i + 63}). */
    long word(long i) {
        long[] c = resolved((int) (i >>> WORD_SHIFT));
        return c == null ? 0 : c[(int) (i & (CHUNK_WORDS - 1))];
    }

    /** Chunk {@code ci} as null, {@link #ALL_SET} or words, read from the file for {@link #ON_DISK}: not to be written. */
    private long[] resolved(int ci) {
        long[] c = chunks[ci];
        return c == ON_DISK ? disk.words(ci) : c;
    }

    /** The words of chunk {@code ci}, made this bitmap's own (writable) first. */
    private long[] own(int ci) {
        long[] c = chunks[ci];
        if (c == ON_DISK) {
            long[] words = disk.words(ci);
            c = spare != null && !spare.isEmpty() ? spare.pop() : new long[CHUNK_WORDS];
            System.arraycopy(words, 0, c, 0, CHUNK_WORDS);
            chunks[ci] = c;
        } else if (c == null || c == ALL_SET) {
            long fill = c == null ? 0 : -1L;
            if (spare != null && !spare.isEmpty()) {
                c = spare.pop();
                java.util.Arrays.fill(c, fill);
            } else {
                c = c == null ? new long[CHUNK_WORDS] : ALL_SET.clone();
            }
            chunks[ci] = c;
        }
        return c;
    }

    private static long[] filled(long value) {
        long[] w = new long[CHUNK_WORDS];
        java.util.Arrays.fill(w, value);
        return w;
    }

    private void checkIndex(long pfn) {
        if (pfn < 0 || pfn >= size) {
            throw new IndexOutOfBoundsException("pfn 0x" + Long.toHexString(pfn) + " outside bitmap of 0x"
                    + Long.toHexString(size) + " pages");
        }
    }
}

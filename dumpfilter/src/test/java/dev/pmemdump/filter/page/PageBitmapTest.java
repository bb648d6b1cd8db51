package dev.pmemdump.filter.page;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.io.ReadableImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every operation agrees with java.util.BitSet, and chunks whose bits are all alike hold no words. */
@UnitTest
class PageBitmapTest {

    @Test
    void agreesWithBitSetUnderRandomOperations() throws IOException {
        Random r = new Random(7);
        for (long size : new long[] {1, 63, 64, 4095, 4096, 4097, 3 * 4096 + 77, 40_000}) {
            PageBitmap bm = new PageBitmap(size);
            BitSet ref = new BitSet();
            for (int op = 0; op < 400; op++) {
                long a = r.nextLong(size + 10) - 5;
                long b = a + (r.nextBoolean() ? r.nextLong(70) : r.nextLong(3 * 4096 + 100));
                int kind = r.nextInt(5);
                long from = Math.max(0, a);
                long to = Math.min(b, size);
                switch (kind) {
                    case 0 -> {
                        bm.setRange(a, b);
                        if (from < to) ref.set((int) from, (int) to);
                    }
                    case 1 -> {
                        bm.clearRange(a, b);
                        if (from < to) ref.clear((int) from, (int) to);
                    }
                    case 2 -> {
                        long p = r.nextLong(size);
                        bm.set(p);
                        ref.set((int) p);
                    }
                    case 3 -> {
                        long p = r.nextLong(size);
                        bm.clear(p);
                        ref.clear((int) p);
                    }
                    default -> {
                        PageBitmap mask = new PageBitmap(size);
                        mask.setRange(from, to);
                        mask.clear(r.nextLong(size));
                        bm.and(mask);
                        BitSet m = new BitSet();
                        if (from < to) m.set((int) from, (int) to);
                        for (int i = m.nextSetBit(0); i >= 0; i = m.nextSetBit(i + 1)) {
                            if (!mask.get(i)) m.clear(i);
                        }
                        ref.and(m);
                    }
                }
                check(bm, ref, size, r);
            }
            PageBitmap copy = bm.copy();
            bm.clearRange(0, size);
            check(copy, ref, size, r);
            int len = (int) ((size + 7) / 8) + 5;
            byte[] bytes = written(copy, len);
            assertArrayEquals(Arrays.copyOf(ref.toByteArray(), len), bytes, "bytes of " + size);
            check(PageBitmap.read(ReadableImage.of(MemorySegment.ofArray(bytes), "bm"), 0, size, "bitmap"),
                    ref, size, r);
        }
    }

    @Test
    void largeBitmapsAreWrittenInPieces() {
        long size = (3L << 22) + 77; // 12M pfns: 1.5 MiB of bits, two writes
        PageBitmap bm = new PageBitmap(size);
        BitSet ref = new BitSet();
        Random r = new Random(3);
        for (int i = 0; i < 2000; i++) {
            long a = r.nextLong(size);
            long b = Math.min(size, a + r.nextInt(20_000));
            bm.setRange(a, b);
            ref.set((int) a, (int) b);
        }
        int len = (int) ((size + 7) / 8) + 4096;
        List<Long> offsets = new ArrayList<>();
        byte[] got = written(bm, len, offsets);
        assertArrayEquals(Arrays.copyOf(ref.toByteArray(), len), got);
        assertEquals(List.of(100L, 100L + PageBitmap.WRITE_PIECE), offsets);
    }

    private static byte[] written(PageBitmap bm, int length) {
        return written(bm, length, new ArrayList<>());
    }

    /** What {@link PageBitmap#writeTo} writes at offset 100, and the offset of each write. */
    private static byte[] written(PageBitmap bm, int length, List<Long> offsets) {
        byte[] out = new byte[length];
        try {
            bm.writeTo(new DumpSink() {
                @Override
                public void write(long offset, ByteBuffer buf) {
                    offsets.add(offset);
                    buf.get(out, (int) (offset - 100), buf.remaining());
                }

                @Override
                public long bytesWritten() {
                    return 0;
                }
            }, 100, length);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static void check(PageBitmap bm, BitSet ref, long size, Random r) {
        assertEquals(ref.cardinality(), bm.cardinality());
        for (int i = 0; i < 30; i++) {
            long p = r.nextLong(size);
            long q = p + r.nextLong(9000);
            assertEquals(ref.get((int) p), bm.get(p), "get " + p);
            int s = ref.nextSetBit((int) p);
            assertEquals(s < 0 || s >= size ? -1 : s, bm.nextSet(p), "nextSet " + p);
            assertEquals(Math.min(size, ref.nextClearBit((int) p)), bm.nextClear(p), "nextClear " + p);
            assertEquals(ref.get((int) p, (int) Math.min(q, size)).cardinality(), bm.cardinality(p, q),
                    "cardinality " + p + ".." + q);
        }
    }

    @Test
    void chunksOfAlikeBitsHoldNoWords() throws IOException {
        long tib = 1L << 28; // pfns of 1 TiB of 4 KiB pages
        PageBitmap bm = new PageBitmap(tib);
        bm.setRange(4096 * 3, tib - 4096);
        assertEquals(0, bm.wordsHeld());
        assertEquals(tib - 4096 * 4, bm.cardinality());
        bm.clear(13_000); // a hole in RAM: only its chunk is held
        bm.clearRange(1L << 20, (1L << 20) + 10);
        assertEquals(2 * 64, bm.wordsHeld());
        PageBitmap copy = bm.copy();
        copy.and(bm);
        assertEquals(2 * 64, copy.wordsHeld());
        assertEquals(bm.cardinality(), copy.cardinality());
        // Read back from on-disk bytes (only the first 1 MiB of pfns, to keep the test small).
        long n = 1L << 20;
        byte[] b = written(bm, (int) (n / 8));
        PageBitmap read = PageBitmap.read(ReadableImage.of(MemorySegment.ofArray(b), "bm"), 0, n, "bitmap");
        assertEquals(64, read.wordsHeld());
        assertEquals(bm.cardinality(0, n), read.cardinality());
    }

    @Test
    void bitmapLeftOnDiskAgreesWithOneReadWholeHoldingNoWords() throws IOException {
        long size = (3L << 20) + 4096 * 5 + 99; // 3M pfns: more lines than its cache holds, a partial last chunk
        Random r = new Random(11);
        PageBitmap src = new PageBitmap(size);
        BitSet ref = new BitSet();
        for (long p = 0; p < size; p += 1 + r.nextInt(200)) {
            src.set(p);
            ref.set((int) p);
        }
        src.setRange(4096 * 7, 4096 * 9); // two all-set chunks, then a hole
        ref.set(4096 * 7, 4096 * 9);
        src.clearRange(4096 * 20, 4096 * 23);
        ref.clear(4096 * 20, 4096 * 23);
        byte[] bytes = written(src, (int) ((size + 7) / 8));
        ReadableImage image = ReadableImage.of(MemorySegment.ofArray(bytes), "bm");
        PageBitmap disk = PageBitmap.onDisk(image, 0, size, "bitmap");
        assertEquals(0, disk.wordsHeld());
        for (int i = 0; i < 20; i++) {
            check(disk, ref, size, r);
        }
        assertArrayEquals(bytes, written(disk, bytes.length));
        IntStream.range(0, 4).parallel().forEach(t -> { // lines are replaced under concurrent readers
            for (long p = t; p < size; p += 4) {
                assertEquals(ref.get((int) p), disk.get(p), "pfn " + p);
            }
        });
        PageBitmap copy = disk.copy(); // writing a copy copies the chunks written, never the file's
        copy.clear(4096 * 30 + 5);
        copy.setRange(4096 * 40, 4096 * 41 + 3);
        copy.and(disk);
        PageBitmap window = new PageBitmap(size);
        window.load(disk, 4096 * 50 + 7, 4096 * 700);
        BitSet w = ref.get(0, 4096 * 700);
        w.clear(0, 4096 * 50 + 7);
        check(window, w, size, r);
        BitSet copied = (BitSet) ref.clone();
        copied.clear(4096 * 30 + 5);
        check(copy, copied, size, r);
        check(disk, ref, size, r); // the file's bits are untouched
    }

    @Test
    void loadedWindowHoldsTheSourceBitsThereOnlyWindowAfterWindow() {
        Random r = new Random(5);
        long size = 9 * 4096 + 123;
        PageBitmap src = new PageBitmap(size);
        BitSet ref = new BitSet();
        for (int i = 0; i < 3000; i++) {
            long p = r.nextLong(size);
            src.set(p);
            ref.set((int) p);
        }
        src.setRange(2 * 4096, 3 * 4096);
        ref.set(2 * 4096, 3 * 4096);
        PageBitmap window = new PageBitmap(size);
        for (int round = 0; round < 50; round++) {
            long from = r.nextLong(size);
            long to = from + r.nextLong(size - from + 1);
            window.load(src, from, to);
            long decided = Math.min(to, from + r.nextInt(5000));
            window.clearRange(from, decided); // a decision changes the window; the next load starts afresh
            for (long p = 0; p < size; p++) {
                assertEquals(p >= decided && p < to && ref.get((int) p), window.get(p), "round " + round + " pfn " + p);
            }
        }
    }
}

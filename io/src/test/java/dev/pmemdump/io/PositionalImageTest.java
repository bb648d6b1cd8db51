package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** Positional reads give the file's bytes whatever the size, alignment and buffer, and hold little. */
@UnitTest
class PositionalImageTest {
    @TempDir
    Path dir;

    /** A file of random bytes, 2.5 MiB plus an odd tail: reads cross blocks and the 1 MiB read limit. */
    private byte[] content(Path file) throws IOException {
        return randomFile(file, (5 << 19) + 123, 11);
    }

    /** {@code size} random bytes from {@code seed}, written to {@code file}. */
    static byte[] randomFile(Path file, int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        Files.write(file, b);
        return b;
    }

    @Test
    void readsEqualTheFileForEveryKindOfBuffer() throws IOException {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        Random r = new Random(5);
        try (PositionalImage img = PositionalImage.open(f); Arena arena = Arena.ofConfined()) {
            assertEquals(want.length, img.size());
            int[] lengths = {1, 8, 24, 4095, 4096, 4097, 10_000, (1 << 20) + 17, want.length};
            for (int len : lengths) {
                for (int i = 0; i < 20; i++) {
                    int off = r.nextInt(want.length - len + 1);
                    byte[] expect = Arrays.copyOfRange(want, off, off + len);
                    byte[] heap = new byte[len];
                    img.read(off, MemorySegment.ofArray(heap), "test");
                    assertArrayEquals(expect, heap, "byte[] read of " + len + " at " + off);
                    MemorySegment nat = arena.allocate(len);
                    img.read(off, nat, "test");
                    assertArrayEquals(expect, nat.toArray(ValueLayout.JAVA_BYTE), "native read of " + len);
                    assertArrayEquals(expect, img.bytes(off, len, "test").toArray(ValueLayout.JAVA_BYTE));
                }
            }
            long[] words = new long[3000]; // a heap segment that is not a byte[]: read through a copy
            img.read(12_345, MemorySegment.ofArray(words), "test");
            assertArrayEquals(Arrays.copyOfRange(want, 12_345, 12_345 + 24_000),
                    MemorySegment.ofArray(words).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void holdsAtMostItsBlockCacheWhateverIsRead() throws IOException {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        try (PositionalImage img = PositionalImage.open(f)) {
            byte[] b = new byte[8];
            for (int off = 0; off + 8 <= want.length; off += 1000) {
                img.read(off, MemorySegment.ofArray(b), "entry");
                assertArrayEquals(Arrays.copyOfRange(want, off, off + 8), b);
            }
            assertEquals((long) PositionalImage.CACHED_BLOCKS * PositionalImage.BLOCK, img.cachedBytes());
            byte[] big = new byte[want.length];
            img.read(0, MemorySegment.ofArray(big), "all");
            assertArrayEquals(want, big);
            assertTrue(img.cachedBytes() <= (long) PositionalImage.CACHED_BLOCKS * PositionalImage.BLOCK);
        }
    }

    @Test
    void concurrentReadersSeeTheSameBytes() throws Exception {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        try (PositionalImage img = PositionalImage.open(f)) {
            readConcurrently(img, want, 2000, (r, i) -> 1 + r.nextInt(i % 2 == 0 ? 64 : 9000));
        }
    }

    /** The length of read {@code i} of a reader drawing from {@code r}. */
    @FunctionalInterface
    interface ReadLength {
        int next(Random r, int i);
    }

    /** Four threads each read {@code reads} times at random offsets; every read must equal the file's bytes. */
    static void readConcurrently(PositionalImage img, byte[] want, int reads, ReadLength length) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Void>> jobs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                jobs.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < reads; i++) {
                        int len = length.next(r, i);
                        int off = r.nextInt(want.length - len);
                        byte[] got = new byte[len];
                        img.read(off, MemorySegment.ofArray(got), "test");
                        assertArrayEquals(Arrays.copyOfRange(want, off, off + len), got);
                    }
                    return null;
                }));
            }
            for (Future<Void> j : jobs) {
                j.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void readsPastTheEndNameTheFileAndOffset() throws IOException {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        try (PositionalImage img = PositionalImage.open(f)) {
            EOFException e = assertThrows(EOFException.class,
                    () -> img.read(want.length - 4, MemorySegment.ofArray(new byte[8]), "page_desc"));
            assertEquals(f + ": offset 0x" + Long.toHexString(want.length - 4) + ": page_desc (0x8 bytes) runs past"
                    + " the end of the file (size 0x" + Long.toHexString(want.length) + ")", e.getMessage());
            assertThrows(EOFException.class, () -> img.bytes(-1, 4, "x"));
        }
        assertThrows(java.nio.file.NoSuchFileException.class, () -> PositionalImage.open(dir.resolve("none")));
    }

    @Test
    void inMemoryImageServesTheSameCalls() throws IOException {
        byte[] b = {1, 2, 3, 4, 5, 6, 7, 8};
        ReadableImage img = ReadableImage.of(MemorySegment.ofArray(b), "hdr");
        byte[] got = new byte[3];
        img.read(5, MemorySegment.ofArray(got), "x");
        assertArrayEquals(new byte[] {6, 7, 8}, got);
        assertEquals(8, img.size());
        assertThrows(EOFException.class, () -> img.bytes(6, 3, "x"));
    }
}

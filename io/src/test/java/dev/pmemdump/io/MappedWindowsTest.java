package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs of pages read through mapped windows: the file's bytes, at most a few windows mapped whatever
 * was read, none after close, and pread's behaviour where a window cannot serve a read.
 */
@UnitTest
class MappedWindowsTest {
    /** More windows than are kept, and a tail shorter than a window. */
    private static final int SIZE = (int) (MappedWindows.WINDOW * (MappedWindows.MAX_WINDOWS + 2)) + 12_345;

    @TempDir
    Path dir;

    private byte[] content(Path file) throws IOException {
        return PositionalImageTest.randomFile(file, SIZE, 3);
    }

    @Test
    void runsAcrossWindowsEqualTheFileAndFewWindowsStayMapped() throws IOException {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        Random r = new Random(8);
        try (PositionalImage img = PositionalImage.openMapped(f)) {
            assertNull(img.whyNotMapped());
            for (int i = 0; i < 300; i++) {
                int len = 4096 * (1 + r.nextInt(600)) + (i % 3 == 0 ? r.nextInt(4096) : 0);
                int off = i % 5 == 0 ? (int) (MappedWindows.WINDOW - 4096 * 3) : r.nextInt(SIZE - len + 1);
                byte[] got = new byte[len];
                img.read(off, MemorySegment.ofArray(got), "run");
                assertArrayEquals(Arrays.copyOfRange(want, off, off + len), got, len + " bytes at " + off);
                assertTrue(img.mappedBytes() <= MappedWindows.WINDOW * MappedWindows.MAX_WINDOWS,
                        img.mappedBytes() + " bytes mapped");
            }
            byte[] all = new byte[SIZE];
            img.read(0, MemorySegment.ofArray(all), "all");
            assertArrayEquals(want, all);
            assertEquals(MappedWindows.WINDOW * (MappedWindows.MAX_WINDOWS - 1) + 12_345, img.mappedBytes());
            assertEquals(MappedWindows.MAX_WINDOWS, mappingsOf(f));
        }
        assertEquals(0, mappingsOf(f), "windows left mapped after close");
    }

    @Test
    void concurrentRunsSeeTheSameBytes() throws Exception {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        try (PositionalImage img = PositionalImage.openMapped(f)) {
            PositionalImageTest.readConcurrently(img, want, 1000, (r, i) -> 4096 * (1 + r.nextInt(64)));
            assertTrue(mappingsOf(f) <= MappedWindows.MAX_WINDOWS);
        }
        assertEquals(0, mappingsOf(f));
    }

    /**
     * A file that shrinks under a mapped window: the copy's SIGBUS falls back to pread, which reports
     * the early end as before; the bytes still there read right.
     */
    @Test
    void aFileThatShrankIsReportedAsPreadReportsIt() throws IOException {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        try (PositionalImage img = PositionalImage.openMapped(f)) {
            byte[] run = new byte[8192];
            img.read(0, MemorySegment.ofArray(run), "run");
            try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                raf.setLength(1 << 20);
            }
            long gone = MappedWindows.WINDOW / 2;
            EOFException e = assertThrows(EOFException.class,
                    () -> img.read(gone, MemorySegment.ofArray(run), "pages"));
            assertEquals(f + ": offset 0x" + Long.toHexString(gone) + ": pages: the file ends early (it shrank"
                    + " while being read)", e.getMessage());
            long later = MappedWindows.WINDOW * 2; // a window mapped past the new end faults too
            assertThrows(EOFException.class, () -> img.read(later, MemorySegment.ofArray(run), "pages"));
            img.read(4096, MemorySegment.ofArray(run), "run");
            assertArrayEquals(Arrays.copyOfRange(want, 4096, 4096 + 8192), run);
        }
    }

    /** A file that refuses mmap (a sysfs attribute) opens all the same, and says why it is not mapped. */
    @Test
    void aFileThatRefusesMmapSaysWhy() throws IOException {
        Path attr = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(attr) && Files.size(attr) > 0);
        try (PositionalImage img = PositionalImage.openMapped(attr)) {
            assertEquals(attr + ": mmap: No such device", img.whyNotMapped());
            assertEquals(0, img.mappedBytes());
        }
    }

    /**
     * A file of procfs (here /proc/self/status, sizeless, where /proc/vmcore would be mapped) goes to
     * the windows by default, which turn it down for its size, and not at all when pread only is asked
     * (--non-mmap).
     */
    @Test
    void preadOnlyNeverTriesAMappingEvenOnProcfs() throws IOException {
        Path proc = Path.of("/proc/self/status");
        try (PositionalImage byDefault = PositionalImage.open(proc);
             PositionalImage preadOnly = PositionalImage.open(proc, ReadMethod.PREAD_ONLY)) {
            assertEquals(proc + ": not mapped: the file reports no size", byDefault.whyNotMapped());
            assertEquals(proc + ": not mapped: reading without mmap was asked", preadOnly.whyNotMapped());
            assertEquals(0, preadOnly.mappedBytes());
        }
    }

    /** Only /proc/vmcore is mapped: a file in the page cache is read with pread, which costs less there. */
    @Test
    void aFileInThePageCacheIsNotMapped() throws IOException {
        Path f = dir.resolve("f");
        byte[] want = content(f);
        try (PositionalImage img = PositionalImage.open(f)) {
            assertEquals(f + ": not mapped: pread of a file in the page cache costs less than the page faults"
                    + " of a mapping", img.whyNotMapped());
            byte[] all = new byte[SIZE];
            img.read(0, MemorySegment.ofArray(all), "all");
            assertArrayEquals(want, all);
            assertEquals(0, mappingsOf(f));
        }
    }

    /** A closed image reads nothing, not even through a descriptor number reused since. */
    @Test
    void aClosedImageRefusesReads() throws IOException {
        Path f = dir.resolve("f");
        content(f);
        PositionalImage img = PositionalImage.openMapped(f);
        img.close();
        img.close();
        assertThrows(java.nio.channels.ClosedChannelException.class,
                () -> img.read(0, MemorySegment.ofArray(new byte[8192]), "run"));
        assertThrows(java.nio.channels.ClosedChannelException.class,
                () -> img.read(0, MemorySegment.ofArray(new byte[8]), "entry"));
    }

    /** Lines of /proc/self/maps naming {@code file}. */
    private static long mappingsOf(Path file) throws IOException {
        String real = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(" " + real)).count();
    }
}

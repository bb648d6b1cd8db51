package dev.pmemdump.io;

import dev.pmemdump.testing.UnitTest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@UnitTest
class FileExtentsTest {
    private static final long MIB = 1L << 20;
    private static final long A = 8 * MIB, B = 40 * MIB, BLOCK = 4096;

    @TempDir
    Path dir;

    /** 64 MiB, sparse, with one written 4 KiB block at 8 MiB and one at 40 MiB. */
    private Path sparse() throws Exception {
        Path f = dir.resolve("sparse.img");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[(int) BLOCK]).put(0, (byte) 1), A);
            ch.write(ByteBuffer.wrap(new byte[(int) BLOCK]).put(7, (byte) 2), B);
            ch.write(ByteBuffer.allocate(1), 64 * MIB - 1);
            ch.force(true);
        }
        return f;
    }

    @Test
    void holesAreNotData() throws Exception {
        Path f = sparse();
        List<Extent> all = FileExtents.within(f, 0, 64 * MIB);
        assertTrue(all.stream().anyMatch(e -> e.start() <= A && e.end() >= A + BLOCK), "block at 8 MiB: " + all);
        assertTrue(all.stream().anyMatch(e -> e.start() <= B && e.end() >= B + BLOCK), "block at 40 MiB: " + all);
        long covered = all.stream().mapToLong(Extent::length).sum();
        assertTrue(covered < MIB, "holes reported as data: " + all);
        for (int i = 1; i < all.size(); i++) {
            assertTrue(all.get(i - 1).end() < all.get(i).start(), "ascending, disjoint, maximal: " + all);
        }
        assertEquals(List.of(), FileExtents.within(f, 0, A), "nothing written below 8 MiB");
        assertEquals(List.of(), FileExtents.within(f, A + MIB, B - A - MIB), "nothing between the blocks");
        assertEquals(List.of(new Extent(B + 1024, B + 2048)), FileExtents.within(f, B + 1024, 1024), "clipped");
    }

    @Test
    void isHoleFollowsAnAscendingScan() throws Exception {
        Path f = sparse();
        try (FileExtents x = FileExtents.open(f)) {
            long dataPages = 0;
            for (long p = 0; p < 64 * MIB - BLOCK; p += BLOCK) {
                if (!x.isHole(p, BLOCK)) {
                    dataPages++;
                }
            }
            assertFalse(x.isHole(A, BLOCK));
            assertFalse(x.isHole(B - BLOCK, 2 * BLOCK), "a range reaching into data is not a hole");
            assertTrue(x.isHole(0, A), "all of [0, 8 MiB) is a hole");
            assertTrue(dataPages >= 2 && dataPages < 256, dataPages + " data pages");
            // Back to an earlier offset after the scan: the cache must not answer for it.
            assertFalse(x.isHole(A + 100, 8));
        }
    }

    @Test
    void unknownMeansData() throws Exception {
        Path missing = dir.resolve("missing");
        assertEquals(List.of(new Extent(4096, 4096 + 100)), FileExtents.within(missing, 4096, 100));
        try (FileExtents x = FileExtents.open(missing)) {
            assertFalse(x.isHole(0, 4096));
        }
    }

    /** A device answers lseek without meaning (/dev/zero: 0 to everything, like device-dax): all of it is data. */
    @Test
    void devicesAreAllData() throws Exception {
        assertEquals(List.of(new Extent(4096, 4096 + 128 * 1024)), FileExtents.within(Path.of("/dev/zero"), 4096, 128 * 1024));
        try (FileExtents f = FileExtents.open(Path.of("/dev/zero"))) {
            assertFalse(f.isHole(0, 4096));
        }
    }
}

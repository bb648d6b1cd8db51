package dev.pmemdump.pmem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataExtentsTest {
    /** A 64 MiB sparse file with one written 4 KiB block at 40 MiB: only that block is data. */
    @Test
    void holesAreSkipped(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sparse.img");
        long at = 40L << 20;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[4096]).put(0, (byte) 1), at);
            ch.write(ByteBuffer.allocate(1), (64L << 20) - 1);
            ch.force(true);
        }
        List<long[]> all = DataExtents.within(f, 0, 64L << 20);
        long covered = all.stream().mapToLong(e -> e[1] - e[0]).sum();
        assertTrue(all.stream().anyMatch(e -> e[0] <= at && e[1] >= at + 4096), "the written block is data");
        assertTrue(covered < 1L << 20, "holes are not reported as data (" + covered + " bytes)");
        assertEquals(List.of(), DataExtents.within(f, 0, 32L << 20), "nothing written below 32 MiB");
        List<long[]> clipped = DataExtents.within(f, at + 1024, 1024);
        assertEquals(1, clipped.size());
        assertEquals(at + 1024, clipped.get(0)[0]);
        assertEquals(at + 2048, clipped.get(0)[1]);
    }
}

package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.kdump.SplitBlocks;
import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.WindowedBitmap;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A kdump-compressed dump decided in small windows (each decided twice, the second time by a decision
 * whose counts are thrown away) is byte for byte the dump decided in one window, with the same counts
 * and the same --split cuts: on the real 6.1 vmcore and on a synthetic vmcore whose every 16 MiB chunk
 * mixes free and kept pages.
 */
@FixtureTest
class CyclicWindowsTest {
    /** 32768 pfns: 128 MiB of memory, 4 KiB of bitmap per window. */
    private static final long SMALL_WINDOW = 8 * 4096;

    @TempDir
    Path dir;

    @Test
    void realVmcoreInSmallWindowsIsTheDumpInOneWindow() throws IOException {
        sameDumpInWindows(Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst"), 0);
    }

    @Test
    void mixedRamInSmallWindowsIsTheDumpInOneWindow() throws IOException {
        Path vmcore = dir.resolve("mixed.core");
        MixedRamVmcore.write(vmcore, 1L << 30);
        long windows = sameDumpInWindows(vmcore, (1L << 30) / 4096 / MixedRamVmcore.CHUNK_PFNS);
        assertEquals((1L << 30) / 4096 / SMALL_WINDOW, windows);
    }

    /** @return the number of windows */
    private long sameDumpInWindows(Path vmcore, long expectedKept) throws IOException {
        try (DumpInput input = DumpInput.open(vmcore)) {
            PageSource source = input.source();
            PmemPolicy noPmem = new PmemPolicy(List.of(), List.of());
            ExclusionLedger wholeLedger = ExclusionLedger.counting();
            DumpableWindows whole = new DumpableWindows(source.readable(), Long.MAX_VALUE / 2,
                    PageDecision.of(input, 31, noPmem, wholeLedger), () -> {
                        throw new AssertionError("one window is never decided again");
                    });
            ExclusionLedger windowLedger = ExclusionLedger.counting();
            DumpableWindows small = new DumpableWindows(source.readable(), SMALL_WINDOW,
                    PageDecision.of(input, 31, noPmem, windowLedger),
                    () -> PageDecision.of(input, 31, noPmem, ExclusionLedger.counting()));
            long windows = Math.ceilDiv(source.maxMapnr(), SMALL_WINDOW);
            assertTrue(windows > 1, "the test needs several windows, not " + windows);

            Path one = write(source, whole, "one");
            Path many = write(source, small, "many");
            assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(many), "dump bytes");
            assertEquals(wholeLedger.counts(), windowLedger.counts(), "page counts");
            assertTrue(small.decisions() >= 2 * windows, "each window decided twice: " + small.decisions());
            if (expectedKept > 0) {
                assertEquals(expectedKept, whole.cardinality(0, source.maxMapnr()));
                for (long pfn = small.nextSet(0, source.maxMapnr()); pfn >= 0;
                     pfn = small.nextSet(pfn + 1, source.maxMapnr())) {
                    assertEquals(MixedRamVmcore.KEPT_IN_CHUNK, pfn % MixedRamVmcore.CHUNK_PFNS, "kept pfn " + pfn);
                }
            }
            long block = 32L << 20;
            assertArrayEquals(SplitBlocks.bounds(whole, 3, source.maxMapnr(), block, source.pageSize()),
                    SplitBlocks.bounds(small, 3, source.maxMapnr(), block, source.pageSize()), "--split cuts");
            return windows;
        }
    }

    private Path write(PageSource source, WindowedBitmap dumpable, String name) throws IOException {
        Path out = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new KdumpWriter(source, KdumpWriter.Options.whole(31, PageCodec.LZO, 1))
                    .write(source.present(), dumpable, new FileSink(ch), Progress.silent());
        }
        return out;
    }
}

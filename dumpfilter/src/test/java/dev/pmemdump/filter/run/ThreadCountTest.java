package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.ledger.ExclusionLedger;
import dev.pmemdump.filter.page.CrashInfo;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.pmem.PmemPolicy;
import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --num-threads changes who compresses, never what is written: the kdump-compressed dump of the real 6.1
 * vmcore (zero, compressible and incompressible pages) and of a synthetic vmcore whose every 16 MiB chunk
 * mixes free and kept pages (decided in small windows while the workers read) is byte for byte the same
 * with 1, 2 and 3 threads, with the same pages reported as the shared zero page. A read error in a worker
 * ends the dump with that error, as without workers, and leaves no worker running.
 */
@FixtureTest
class ThreadCountTest {
    private static final String VMCORE = "linux-6.1-qemu/kdump-file/vmcore.raw.zst";
    private static final PmemPolicy NO_PMEM = new PmemPolicy(List.of(), List.of());
    /** 32768 pfns a window: the 1 GiB synthetic vmcore takes 8. */
    private static final long SMALL_WINDOW = 8 * 4096;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = PageCodec.class, names = {"LZO", "ZLIB", "NONE"})
    void realVmcoreIsTheSameDumpWithOneTwoOrThreeThreads(PageCodec codec) throws IOException {
        Path vmcore = Fixtures.unzstd(VMCORE);
        Dump one = dump(vmcore, codec, 1, Long.MAX_VALUE / 2, "one");
        assertTrue(one.zeroPfns.size() > 1000, "the vmcore has zero pages: " + one.zeroPfns.size());
        for (int threads : new int[] {2, 3}) {
            Dump more = dump(vmcore, codec, threads, Long.MAX_VALUE / 2, "t" + threads);
            assertArrayEquals(Files.readAllBytes(one.file), Files.readAllBytes(more.file), threads + " threads");
            assertEquals(one.zeroPfns, more.zeroPfns, threads + " threads: shared zero pages");
            assertEquals(one.result, more.result, threads + " threads");
        }
        // and the dump holds the vmcore's pages
        try (DumpInput input = DumpInput.open(vmcore); KdumpReader kd = KdumpReader.open(one.file)) {
            PageBitmap kept = kd.readable();
            assertEquals(one.result.pagesWritten(), kept.cardinality());
            byte[] want = new byte[4096];
            byte[] got = new byte[4096];
            for (long pfn = kept.nextSet(0); pfn >= 0; pfn = kept.nextSet(pfn + 1)) {
                input.source().read(pfn, want);
                kd.read(pfn, got);
                assertArrayEquals(want, got, "pfn 0x" + Long.toHexString(pfn));
            }
        }
    }

    @Test
    void mixedRamInSmallWindowsIsTheSameDumpWithOneTwoOrThreeThreads() throws IOException {
        Path vmcore = dir.resolve("mixed.core");
        MixedRamVmcore.write(vmcore, 1L << 30);
        Dump one = dump(vmcore, PageCodec.LZO, 1, SMALL_WINDOW, "mixed-one");
        assertEquals((1L << 30) / 4096 / MixedRamVmcore.CHUNK_PFNS, one.result.pagesWritten(), "one page a chunk");
        for (int threads : new int[] {2, 3}) {
            Dump more = dump(vmcore, PageCodec.LZO, threads, SMALL_WINDOW, "mixed-t" + threads);
            assertArrayEquals(Files.readAllBytes(one.file), Files.readAllBytes(more.file), threads + " threads");
            assertEquals(one.zeroPfns, more.zeroPfns, threads + " threads: shared zero pages");
        }
    }

    @Test
    void aReadErrorInAWorkerEndsTheDumpWithThatError() throws IOException {
        Path vmcore = Fixtures.unzstd(VMCORE);
        try (DumpInput input = DumpInput.open(vmcore)) {
            PageSource source = input.source();
            long bad = source.readable().nextSet(source.maxMapnr() / 2);
            PageSource failing = new FailingSource(source, bad);
            String alone = assertThrows(IOException.class, () -> write(failing, 1, "fail-1")).getMessage();
            assertEquals(FailingSource.message(bad), alone);
            for (int threads : new int[] {2, 3}) {
                IOException e = assertThrows(IOException.class, () -> write(failing, threads, "fail-" + threads));
                assertEquals(alone, e.getMessage(), threads + " threads");
                assertFalse(Thread.getAllStackTraces().keySet().stream()
                        .anyMatch(t -> t.getName().equals("kdump-compress")), "a worker still runs");
            }
        }
    }

    private record Dump(Path file, KdumpWriter.Result result, List<Long> zeroPfns) {}

    private Dump dump(Path vmcore, PageCodec codec, int threads, long window, String name) throws IOException {
        try (DumpInput input = DumpInput.open(vmcore)) {
            PageSource source = input.source();
            DumpableWindows dumpable = new DumpableWindows(source.readable(), window,
                    PageDecision.of(input, 31, NO_PMEM, ExclusionLedger.counting()),
                    () -> PageDecision.of(input, 31, NO_PMEM, ExclusionLedger.counting()));
            Path out = dir.resolve(name);
            List<Long> zeros = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                KdumpWriter.Result r = new KdumpWriter(source, KdumpWriter.Options.whole(31, codec, threads), zeros::add)
                        .write(source.present(), dumpable, new FileSink(ch), Progress.silent());
                return new Dump(out, r, zeros);
            }
        }
    }

    private void write(PageSource source, int threads, String name) throws IOException {
        Path out = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            new KdumpWriter(source, KdumpWriter.Options.whole(31, PageCodec.LZO, threads))
                    .write(source.present(), source.readable(), new FileSink(ch), Progress.silent());
        }
    }

    /** The source, but reading {@code bad} fails as a short device read would. */
    private record FailingSource(PageSource in, long bad) implements PageSource {
        static String message(long pfn) {
            return "test.core: offset 0x" + Long.toHexString(pfn * 4096) + ": page: input/output error";
        }

        @Override
        public int pageSize() {
            return in.pageSize();
        }

        @Override
        public long maxMapnr() {
            return in.maxMapnr();
        }

        @Override
        public PageBitmap present() {
            return in.present();
        }

        @Override
        public PageBitmap readable() {
            return in.readable();
        }

        @Override
        public void read(long pfn, byte[] dst) throws IOException {
            check(pfn, 1);
            in.read(pfn, dst);
        }

        @Override
        public void read(long pfn, int count, MemorySegment dst) throws IOException {
            check(pfn, count);
            in.read(pfn, count, dst);
        }

        private void check(long pfn, int count) throws IOException {
            if (bad >= pfn && bad < pfn + count) {
                throw new IOException(message(bad));
            }
        }

        @Override
        public CrashInfo crashInfo() {
            return in.crashInfo();
        }

        @Override
        public String name() {
            return "test.core";
        }

        @Override
        public void close() {
        }
    }
}

package dev.pmemdump.filter.run;

import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.io.Progress;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 256 GiB of RAM whose every 16 MiB chunk mixes free and kept pages, filtered by a JVM with a 12 MiB heap.
 * Held whole, its 2nd bitmap is 8 MiB of words: before the pfn space was decided in windows, -l and -E
 * both ended "makedumpfile Failed." (out of memory) in this heap; now a window of 8M pfns costs at most
 * 1 MiB (both pass in 10 MiB). The dumps hold exactly the kept page of each chunk, with its content.
 */
@FixtureTest
class BoundedMemoryTest {
    private static final long RAM = 256L << 30;
    private static final List<String> SMALL_HEAP = List.of("-XX:+UseSerialGC", "-Xmx12m", "-Xmn4m",
            "-XX:TieredStopAtLevel=1", "-Djdk.nio.maxCachedBufferSize=1048576");

    @TempDir
    static Path dir;
    static Path vmcore;

    @BeforeAll
    static void mixedRam() throws IOException {
        vmcore = dir.resolve("mixed-256g.core");
        MixedRamVmcore.write(vmcore, RAM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"-l", "-E"})
    void mixedRamFiltersInASmallHeap(String format) throws Exception {
        Path out = dir.resolve("dump" + format);
        Files.deleteIfExists(out);
        String log = run(format, "-d", "31", vmcore.toString(), out.toString());
        long chunks = RAM / 4096 / MixedRamVmcore.CHUNK_PFNS;
        try (ElfPageSource in = ElfPageSource.open(vmcore)) {
            check(format, out, in, chunks, log);
        }
    }

    /**
     * makedumpfile's re-filter, at -d 31 in the same small heap, of a kdump-compressed dump of the same RAM
     * holding the kept page of each chunk, the first chunk (page tables and mem_section, which this
     * vmcore's struct pages call free) and the memmap (1/64 of the RAM, zero pages shared). Its 2nd bitmap
     * mixes kept and dropped pages in every other chunk: read whole (and copied for the windows and
     * the page-table reads) it ended "makedumpfile Failed." (out of memory); left in the file and read
     * through a bounded cache it passes, and keeps what -d 31 of the vmcore keeps.
     */
    @Test
    void kdumpInputRefiltersInASmallHeap() throws Exception {
        Path earlier = dir.resolve("earlier.kdump");
        Files.deleteIfExists(earlier);
        long chunks = RAM / 4096 / MixedRamVmcore.CHUNK_PFNS;
        try (ElfPageSource in = ElfPageSource.open(vmcore);
             FileChannel ch = FileChannel.open(earlier, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            PageBitmap kept = new PageBitmap(in.maxMapnr());
            kept.setRange(0, MixedRamVmcore.CHUNK_PFNS);
            for (long c = 0; c < chunks; c++) {
                long first = c * MixedRamVmcore.CHUNK_PFNS;
                kept.set(first + MixedRamVmcore.KEPT_IN_CHUNK);
            }
            kept.setRange(MixedRamVmcore.MEMMAP_PA / 4096, MixedRamVmcore.memmapEndPfn(RAM)); // mostly zero pages
            new KdumpWriter(in, KdumpWriter.Options.whole(31, PageCodec.LZO, 1))
                    .write(in.present(), kept, new FileSink(ch), Progress.silent());
        }
        Path out = dir.resolve("refiltered.kdump");
        Files.deleteIfExists(out);
        String log = run("-l", "-d", "31", earlier.toString(), out.toString());
        try (ElfPageSource in = ElfPageSource.open(vmcore)) {
            check("-l", out, in, chunks, log);
        }
    }

    private static void check(String format, Path out, ElfPageSource in, long chunks, String log) throws IOException {
        if (format.equals("-l")) {
            try (KdumpReader kd = KdumpReader.open(out)) {
                PageBitmap kept = kd.readable();
                assertEquals(chunks, kept.cardinality(), log);
                byte[] page = new byte[4096];
                for (long pfn = kept.nextSet(0); pfn >= 0; pfn = kept.nextSet(pfn + 1)) {
                    assertEquals(MixedRamVmcore.KEPT_IN_CHUNK, pfn % MixedRamVmcore.CHUNK_PFNS, "kept pfn " + pfn);
                    kd.read(pfn, page);
                    assertKeptPage(in, pfn, page);
                }
            }
        } else {
            try (ElfPageSource elf = ElfPageSource.open(out)) {
                long data = 0;
                long mem = 0;
                for (ProgramHeader ph : elf.core().loads()) {
                    data += ph.filesz() > 0 ? 1 : 0;
                    mem += ph.memsz();
                    assertTrue(ph.filesz() == 0 || ph.filesz() == 4096, ph.toString());
                    if (ph.filesz() > 0) {
                        long pfn = ph.paddr() / 4096;
                        assertEquals(MixedRamVmcore.KEPT_IN_CHUNK, pfn % MixedRamVmcore.CHUNK_PFNS, ph.toString());
                        byte[] page = new byte[4096];
                        elf.read(pfn, page);
                        assertKeptPage(in, pfn, page);
                    }
                }
                assertEquals(chunks, data, log);
                assertEquals(RAM, mem);
            }
        }
    }

    /** A kept page is the vmcore's page; outside the memmap (whose pages hold struct pages) it holds its pfn. */
    private static void assertKeptPage(ElfPageSource in, long pfn, byte[] page) throws IOException {
        byte[] want = new byte[page.length];
        in.read(pfn, want);
        assertArrayEquals(want, page, "pfn " + pfn);
        if (pfn < MixedRamVmcore.MEMMAP_PA / 4096 || pfn >= MixedRamVmcore.memmapEndPfn(RAM)) {
            assertEquals(pfn, ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong(0), "marker of pfn " + pfn);
        }
    }

    /** makedumpfile ARGS in a child JVM with a small heap; fails the test unless it completes. */
    private static String run(String... args) throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(SMALL_HEAP);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", cp, MakedumpfileMain.class.getName()));
        cmd.addAll(List.of(args));
        Path log = dir.resolve("log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "still running after 10 minutes");
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }
}

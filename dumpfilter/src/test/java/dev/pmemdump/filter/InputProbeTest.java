package dev.pmemdump.filter;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.testing.Outputs;
import dev.pmemdump.filter.elf.ElfProbe;
import dev.pmemdump.filter.flat.FlattenedProbe;
import dev.pmemdump.filter.kdump.KdumpProbe;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.page.InputProbe;
import dev.pmemdump.filter.page.PageSource;
import dev.pmemdump.filter.page.ProbedDump;
import dev.pmemdump.io.ReadMethod;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Progress;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.vmcore.xlat.MappedRange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each input probe on files built here: its own format (mine), the others' (not mine), and its own
 * truncated or with a corrupted header (mine but broken, the error naming file and offset). The ELF core
 * is written by the vmcoreinfo module's writer; the kdump-compressed file by the filter's writer from it.
 */
@UnitTest
class InputProbeTest {
    static final long TEXT_VA = 0xffffffff81000000L;
    static final long TEXT_PA = 0x1000000;
    static final long TEXT_SIZE = 0x10000;
    static final long DIRECT_MAP = 0xffff888000000000L;
    static final long RAM_SIZE = 0x100000;
    static final long UTS_VA = TEXT_VA + 0x1000;

    @TempDir
    static Path dir;
    static Path vmcore;
    static Path kdump;
    static VmcoreInfo info;

    @BeforeAll
    static void build() throws IOException {
        info = VmcoreInfo.builder().osRelease("6.1.0-probe").pageSize(4096)
                .symbol("init_uts_ns", UTS_VA).symbol("init_top_pgt", TEXT_VA + 0x2000)
                .offset("uts_namespace", "name", 4).build("probe");
        MemorySegment bytes = MemorySegment.ofArray(new byte[(int) (TEXT_PA + TEXT_SIZE)]);
        byte[] sysname = "Linux".getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(MemorySegment.ofArray(sysname), 0, bytes, TEXT_PA + 0x1004, sysname.length);
        byte[] ramText = "direct".getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(MemorySegment.ofArray(ramText), 0, bytes, 0x5000, ramText.length);
        vmcore = dir.resolve("vmcore");
        Outputs.written(vmcore, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096,
                List.of(VmcoreInfoNote.toNote(info)),
                List.of(ProgramHeader.load(ProgramHeader.PF_RWX, TEXT_PA, TEXT_VA, TEXT_PA, TEXT_SIZE),
                        ProgramHeader.load(ProgramHeader.PF_RWX, 0, DIRECT_MAP, 0, RAM_SIZE)),
                new FlatPhysicalMemory("ram", bytes, 0)));
        kdump = dir.resolve("dump.kdump");
        try (ProbedDump elf = new ElfProbe().open(vmcore, ReadMethod.MMAP_WHERE_FASTER);
             FileChannel ch = FileChannel.open(kdump, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            PageSource src = elf.source();
            new KdumpWriter(src, KdumpWriter.Options.whole(1, PageCodec.NONE, 1))
                    .write(src.present(), src.readable(), new FileSink(ch), Progress.silent());
        }
    }

    static byte[] head(Path p) throws IOException {
        byte[] all = Files.readAllBytes(p);
        return Arrays.copyOf(all, InputProbe.HEAD_BYTES);
    }

    static InputProbe.Answer ask(InputProbe probe, Path p) throws IOException {
        return probe.probe(p, head(p), ReadMethod.PREAD_ONLY);
    }

    /** A copy of {@code src} with {@code patch} applied at {@code offset}, or cut to {@code cut} bytes. */
    static Path variant(String name, Path src, long cut, long offset, byte... patch) throws IOException {
        byte[] b = Files.readAllBytes(src);
        b = Arrays.copyOf(b, (int) Math.min(cut, b.length));
        System.arraycopy(patch, 0, b, (int) offset, patch.length);
        Path out = dir.resolve(name);
        Files.write(out, b);
        return out;
    }

    static String brokenMessage(InputProbe probe, Path p) throws IOException {
        return assertInstanceOf(InputProbe.Broken.class, ask(probe, p)).problem().getMessage();
    }

    @Test
    void elfProbeOpensTheVmcoreWithItsRangesAsHints() throws IOException {
        InputProbe.Mine mine = assertInstanceOf(InputProbe.Mine.class, ask(new ElfProbe(), vmcore));
        try (ProbedDump d = mine.dump()) {
            assertEquals(4096, d.source().pageSize());
            assertEquals((TEXT_PA + TEXT_SIZE) / 4096, d.source().maxMapnr());
            assertEquals(List.of(new MappedRange(TEXT_VA, TEXT_PA, TEXT_SIZE), new MappedRange(DIRECT_MAP, 0, RAM_SIZE)),
                    d.hints().mappedRanges());
            assertEquals(OptionalLong.empty(), d.hints().recordedPhysBase());
            assertEquals(info.text(), d.vmcoreinfo().text());
            assertEquals(2, d.loads().size());
            assertEquals(0, d.storedDumpLevel());
            assertEquals("Linux", d.kernel().readCString(UTS_VA + 4, 65));
            assertEquals("direct", d.kernel().readCString(DIRECT_MAP + 0x5000, 16));
            assertEquals("direct map", d.kernel().translation().translate(DIRECT_MAP + 0x5000).how());
            assertEquals(0, d.source().crashInfo().physBase(), "phys_base shown by the text PT_LOAD");
        }
        try (DumpInput in = DumpInput.open(vmcore)) {
            assertTrue(in.isElf());
            assertEquals(DIRECT_MAP, in.pageOffset());
        }
    }

    @Test
    void kdumpProbeOpensTheRewrittenDumpWithItsHeaderAsHints() throws IOException {
        InputProbe.Mine mine = assertInstanceOf(InputProbe.Mine.class, ask(new KdumpProbe(), kdump));
        try (ProbedDump d = mine.dump()) {
            assertInstanceOf(KdumpReader.class, d.source());
            assertEquals(List.of(), d.hints().mappedRanges());
            assertEquals(OptionalLong.of(0), d.hints().recordedPhysBase());
            assertEquals(info.text(), d.vmcoreinfo().text());
            assertEquals(List.of(), d.loads());
            assertEquals(1, d.storedDumpLevel());
            assertEquals("Linux", d.kernel().readCString(UTS_VA + 4, 65));
            assertEquals("kernel text map", d.kernel().translation().translate(UTS_VA).how());
        }
        try (DumpInput in = DumpInput.open(kdump)) {
            assertFalse(in.isElf());
            assertEquals(0xffff880000000000L, in.pageOffset(), "makedumpfile's fixed guess without PT_LOADs");
            assertEquals(1, in.storedDumpLevel());
        }
    }

    @Test
    void eachProbeLeavesTheOtherFormatsAlone() throws IOException {
        Path zeros = dir.resolve("zeros");
        Files.write(zeros, new byte[8192]);
        Path flat = flattened();
        for (Path p : List.of(kdump, zeros, flat)) {
            assertInstanceOf(InputProbe.NotMine.class, ask(new ElfProbe(), p), p.toString());
        }
        for (Path p : List.of(vmcore, zeros, flat)) {
            assertInstanceOf(InputProbe.NotMine.class, ask(new KdumpProbe(), p), p.toString());
        }
        for (Path p : List.of(vmcore, kdump, zeros)) {
            assertInstanceOf(InputProbe.NotMine.class, ask(new FlattenedProbe(), p), p.toString());
        }
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> DumpInput.open(zeros));
        assertEquals(zeros + ": offset 0x0: neither an ELF vmcore nor a kdump-compressed dump", e.getMessage());
    }

    @Test
    void brokenElfIsMineButBroken() throws IOException {
        Path cut = variant("cut-header.elf", vmcore, 40, 0);
        assertEquals(cut + ": offset 0x0: too short for an ELF64 header (40 bytes, need 64)",
                brokenMessage(new ElfProbe(), cut));
        long size = Files.size(vmcore);
        Path cutData = variant("cut-data.elf", vmcore, size - 4096, 0);
        assertTrue(brokenMessage(new ElfProbe(), cutData).matches(
                "\\Q" + cutData + "\\E: offset 0x[0-9a-f]+: program header 2 \\(LOAD\\): data at 0x[0-9a-f]+ .* runs past"
                        + " the end of the file .*"));
        Path exec = variant("exec.elf", vmcore, size, 16, (byte) 2, (byte) 0);
        assertEquals(exec + ": offset 0x10: e_type 2 is not ET_CORE (4)", brokenMessage(new ElfProbe(), exec));
        Path noInfo = dir.resolve("no-vmcoreinfo.elf");
        Outputs.written(noInfo, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096, List.of(),
                List.of(ProgramHeader.load(ProgramHeader.PF_RWX, 0, DIRECT_MAP, 0, 0x1000)),
                new FlatPhysicalMemory("ram", MemorySegment.ofArray(new byte[0x1000]), 0)));
        assertEquals(noInfo + ": doesn't contain vmcoreinfo.", brokenMessage(new ElfProbe(), noInfo));
        // DumpInput passes the probe's error on unchanged
        IOException e = assertThrows(IOException.class, () -> DumpInput.open(exec));
        assertEquals(exec + ": offset 0x10: e_type 2 is not ET_CORE (4)", e.getMessage());
    }

    @Test
    void brokenKdumpIsMineButBroken() throws IOException {
        // 0x1010 pfns: each bitmap fits one block, so the header claims 1 + 1 + 2 blocks = 0x4000 bytes
        Path cut = variant("cut.kdump", kdump, 0x1800, 0);
        assertEquals(cut + ": offset 0x1b0: sub_hdr_size 1 and bitmap_blocks 2 run past the end of the file"
                + " (size 0x1800)", brokenMessage(new KdumpProbe(), cut));
        // cut inside the sub-header (at block_size 0x1000): the read runs off the end
        Path cutSub = variant("cut-sub.kdump", kdump, 0x1008, 0);
        String m = brokenMessage(new KdumpProbe(), cutSub);
        assertTrue(m.startsWith(cutSub + ": offset 0x1000: kdump_sub_header"), m);
        // block_size (disk_dump_header offset 428) of 3 bytes
        Path badBlock = variant("block.kdump", kdump, Long.MAX_VALUE, 428,
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 3).array());
        assertEquals(badBlock + ": offset 0x1ac: impossible block_size 3", brokenMessage(new KdumpProbe(), badBlock));
    }

    @Test
    void flattenedIsRefusedWithTheRebuildHint() throws IOException {
        Path flat = flattened();
        assertEquals(flat + ": offset 0x0: is a flattened dump: rebuild it first with -R",
                brokenMessage(new FlattenedProbe(), flat));
        IOException e = assertThrows(IOException.class, () -> DumpInput.open(flat));
        assertEquals(flat + ": offset 0x0: is a flattened dump: rebuild it first with -R", e.getMessage());
    }

    /** A flattened stream header: "makedumpfile", NUL padding to 16 bytes, type 1 (big endian). */
    static Path flattened() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.BIG_ENDIAN);
        b.put("makedumpfile".getBytes(StandardCharsets.US_ASCII));
        b.putLong(16, 1);
        Path p = dir.resolve("flat");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void headOfAShortFileIsPaddedAndClaimedByNoOne() throws IOException {
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[]{0x7f, 'E'});
        byte[] head = head(tiny);
        assertArrayEquals(new byte[]{0x7f, 'E', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, head);
        for (InputProbe p : List.of(new ElfProbe(), new KdumpProbe(), new FlattenedProbe())) {
            assertFalse(p.claims(head), p.getClass().getSimpleName());
        }
    }
}

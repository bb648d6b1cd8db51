package dev.pmemdump.loadplan.fadump;

import dev.pmemdump.io.Range;

import dev.pmemdump.loadplan.Load;
import dev.pmemdump.loadplan.NoteBuffer;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Numbers from Documentation/powerpc/firmware-assisted-dump.txt as posted in "[RFC PATCH v7 01/10]
 * fadump: Add documentation for firmware-assisted dump" (Message-ID
 * 20120216111414.4733.67540.stgit@mars): a 2 GiB system, 256 MiB boot memory.
 */
@UnitTest
class FadumpTest {
    private static final long M = 1L << 20;
    private static final long G = 1L << 30;

    static final String DOC_FIRST_KERNEL = """
            CPU : [0x0000006ffb0000-0x0000006fff001f] 0x40020 bytes, Dumped: 0x0
            HPTE: [0x0000006fff0020-0x0000006fff101f] 0x1000 bytes, Dumped: 0x0
            DUMP: [0x0000006fff1020-0x0000007fff101f] 0x10000000 bytes, Dumped: 0x0
            """;
    static final String DOC_SECOND_KERNEL = """
            CPU : [0x0000006ffb0000-0x0000006fff001f] 0x40020 bytes, Dumped: 0x40020
            HPTE: [0x0000006fff0020-0x0000006fff101f] 0x1000 bytes, Dumped: 0x1000
            DUMP: [0x0000006fff1020-0x0000007fff101f] 0x10000000 bytes, Dumped: 0x10000000
                : [0x00000010000000-0x0000006ffaffff] 0x5ffb0000 bytes, Dumped: 0x5ffb0000
            """;

    @Test
    void reproducesTheDocumentedRegionReportBeforeAndAfterACrash() {
        FadumpLayout layout = FadumpLayout.plan(FadumpConfig.of(2 * G));
        assertEquals(256 * M, layout.bootMemorySize());
        assertEquals(DOC_FIRST_KERNEL, layout.regionReport(false));
        assertEquals(DOC_SECOND_KERNEL, layout.regionReport(true));
        assertEquals(Range.ofInclusive(0x6ffb0000L, 0x7fffffffL), layout.reservedArea());
        assertEquals(Range.ofInclusive(0x7fff1020L, 0x7fffffffL), layout.elfArea());
    }

    @Test
    void bootMemoryIsTheLargerOf5PercentAnd256MiB() {
        assertEquals(256 * M, FadumpLayout.plan(FadumpConfig.of(2 * G)).bootMemorySize());   // 5%: 102 MiB
        assertEquals(256 * M, FadumpLayout.plan(FadumpConfig.of(5 * G)).bootMemorySize());   // 5%: 256 MiB
        assertEquals(256 * M, FadumpLayout.plan(FadumpConfig.of(6 * G)).bootMemorySize());   // 307 MiB -> 256
        assertEquals(768 * M, FadumpLayout.plan(FadumpConfig.of(16 * G)).bootMemorySize()); // 819 MiB -> 768
        assertEquals(5 * G, FadumpLayout.plan(FadumpConfig.of(100 * G)).bootMemorySize());
    }

    @Test
    void fadumpReserveMemOverridesTheRule() {
        FadumpLayout layout = FadumpLayout.plan(FadumpConfig.of(2 * G).withReserve(512 * M));
        assertEquals(512 * M, layout.bootMemorySize());
        assertEquals(Range.ofLength(0x5ffb0000L, 0x40020), layout.cpuState());
        assertEquals(Range.ofLength(0x5fff1020L, 512 * M), layout.bootCopy());
        // An override below the default is honoured too (the documentation's "override").
        assertEquals(128 * M, FadumpLayout.plan(FadumpConfig.of(2 * G).withReserve(128 * M)).bootMemorySize());
    }

    @Test
    void impossibleReservationsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FadumpLayout.plan(FadumpConfig.of(384 * M)));
        assertEquals("0x18000000 bytes of RAM cannot hold 0x10000000 bytes of fadump boot memory plus its "
                + "0x10050000 bytes reserved dump area at the top of memory", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FadumpLayout.plan(FadumpConfig.of(2 * G).withReserve(2 * G)));
        assertThrows(IllegalArgumentException.class, () -> FadumpConfig.of(2 * G).withReserve(0));
    }

    @Test
    void vmcoreKeepsBootMemoryAddressesButReadsTheCopy() {
        FadumpLayout layout = FadumpLayout.plan(FadumpConfig.of(2 * G));
        FadumpVmcore vmcore = FadumpVmcore.of(layout, 4, OptionalLong.of(0x1a3f000));
        assertEquals(List.of(
                new Load(Load.Kind.RAM, 0, 0xc000000000000000L, 0x10000000, 0x6fff1020L, false),
                new Load(Load.Kind.RAM, 0x10000000, 0xc000000010000000L, 0x5ffb0000, 0x10000000, false)),
                vmcore.loads());
        assertEquals(List.of(new NoteBuffer("CPUs", 0, 4 * 536),
                new NoteBuffer("VMCOREINFO", 0x6fff1020L + 0x1a3f000, 24 + 12 + 65536)), vmcore.notes());
    }

    @Test
    void procVmcoreReadsBootMemoryFromTheCopy() {
        FadumpVmcore vmcore = FadumpVmcore.of(FadumpLayout.plan(FadumpConfig.of(2 * G)), 4, OptionalLong.empty());
        List<ProgramHeader> phdrs = vmcore.procVmcore(4 * 524 + 3000);
        // 64 KiB pages: headers (64 + 3 * 56) fill page 0, the notes page 1, data starts at 0x20000. The
        // copy at 0x6fff1020 is not page aligned: its page starts at 0x6fff0000, so the data sits 0x1020
        // into the segment and the segment takes roundup(0x7fff1020) - 0x6fff0000 = 0x10010000 bytes.
        assertEquals(List.of(
                ProgramHeader.note(0x10000, 4 * 524 + 3000),
                ProgramHeader.load(7, 0x21020, 0xc000000000000000L, 0, 0x10000000),
                ProgramHeader.load(7, 0x20000 + 0x10010000, 0xc000000010000000L, 0x10000000, 0x5ffb0000)), phdrs);
    }

    @OracleTest
    @Test
    void elfcorehdrInBothByteOrders(@TempDir Path tmp) throws Exception {
        Path readelf = Tools.require("readelf");
        FadumpVmcore vmcore = FadumpVmcore.of(FadumpLayout.plan(FadumpConfig.of(2 * G)), 2, OptionalLong.of(0x1a3f000));
        for (ElfMachine m : List.of(ElfMachine.PPC64, ElfMachine.PPC64LE)) {
            byte[] bytes = vmcore.elfcorehdr(m);
            ElfCore core = ElfCore.read(MemorySegment.ofArray(bytes), "fadump-" + m, ElfCore.Layout.ELFCOREHDR);
            assertEquals(m, core.machine());
            assertEquals(List.of(
                    ProgramHeader.load(7, 0x6fff1020L, 0xc000000000000000L, 0, 0x10000000),
                    ProgramHeader.load(7, 0x10000000, 0xc000000010000000L, 0x10000000, 0x5ffb0000)), core.loads());
            assertEquals(ProgramHeader.elfcorehdrNote(0x6fff1020L + 0x1a3f000, 24 + 12 + 65536),
                    core.noteHeaders().getLast());

            Path file = tmp.resolve("elfcorehdr-" + m.linuxName());
            Files.write(file, bytes);
            Tools.Run r = Tools.run(List.of(readelf.toString(), "-h", "-l", "-W", file.toString()), tmp, 30).assertOk();
            assertEquals("", r.stderr());
            assertTrue(r.stdout().contains(m == ElfMachine.PPC64 ? "big endian" : "little endian"), r.stdout());
            assertTrue(r.stdout().contains("Machine:                           PowerPC64"), r.stdout());
            assertTrue(r.stdout().contains(
                    "LOAD           0x6fff1020 0xc000000000000000 0x0000000000000000 0x10000000 0x10000000 RWE 0"),
                    r.stdout());
        }
        assertThrows(IllegalArgumentException.class, () -> vmcore.elfcorehdr(ElfMachine.X86_64));
    }
}

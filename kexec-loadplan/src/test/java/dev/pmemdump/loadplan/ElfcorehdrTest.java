package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Iomem;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.NoteSegment;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class ElfcorehdrTest {

    private static LoadPlan fixturePlan(PlanOptions o) throws Exception {
        return LoadPlan.build(Iomem.parse("34-iomem.txt", Fixtures.text(LoadPlanTest.KDUMP_IOMEM)), o);
    }

    @OracleTest
    @Test
    void readelfReadsTheElfcorehdrWithoutWarnings(@TempDir Path tmp) throws Exception {
        Path readelf = Tools.require("readelf");
        LoadPlan plan = fixturePlan(LoadPlanFixtureTest.fixtureOptions());
        byte[] bytes = Elfcorehdr.encode(plan);
        assertEquals(4096, bytes.length); // kexec_file pads to ELF_CORE_HEADER_ALIGN
        Path out = tmp.resolve("elfcorehdr");
        AtomicOutput.write(out, OutputRules.REPLACE, bytes);

        Tools.Run r = Tools.run(List.of(readelf.toString(), "-h", "-l", "-W", out.toString()), tmp, 30).assertOk();
        assertEquals("", r.stderr());
        assertFalse(r.stdout().toLowerCase().contains("warning"), r.stdout());
        assertTrue(r.stdout().contains("Type:                              CORE (Core file)"));
        assertTrue(r.stdout().contains("Number of program headers:         7"));
        // readelf -W: Type Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
        Matcher m = Pattern.compile("(?m)^\\s+(NOTE|LOAD)\\s+0x(\\p{XDigit}+) 0x(\\p{XDigit}+) 0x(\\p{XDigit}+) "
                + "0x(\\p{XDigit}+) 0x(\\p{XDigit}+) (...) ").matcher(r.stdout());
        List<String> rows = m.results().map(x -> x.group(1) + " " + Long.parseUnsignedLong(x.group(2), 16) + " "
                + Long.parseUnsignedLong(x.group(4), 16) + " " + Long.parseUnsignedLong(x.group(6), 16) + " "
                + x.group(7)).map(String::trim).toList();
        List<String> expected = new java.util.ArrayList<>();
        for (NoteBuffer n : plan.notes()) {
            expected.add("NOTE " + n.phys() + " " + n.phys() + " " + n.size() + " ");
        }
        for (Load l : plan.loads()) {
            expected.add("LOAD " + l.source() + " " + l.phys() + " " + l.size() + " RWE");
        }
        assertEquals(expected.stream().map(String::trim).toList(), rows);
    }

    @Test
    void pmemdumpsElfReaderSeesExactlyThePmemLoads() throws Exception {
        LoadPlan plan = fixturePlan(LoadPlanFixtureTest.fixtureOptions());
        ElfCore core = ElfCore.read(MemorySegment.ofArray(Elfcorehdr.encode(plan)), "elfcorehdr",
                ElfCore.Layout.ELFCOREHDR);
        assertEquals(ElfMachine.X86_64, core.machine());
        List<ProgramHeader> pmem = core.loads().stream().filter(ProgramHeader::isPmem).toList();
        assertEquals(List.of(ProgramHeader.load(0x17, 0x100000000L, 0xffff8886c0000000L, 0x100000000L, 0x1ffe0000L)),
                pmem);
        assertEquals(4, core.loads().size());
        assertEquals(3, core.noteHeaders().size());

        LoadPlan upstream = fixturePlan(LoadPlanFixtureTest.fixtureOptions().withPmem(false));
        ElfCore plain = ElfCore.read(MemorySegment.ofArray(Elfcorehdr.encode(upstream)), "elfcorehdr",
                ElfCore.Layout.ELFCOREHDR);
        assertTrue(plain.loads().stream().noneMatch(ProgramHeader::isPmem));
    }

    @Test
    void kexecLoadHeaderIsPaddedTo1KiBAndReadsTheBackupCopy() throws Exception {
        LoadPlan plan = fixturePlan(PlanOptions.of(LoadMode.LOAD).withCpus(2));
        byte[] bytes = Elfcorehdr.encode(plan);
        assertEquals(1024, bytes.length); // 64 + 7 * 56 = 456 bytes, kexec-tools aligns to 1 KiB
        ElfCore core = ElfCore.read(MemorySegment.ofArray(bytes), "elfcorehdr", ElfCore.Layout.ELFCOREHDR);
        ProgramHeader low = core.loads().getFirst();
        assertEquals(0x1000, low.paddr());
        assertEquals(0x16f61000, low.offset()); // top-down in crash memory 0xf000000-0x16ffffff
    }

    /**
     * readelf prints only R, W and E in its flags column; objdump prints the other bits in hex. A
     * /proc/vmcore-shaped sparse file of the plan (the layout the capture kernel gives it) lets
     * objdump read the segments and show PF_DEV.
     */
    @OracleTest
    @Test
    void objdumpShowsPfDevOnTheCaptureKernelsView(@TempDir Path tmp) throws Exception {
        Path objdump = Tools.require("objdump");
        LoadPlan plan = fixturePlan(LoadPlanFixtureTest.fixtureOptions());
        List<ProgramHeader> loads = Elfcorehdr.programHeaders(List.of(), plan.loads());
        byte[] notes = NoteSegment.encode(List.of(VmcoreInfoNote.toNote(VmcoreInfo.parse(
                Fixtures.text(LoadPlanFixtureTest.DIR + "host-analysis/VMCOREINFO.txt"), "VMCOREINFO.txt"))),
                ByteOrder.LITTLE_ENDIAN);
        List<ProgramHeader> vmcore = ElfCoreWriter.vmcoreLayout(4096, notes.length, loads);
        Path file = tmp.resolve("vmcore");
        ProgramHeader last = vmcore.getLast();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, vmcore));
            f.seek(vmcore.getFirst().offset());
            f.write(notes);
            f.setLength(last.offset() + last.filesz());
        }
        Tools.Run r = Tools.run(List.of(objdump.toString(), "-p", file.toString()), tmp, 30).assertOk();
        List<String> flags = Pattern.compile("flags (\\S+(?: \\p{XDigit}+)?)\\n").matcher(r.stdout()).results()
                .map(x -> x.group(1)).toList();
        assertEquals(List.of("---", "rwx", "rwx", "rwx", "rwx 10"), flags, r.stdout());
    }
}

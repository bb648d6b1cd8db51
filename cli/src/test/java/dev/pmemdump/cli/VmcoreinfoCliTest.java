package dev.pmemdump.cli;

import dev.pmemdump.io.Range;

import dev.pmemdump.testing.Outputs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.devm.DevmMemmapList;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class VmcoreinfoCliTest {
    static final String DIR = "linux-6.1-qemu/kdump-file/";
    static Path vmcore;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(rc, out.toString(), err.toString());
    }

    @BeforeAll
    static void unpack() {
        vmcore = Fixtures.unzstd(DIR + "vmcore.raw.zst");
    }

    @Test
    void showPrintsTheKernelsTextByteForByte() throws Exception {
        Result r = run("vmcoreinfo", "show", vmcore.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(Fixtures.text(DIR + "host-analysis/VMCOREINFO.txt"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void showJsonKeepsKernelOrder() throws Exception {
        Result r = run("vmcoreinfo", "show", "--json", vmcore.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode lines = new ObjectMapper().readTree(r.out()).get("lines");
        assertEquals(110, lines.size());
        assertEquals("OSRELEASE", lines.get(0).get("key").asText());
        assertEquals("6.1.0-56-amd64", lines.get(0).get("value").asText());
        assertEquals("CRASHTIME", lines.get(109).get("key").asText());
    }

    @Test
    void notesListMatchesReadelf() {
        Result r = run("notes", "list", vmcore.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> rows = r.out().lines().toList();
        assertEquals(4, rows.size(), r.out());
        // readelf-h-l-n.txt: notes at file offset 0x1000: CORE 0x150, CORE 0x150, VMCOREINFO 0xce4
        assertTrue(rows.get(1).matches("0\\s+0x1000\\s+CORE\\s+0x1\\s+0x150\\s+NT_PRSTATUS.*"), rows.get(1));
        assertTrue(rows.get(2).matches("1\\s+0x1164\\s+CORE\\s+0x1\\s+0x150\\s+NT_PRSTATUS.*"), rows.get(2));
        assertTrue(rows.get(3).matches("2\\s+0x12c8\\s+VMCOREINFO\\s+0x0\\s+0xce4\\s+VMCOREINFO"), rows.get(3));
    }

    @Test
    void devmListOnAKernelWithoutThePatch() {
        Result r = run("vmcoreinfo", "devm-list", vmcore.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("no devm_memmap_vmcore list"), r.out());
    }

    /** A synthetic RFC v2 kernel: 48 MiB RAM, two --map=dev namespaces registered. */
    @Test
    void devmListRestoresTheRanges(@TempDir Path tmp) throws Exception {
        long pageOffset = 0xffff888000000000L;
        long head = 0xffffffff825603c0L;
        MemorySegment mem = MemorySegment.ofArray(new byte[48 << 20]);
        FlatPhysicalMemory ram = new FlatPhysicalMemory("ram", mem, 0);
        X86_64Translation x = new X86_64Translation(ram, 0, false, 0, 1L << 30, OptionalLong.of(pageOffset), 46, 0);
        Range a = DevmMemmapList.memmapPfnRange(0x140000000L, 0, 0x1200000);
        Range b = DevmMemmapList.memmapPfnRange(0x240000000L, 0x1000, 0x2200000);
        DevmMemmapList.export(ram, x, ByteOrder.LITTLE_ENDIAN, head, List.of(
                new DevmMemmapList.Registration(pageOffset + 0x1000000, a.start(), a.end(), 1),
                new DevmMemmapList.Registration(pageOffset + 0x1000040, b.start(), b.end(), 2)), DevmMemmapList.Layout.LP64);
        VmcoreInfo info = DevmMemmapList.withVmcoreInfoLines(VmcoreInfo.builder().osRelease("6.3.0-rc3-pmem")
                .pageSize(4096).symbol("mem_section", pageOffset + 0x2000000).number("phys_base", 0)
                .symbol("init_top_pgt", 0xffffffff82a10000L).build("synthetic"), head, DevmMemmapList.Layout.LP64);
        Path file = tmp.resolve("vmcore");
        Outputs.written(file, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096,
                List.of(VmcoreInfoNote.toNote(info)),
                List.of(ProgramHeader.load(ProgramHeader.PF_RWX, 0, pageOffset, 0, 48 << 20)), ram));

        Result r = run("vmcoreinfo", "devm-list", file.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("""
                ADDRESS             START_PFN     END_PFN       PAGES
                0xffff888001000040  0x240000      0x242200      8704
                0xffff888001000000  0x140000      0x141200      4608
                2 range(s)
                """, r.out());
        r = run("vmcoreinfo", "devm-list", "--json", file.toString());
        JsonNode entries = new ObjectMapper().readTree(r.out()).get("entries");
        assertEquals(0x240000, entries.get(0).get("startPfn").asLong());
        assertEquals(4608, entries.get(1).get("pages").asLong());

        // a dangling next pointer: one line naming the file, exit 65
        mem.set(java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED, 0x1000040, pageOffset + (1L << 40));
        Outputs.written(file, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096,
                List.of(VmcoreInfoNote.toNote(info)),
                List.of(ProgramHeader.load(ProgramHeader.PF_RWX, 0, pageOffset, 0, 48 << 20)), ram));
        r = run("vmcoreinfo", "devm-list", file.toString());
        assertEquals(65, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("devm-list: " + file + ": devm_memmap_vmcore list: node 0xffff898000000000"),
                r.err());
    }

    @Test
    void deviceDumpsAddListAndExtract(@TempDir Path tmp) throws Exception {
        byte[] data = new byte[6000];
        new java.util.Random(7).nextBytes(data);
        Path dd = tmp.resolve("dd.bin");
        Files.write(dd, data);
        Path out = tmp.resolve("with-dd");
        Result r = run("notes", "add-device-dump", vmcore.toString(), "--name", "nvdimm_0", "--data", dd.toString(),
                "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        r = run("notes", "list", out.toString());
        assertTrue(r.out().lines().toList().get(1).matches(
                "0\\s+0x1000\\s+LINUX\\s+0x700\\s+0x1fec\\s+NT_VMCOREDD device dump \"nvdimm_0\""), r.out());
        Path x = tmp.resolve("x.bin");
        r = run("notes", "extract", out.toString(), "nvdimm_0", "-o", x.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("DEVICE: nvdimm_0\n8128 bytes copied from 0x1040 to " + x + "\n", r.out());
        assertArrayEquals(data, Arrays.copyOf(Files.readAllBytes(x), data.length));
        // x.bin exists now: replacing it takes --force
        r = run("notes", "extract", vmcore.toString(), "--note", "2", "-o", x.toString(), "--force");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(Files.readAllBytes(Fixtures.path(DIR + "host-analysis/VMCOREINFO.txt")), Files.readAllBytes(x));
    }

    @Test
    void badInputsGiveOneLineAndTheRightExitCode(@TempDir Path tmp) throws Exception {
        Result r = run("vmcoreinfo", "show", tmp.resolve("missing").toString());
        assertEquals(66, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());

        Path text = tmp.resolve("text");
        Files.writeString(text, "hello, this is not a dump at all, but it is long enough to have a header. ........");
        r = run("vmcoreinfo", "show", text.toString());
        assertEquals(65, r.exit());
        assertEquals("show: " + text + ": offset 0x0: neither an ELF vmcore nor a kdump-compressed dump\n", r.err());

        Path truncated = tmp.resolve("truncated");
        try (var in = Files.newInputStream(vmcore)) {
            Files.write(truncated, in.readNBytes(0x1800));
        }
        r = run("notes", "list", truncated.toString());
        assertEquals(65, r.exit());
        assertTrue(r.err().contains(truncated + ": offset 0x"), r.err());
        assertTrue(r.err().contains("runs past the end of the file"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());

        r = run("notes", "extract", vmcore.toString(), "-o", tmp.resolve("o").toString());
        assertEquals(2, r.exit());
        assertFalse(Files.exists(tmp.resolve("o")));
    }
}

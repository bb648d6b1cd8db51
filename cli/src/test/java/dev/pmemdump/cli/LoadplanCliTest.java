package dev.pmemdump.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class LoadplanCliTest {
    private static final String DIR = "linux-6.1-qemu/kdump-file/";

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String iomem() {
        return Fixtures.path(DIR + "first-kernel/34-iomem.txt").toString();
    }

    @Test
    void filePlanPrintsTheVmcoresLoadsPlusThePmemLoad() {
        Result r = run("loadplan", "--iomem", iomem(), "--mode", "file", "--cpus", "2",
                "--vmcoreinfo", Fixtures.path(DIR + "host-analysis/VMCOREINFO.txt").toString(),
                "--vmcoreinfo-note", Fixtures.path(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt").toString(),
                "--kernel-size", "0x3430000", "--page-offset", "0xffff8885c0000000");
        assertEquals(0, r.code(), r.err());
        String table = r.out().substring(r.out().lastIndexOf('\n', r.out().indexOf("phys_start")) + 1);
        assertEquals(""
                + "               phys_start         phys_end       virt_start         virt_end  is_pmem\n"
                + "LOAD[ 0]          8600000          ba30000 ffffffffae000000 ffffffffb1430000    false\n"
                + "LOAD[ 1]           100000          f000000 ffff8885c0100000 ffff8885cf000000    false\n"
                + "LOAD[ 2]         17000000         17fdf000 ffff8885d7000000 ffff8885d7fdf000    false\n"
                + "LOAD[ 3]        100000000        11ffe0000 ffff8886c0000000 ffff8886dffe0000     true\n", table);
        assertTrue(r.out().contains("note: VMCOREINFO phys 0x197e000 size 0x1024\n"), r.out());
        assertTrue(r.out().contains("crash kernel: 0xf000000-0x16ffffff"), r.out());
    }

    @Test
    void noPmemAndJson() throws Exception {
        Result r = run("loadplan", "--iomem", iomem(), "--mode", "load", "--no-pmem", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("kexec_load", json.get("mode").asText());
        assertEquals(3, json.get("loads").size());
        assertEquals("0x16f61000", json.get("loads").get(0).get("source").asText()); // the backup copy
        Result text = run("loadplan", "--iomem", iomem(), "--mode", "load", "--no-pmem");
        assertTrue(text.out().contains("LOAD[ 0] is read from its copy at 0x16f61000\n"), text.out());
        for (JsonNode l : json.get("loads")) {
            assertEquals("0x7", l.get("p_flags").asText());
        }
    }

    @Test
    void placesCrashkernelWhenIomemHasNone(@TempDir Path tmp) throws Exception {
        Path unreserved = tmp.resolve("iomem");
        Files.writeString(unreserved, Fixtures.text(DIR + "first-kernel/34-iomem.txt")
                .replace("  0f000000-16ffffff : Crash kernel\n", ""));
        Result r = run("loadplan", "--iomem", unreserved.toString(), "--crashkernel", "128M");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("crash kernel: 0xf000000-0x16ffffff (Reserving 128MB of memory at 240MB for "
                + "crashkernel (System RAM: 383MB))"), r.out());
        Result none = run("loadplan", "--iomem", unreserved.toString(), "--crashkernel", "1G");
        assertEquals(2, none.code());
        assertEquals("loadplan: crashkernel=1G: no suitable area found for 1024MB (System RAM: 383MB)\n", none.err());
    }

    @Test
    void readsNoteAddressesFromSysfs(@TempDir Path sys) throws Exception {
        for (int cpu = 0; cpu < 2; cpu++) {
            Path d = Files.createDirectories(sys.resolve("devices/system/cpu/cpu" + cpu));
            Files.writeString(d.resolve("crash_notes"), Long.toHexString(0x17c1c000L + cpu * 0x40000L) + "\n");
            Files.writeString(d.resolve("crash_notes_size"), "368\n");
        }
        Files.createDirectories(sys.resolve("devices/system/cpu/cpufreq"));
        Files.createDirectories(sys.resolve("kernel"));
        Files.writeString(sys.resolve("kernel/vmcoreinfo"), "0x000000000197e000 1024\n");
        Result r = run("loadplan", "--iomem", iomem(), "--sysfs", sys.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode notes = new ObjectMapper().readTree(r.out()).get("notes");
        assertEquals(3, notes.size());
        assertEquals("0x17c5c000", notes.get(1).get("phys").asText());
        assertEquals(368, notes.get(1).get("size").asLong());
        assertEquals("0x197e000", notes.get(2).get("phys").asText());
    }

    @Test
    void badInputGivesOneLineAndAnExitCode(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("iomem");
        Files.writeString(bad, "00000000-00000fff : Reserved\n00000800-0009fbff : System RAM\n");
        Result r = run("loadplan", "--iomem", bad.toString());
        assertEquals(65, r.code());
        assertEquals("loadplan: " + bad + ": line 2: 'System RAM' 0x800-0x9fbff overlaps 'Reserved' 0x0-0xfff "
                + "(line 1)\n", r.err());
        assertEquals("", r.out());

        Result missing = run("loadplan", "--iomem", tmp.resolve("nope").toString());
        assertEquals(66, missing.code());
        Result mode = run("loadplan", "--iomem", iomem(), "--mode", "both");
        assertEquals(2, mode.code());
        assertEquals("loadplan: --mode must be load or file, not 'both'\n", mode.err());
        Result spec = run("loadplan", "--iomem", iomem(), "--crashkernel", "2G-1G:64M");
        assertEquals(2, spec.code());
    }

    @Test
    void fadumpPrintsTheDocumentedRegions() throws Exception {
        Result r = run("loadplan", "fadump", "--ram", "2G");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("""
                fadump_region in the second kernel:
                CPU : [0x0000006ffb0000-0x0000006fff001f] 0x40020 bytes, Dumped: 0x40020
                HPTE: [0x0000006fff0020-0x0000006fff101f] 0x1000 bytes, Dumped: 0x1000
                DUMP: [0x0000006fff1020-0x0000007fff101f] 0x10000000 bytes, Dumped: 0x10000000
                    : [0x00000010000000-0x0000006ffaffff] 0x5ffb0000 bytes, Dumped: 0x5ffb0000
                """), r.out());
        assertTrue(r.out().contains("LOAD[ 0] is read from its copy at 0x6fff1020\n"), r.out());
        assertFalse(r.out().contains("LOAD[ 1] is read"), r.out());
        Result json = run("loadplan", "fadump", "--ram", "2G", "--reserve", "512M", "--json");
        assertEquals(0, json.code(), json.err());
        assertEquals(512L << 20, new ObjectMapper().readTree(json.out()).get("boot_memory_size").asLong());
        Result tooSmall = run("loadplan", "fadump", "--ram", "256M");
        assertEquals(2, tooSmall.code());
        assertEquals("fadump: 0x10000000 bytes of RAM cannot hold 0x10000000 bytes of fadump boot memory plus its "
                + "0x10050000 bytes reserved dump area at the top of memory\n", tooSmall.err());
    }

    @Test
    void writesTheElfcorehdrOnlyWhenThePlanSucceeds(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("elfcorehdr");
        Result r = run("loadplan", "--iomem", iomem(), "--cpus", "2", "-o", out.toString());
        assertEquals(0, r.code(), r.err());
        ElfCore core = ElfCore.read(MemorySegment.ofArray(Files.readAllBytes(out)), out.toString(),
                ElfCore.Layout.ELFCOREHDR);
        assertEquals(1, core.loads().stream().filter(ProgramHeader::isPmem).count());
        assertEquals(3, core.noteHeaders().size());

        Path none = tmp.resolve("not-written");
        Result bad = run("loadplan", "--iomem", iomem(), "--vmcoreinfo", tmp.resolve("missing").toString(),
                "-o", none.toString());
        assertEquals(66, bad.code());
        assertEquals(List.of(out), Files.list(tmp).toList());

        Path ppc = tmp.resolve("fadump-le");
        Result fadump = run("loadplan", "fadump", "--ram", "2G", "--endian", "le", "-o", ppc.toString());
        assertEquals(0, fadump.code(), fadump.err());
        ElfCore le = ElfCore.read(MemorySegment.ofArray(Files.readAllBytes(ppc)), ppc.toString(),
                ElfCore.Layout.ELFCOREHDR);
        assertEquals(ElfMachine.PPC64LE, le.machine());
        assertEquals(0x6fff1020L, le.loads().getFirst().offset());
    }
}

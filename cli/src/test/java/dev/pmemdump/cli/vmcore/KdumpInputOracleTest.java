package dev.pmemdump.cli.vmcore;

import dev.pmemdump.cli.Main;
import dev.pmemdump.images.Scenario;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.VmcoreInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vmcoreinfo and notes verbs on kdump-compressed dumps written by makedumpfile 1.7.2 (-c, -l,
 * --split parts) of the real 6.1 vmcore, a real pmem kdump and an RFC scenario with a
 * devm_memmap_vmcore list and a device dump: every answer equals the same verb on the ELF vmcore the
 * dump was made from (note offsets are checked against the kdump sub-header's offset_note instead).
 */
@OracleTest
class KdumpInputOracleTest {
    static final String REAL = "linux-6.1-qemu/kdump-file/";
    static final String PMEM = "linux-6.1-qemu-pmem-kdump/k3-load-pfdev-nohole-192M/";

    @TempDir
    static Path dir;
    static Path vmcore;
    static Path scenarioVmcore;

    record Result(int exit, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(rc, out.toString(), err.toString());
    }

    /** makedumpfile 1.7.2 with these arguments; it must succeed. */
    static void makedumpfile(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Tools.require("makedumpfile").toString()));
        cmd.addAll(List.of(args));
        Tools.run(cmd, dir, 600).assertOk();
    }

    static Path kdump(Path elf, String name, String... options) {
        Path out = dir.resolve(name);
        if (!Files.exists(out)) {
            List<String> a = new ArrayList<>(List.of(options));
            a.add(elf.toString());
            a.add(out.toString());
            makedumpfile(a.toArray(String[]::new));
        }
        return out;
    }

    @BeforeAll
    static void inputs() throws Exception {
        vmcore = Fixtures.unzstd(REAL + "vmcore.raw.zst");
        Path json = dir.resolve("scenario.json");
        Files.writeString(json, Scenario.defaultScenario().toJson());
        Path out = dir.resolve("scenario");
        Result r = run("image", "build", "--scenario", json.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        scenarioVmcore = out.resolve("vmcore");
    }

    /** offset_note of a kdump file, read straight from its sub-header (block 1, field at 48). */
    static long offsetNote(Path kdump) throws Exception {
        try (FileChannel ch = FileChannel.open(kdump)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 428);
            long blockSize = b.getInt(0);
            ByteBuffer o = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(o, blockSize + 48);
            return o.getLong(0);
        }
    }

    /** The ELF vmcore's single PT_NOTE offset (as /proc/vmcore lays it out: right after the headers). */
    static long elfNoteOffset(String notesListOutput) {
        return Long.decode(notesListOutput.lines().skip(1).findFirst().orElseThrow().split("\\s+")[1]);
    }

    /**
     * Both listings row by row: the same index, owner, type, size and description; each kdump offset lies
     * as far from offset_note as the ELF one from the PT_NOTE.
     */
    static void assertSameNotes(Path elf, Path kdump) throws Exception {
        Result e = run("notes", "list", elf.toString());
        Result k = run("notes", "list", kdump.toString());
        assertEquals(0, e.exit(), e.err());
        assertEquals(0, k.exit(), k.err());
        List<String> er = e.out().lines().toList();
        List<String> kr = k.out().lines().toList();
        assertEquals(er.size(), kr.size(), k.out());
        assertTrue(er.size() > 2, e.out());
        assertEquals(er.get(0), kr.get(0));
        long elfBase = elfNoteOffset(e.out());
        long kdumpBase = offsetNote(kdump);
        for (int i = 1; i < er.size(); i++) {
            String[] ec = er.get(i).split("\\s+", 6);
            String[] kc = kr.get(i).split("\\s+", 6);
            assertEquals(Long.decode(ec[1]) - elfBase, Long.decode(kc[1]) - kdumpBase, kr.get(i));
            for (int c : new int[] {0, 2, 3, 4, 5}) {
                assertEquals(ec[c], kc[c], kr.get(i));
            }
        }
    }

    static void assertSameOutput(Path elf, Path kdump, String... verb) {
        List<String> a = new ArrayList<>(List.of(verb));
        a.add(elf.toString());
        Result e = run(a.toArray(String[]::new));
        a.set(a.size() - 1, kdump.toString());
        Result k = run(a.toArray(String[]::new));
        assertEquals(0, e.exit(), e.err());
        assertEquals(0, k.exit(), k.err());
        assertEquals("", k.err());
        assertEquals(e.out().replace(elf.toString(), "VMCORE"), k.out().replace(kdump.toString(), "VMCORE"));
    }

    /** zlib, lzo and uncompressed pages (this makedumpfile 1.7.2 has neither snappy nor zstd built in). */
    @ParameterizedTest
    @ValueSource(strings = {"-c -d 31", "-l -d 1", "-d 31"})
    void theRealVmcoreAsKdumpAnswersAsTheElf(String options) throws Exception {
        String codec = options.replace(" ", "");
        Path k = kdump(vmcore, "real" + codec, options.split(" "));
        assertSameOutput(vmcore, k, "vmcoreinfo", "show");
        assertEquals(Fixtures.text(REAL + "host-analysis/VMCOREINFO.txt"), run("vmcoreinfo", "show", k.toString()).out());
        assertSameOutput(vmcore, k, "vmcoreinfo", "show", "--json");
        assertSameOutput(vmcore, k, "vmcoreinfo", "devm-list");
        assertSameNotes(vmcore, k);
        Path note = dir.resolve("note2" + codec);
        Result x = run("notes", "extract", k.toString(), "--note", "2", "-o", note.toString());
        assertEquals(0, x.exit(), x.err());
        assertArrayEquals(Files.readAllBytes(Fixtures.path(REAL + "host-analysis/VMCOREINFO.txt")),
                Files.readAllBytes(note));
    }

    /** Kernel virtual memory through the kdump pages equals the ELF's: page tables and struct data alike. */
    @Test
    void kernelMemoryReadsTheSameBytes() throws Exception {
        Path k = kdump(vmcore, "real-c-d31", "-c", "-d", "31");
        try (VmcoreFile e = VmcoreFile.open(vmcore); VmcoreFile c = VmcoreFile.open(k)) {
            VmcoreInfo ei = e.vmcoreInfo();
            assertEquals(ei.text(), c.vmcoreInfo().text());
            for (String symbol : List.of("init_uts_ns", "swapper_pg_dir", "mem_section", "node_data")) {
                long va = ei.symbol(symbol);
                byte[] a = e.kernelMemory(ei).read(va, 512);
                byte[] b = c.kernelMemory(c.vmcoreInfo()).read(va, 512);
                assertArrayEquals(a, b, symbol);
            }
            assertTrue(new String(e.kernelMemory(ei).read(ei.symbol("init_uts_ns"), 512),
                    java.nio.charset.StandardCharsets.ISO_8859_1).contains("6.1.0-56-amd64"));
        }
    }

    @Test
    void splitPartsEachCarryTheHeaderMetadata() throws Exception {
        Path p1 = dir.resolve("part1");
        Path p2 = dir.resolve("part2");
        makedumpfile("-c", "-d", "31", "--split", vmcore.toString(), p1.toString(), p2.toString());
        for (Path p : List.of(p1, p2)) {
            assertSameOutput(vmcore, p, "vmcoreinfo", "show");
            assertSameNotes(vmcore, p);
        }
    }

    @Test
    void anRfcScenarioKeepsItsDevmListAndDeviceDumpThroughKdump() throws Exception {
        Path k = kdump(scenarioVmcore, "scenario-c", "-c", "-d", "31");
        Result list = run("vmcoreinfo", "devm-list", k.toString());
        assertTrue(list.out().endsWith(" range(s)\n") && !list.out().startsWith("0 range"), list.out() + list.err());
        assertSameOutput(scenarioVmcore, k, "vmcoreinfo", "devm-list");
        assertSameOutput(scenarioVmcore, k, "vmcoreinfo", "devm-list", "--json");
        assertSameOutput(scenarioVmcore, k, "vmcoreinfo", "show");
        assertSameNotes(scenarioVmcore, k);
        assertTrue(run("notes", "list", k.toString()).out().contains("NT_VMCOREDD device dump"));
    }

    @Test
    void aRealPmemKdumpAnswersAsItsElf() throws Exception {
        Path elf = Fixtures.unzstd(PMEM + "vmcore.raw.zst");
        Path k = kdump(elf, "pmem-l", "-l", "-d", "31");
        assertSameOutput(elf, k, "vmcoreinfo", "show");
        assertEquals(Fixtures.text(PMEM + "host-analysis/VMCOREINFO.txt"), run("vmcoreinfo", "show", k.toString()).out());
        assertSameOutput(elf, k, "vmcoreinfo", "devm-list");
        assertSameNotes(elf, k);
    }

    @Test
    void aFlattenedStreamIsRefusedWithTheRebuildHint() throws Exception {
        Path flat = dir.resolve("flat");
        Tools.run(List.of("/bin/sh", "-c", "'" + Tools.require("makedumpfile") + "' -F -c -d 31 '" + vmcore + "' > '"
                + flat + "'"), dir, 600).assertOk();
        Result r = run("vmcoreinfo", "show", flat.toString());
        assertEquals(65, r.exit());
        assertEquals("show: " + flat + ": offset 0x0: is a flattened dump (makedumpfile -F): rebuild it first with "
                + "makedumpfile -R DUMPFILE < " + flat + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void aCorruptHeaderIsOneLineNamingFileAndOffset() throws Exception {
        Path k = kdump(vmcore, "real-c-d31", "-c", "-d", "31");
        Path bad = dir.resolve("bad-block-size");
        try (FileChannel in = FileChannel.open(k); FileChannel out = FileChannel.open(bad, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(0, 1 << 20, out);
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 3), 428);
        }
        Result r = run("notes", "list", bad.toString());
        assertEquals(65, r.exit());
        assertEquals("list: " + bad + ": offset 0x1ac: impossible block_size 3\n", r.err());

        Path truncated = dir.resolve("truncated");
        try (FileChannel in = FileChannel.open(k); FileChannel out = FileChannel.open(truncated,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(0, 3 * 4096, out);
        }
        r = run("vmcoreinfo", "show", truncated.toString());
        assertEquals(65, r.exit());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("show: " + truncated + ": offset 0x"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}

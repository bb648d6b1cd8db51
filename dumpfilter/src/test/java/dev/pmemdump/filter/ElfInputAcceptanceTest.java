package dev.pmemdump.filter;

import dev.pmemdump.filter.cli.MakedumpfileCommand;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Acceptance on the real 6.1 vmcore: the counts of makedumpfile 1.7.2's recorded reports, its
 * recorded output hashes, and page-by-page equality with what the installed makedumpfile writes.
 */
@FixtureTest
class ElfInputAcceptanceTest {
    static final String DIR = "linux-6.1-qemu/kdump-file/host-analysis/";

    @TempDir
    static Path dir;
    static Path vmcore;

    record Run(int code, String out, String err) {}

    @BeforeAll
    static void fixture() {
        vmcore = Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst");
    }

    static Run makedumpfile(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new MakedumpfileCommand(new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream()));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** The report lines whose figures are page counts (not Write bytes, not our two pmem lines). */
    static List<String> counts(String report) {
        return report.lines().filter(l -> l.matches("^(Original pages|  Excluded pages|     in ELF format|    [A-Z]"
                + "|  Remaining pages|  \\(The number|Memory Hole|Total pages).*")).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"E-d31", "E-d1", "l-d31"})
    void reportCountsEqualMakedumpfilesRecordedReport(String run) {
        String[] opts = run.split("-d");
        Path out = dir.resolve("counts-" + run);
        Run r = makedumpfile("-" + opts[0].replace("-", ""), "-d", opts[1], "--message-level", "31", vmcore.toString(),
                out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> recorded = counts(Fixtures.text(DIR + "makedumpfile-" + run + ".txt"));
        assertEquals(run.startsWith("E") ? 15 : 13, recorded.size());
        assertEquals(recorded, counts(r.out()));
        assertTrue(r.out().contains("    pmem metadata pages     : 0x0000000000000000\n"
                + "    pmem userdata pages     : 0x0000000000000000\n"));
        assertTrue(r.out().contains("LOAD[ 2]         17000000         17fdf000 ffff8885d7000000 ffff8885d7fdf000"
                + "    false\n"), r.out());
        // and how the pages are read: a file in the page cache is not mapped, for the reason given
        assertTrue(r.out().contains(vmcore + ": not mapped: pread of a file in the page cache costs less than the page"
                + " faults of a mapping\n"), r.out());
    }

    @Test
    void elfOutputIsTheRecordedMakedumpfileFile() throws IOException {
        Path out = dir.resolve("E31.elf");
        assertEquals(0, makedumpfile("-E", "-d", "31", vmcore.toString(), out.toString()).code());
        String recorded = Fixtures.text(DIR + "outputs-sha256.txt").lines().filter(l -> l.contains("vmcore.E-d31.elf"))
                .findFirst().orElseThrow().split(" ")[0];
        assertEquals(recorded, KdumpFormatTest.sha256(out));
    }

    @OracleTest
    @Test
    void elfOutputHoldsTheSamePagesAsMakedumpfiles() throws IOException {
        Path ours = dir.resolve("ours-E1.elf");
        Path theirs = dir.resolve("theirs-E1.elf");
        assertEquals(0, makedumpfile("-E", "-d", "1", vmcore.toString(), ours.toString()).code());
        Tools.run(List.of(Tools.require("makedumpfile").toString(), "-E", "-d", "1", vmcore.toString(),
                theirs.toString()), dir, 120).assertOk();
        try (MappedImage a = MappedImage.open(ours, MappedImage.Access.READ_ONLY);
             MappedImage b = MappedImage.open(theirs, MappedImage.Access.READ_ONLY)) {
            ElfCore ca = ElfCore.open(a);
            ElfCore cb = ElfCore.open(b);
            assertEquals(cb.loads().size(), ca.loads().size());
            ElfPhysicalMemory ma = new ElfPhysicalMemory(ca);
            ElfPhysicalMemory mb = new ElfPhysicalMemory(cb);
            byte[] pa = new byte[4096];
            byte[] pb = new byte[4096];
            long withData = 0;
            for (long pfn = 0; pfn < 0x17fdf; pfn++) {
                long addr = pfn * 4096;
                boolean inA = hasData(ma, addr);
                assertEquals(hasData(mb, addr), inA, "pfn 0x" + Long.toHexString(pfn));
                if (inA) {
                    ma.read(addr, MemorySegment.ofArray(pa));
                    mb.read(addr, MemorySegment.ofArray(pb));
                    assertArrayEquals(pb, pa, "pfn 0x" + Long.toHexString(pfn));
                    withData++;
                }
            }
            assertTrue(withData > 20_000, "only " + withData + " pages with data");
        }
    }

    @OracleTest
    @Test
    void kdumpOutputKeepsMakedumpfilesPages() throws IOException {
        Path ours = dir.resolve("ours-c31.kdump");
        Path theirs = dir.resolve("theirs-c31.kdump");
        assertEquals(0, makedumpfile("-c", "-d", "31", vmcore.toString(), ours.toString()).code());
        Tools.run(List.of(Tools.require("makedumpfile").toString(), "-c", "-d", "31", vmcore.toString(),
                theirs.toString()), dir, 120).assertOk();
        // zlib at level 1 is deterministic: the whole file must be the same, headers, bitmaps and pages.
        assertEquals(KdumpFormatTest.sha256(theirs), KdumpFormatTest.sha256(ours));
        try (KdumpReader r = KdumpReader.open(ours)) {
            assertEquals(0x7036 - 0x3430 + 0x5606, r.readable().cardinality());
        }
    }

    @OracleTest
    @Test
    void makedumpfileAndDrgnReadOurLzoDump() throws IOException {
        Path ours = dir.resolve("ours-l31.kdump");
        assertEquals(0, makedumpfile("-l", "-d", "31", vmcore.toString(), ours.toString()).code());
        Path mdf = Tools.require("makedumpfile");
        // makedumpfile prints the kernel log from our file exactly as it did from the vmcore
        Path log = dir.resolve("dmesg.txt");
        Tools.run(List.of(mdf.toString(), "--dump-dmesg", ours.toString(), log.toString()), dir, 120).assertOk();
        String recorded = Fixtures.text(DIR + "outputs-sha256.txt").lines()
                .filter(l -> l.contains("dmesg-from-vmcore.txt")).findFirst().orElseThrow().split(" ")[0];
        assertEquals(recorded, KdumpFormatTest.sha256(log));
        // and re-filters it to the same zlib file as from its own -l output of the vmcore
        Path theirsL = dir.resolve("theirs-l31.kdump");
        Tools.run(List.of(mdf.toString(), "-l", "-d", "31", vmcore.toString(), theirsL.toString()), dir, 120).assertOk();
        Path a = dir.resolve("refilter-ours.kdump");
        Path b = dir.resolve("refilter-theirs.kdump");
        Tools.run(List.of(mdf.toString(), "-c", "-d", "31", ours.toString(), a.toString()), dir, 120).assertOk();
        Tools.run(List.of(mdf.toString(), "-c", "-d", "31", theirsL.toString(), b.toString()), dir, 120).assertOk();
        assertEquals(KdumpFormatTest.sha256(b), KdumpFormatTest.sha256(a));
        // crash accepts the headers (without a vmlinux it can only report the release)
        Tools.Run crash = Tools.run(List.of(Tools.require("crash").toString(), "--osrelease", ours.toString()), dir, 60);
        assertEquals("6.1.0-56-amd64", crash.assertOk().stdout().trim());
        // drgn reads the same physical pages from ours as from makedumpfile's
        Path py = Tools.requirePython("drgn");
        String script = """
                import drgn, hashlib, sys
                p = drgn.Program(); p.set_core_dump(sys.argv[1]); m = hashlib.sha256(); n = 0
                for pfn in range(0x17fdf):
                    try: b = p.read(pfn * 4096, 4096, True)
                    except drgn.FaultError: continue
                    m.update(pfn.to_bytes(8, 'little')); m.update(b); n += 1
                print(n, m.hexdigest())
                """;
        String fromOurs = Tools.run(List.of(py.toString(), "-c", script, ours.toString()), dir, 300).assertOk().stdout();
        String fromTheirs = Tools.run(List.of(py.toString(), "-c", script, theirsL.toString()), dir, 300).assertOk()
                .stdout();
        assertEquals(fromTheirs, fromOurs);
        assertTrue(fromOurs.startsWith((0x7036 - 0x3430 + 0x5606) + " "), fromOurs);
    }

    @Test
    void dumpDmesgEqualsMakedumpfilesFromVmcoreAndFromOurDump() throws IOException {
        String recorded = Fixtures.text(DIR + "outputs-sha256.txt").lines()
                .filter(l -> l.contains("dmesg-from-vmcore.txt")).findFirst().orElseThrow().split(" ")[0];
        Path fromVmcore = dir.resolve("dmesg-vmcore.txt");
        Run r = makedumpfile("--dump-dmesg", vmcore.toString(), fromVmcore.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().endsWith("\nThe dmesg log is saved to " + fromVmcore + ".\n\nmakedumpfile Completed.\n"));
        assertEquals(recorded, KdumpFormatTest.sha256(fromVmcore));
        Path dump = dir.resolve("for-dmesg.kdump");
        assertEquals(0, makedumpfile("-z", "-d", "31", vmcore.toString(), dump.toString()).code());
        Path fromDump = dir.resolve("dmesg-dump.txt");
        assertEquals(0, makedumpfile("--dump-dmesg", dump.toString(), fromDump.toString()).code());
        assertEquals(recorded, KdumpFormatTest.sha256(fromDump));
    }

    @Test
    void truncatedVmcoreAndLoadPastEndFailWithNamedErrors() throws IOException {
        Path cut = dir.resolve("truncated.vmcore");
        try (var in = java.nio.channels.FileChannel.open(vmcore); var out = java.nio.channels.FileChannel.open(cut,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            in.transferTo(0, 200L << 20, out);
        }
        Path out = dir.resolve("never-truncated.kdump");
        Run r = makedumpfile("-l", "-d", "31", cut.toString(), out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith(cut + ": offset 0x"), r.err());
        assertEquals(1, r.err().lines().filter(l -> !l.isEmpty()).count(), r.err());
        assertEquals("\nmakedumpfile Failed.\n", r.out());
        assertTrue(!java.nio.file.Files.exists(out));

        // the last PT_LOAD's p_filesz grown past the end of the file
        Path past = dir.resolve("load-past-end.vmcore");
        java.nio.file.Files.copy(vmcore, past);
        try (var ch = java.nio.channels.FileChannel.open(past, java.nio.file.StandardOpenOption.WRITE)) {
            long phdr3 = 64 + 3 * 56;
            ch.write(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40),
                    phdr3 + 32);
        }
        Run p = makedumpfile("-E", "-d", "31", past.toString(), out.toString());
        assertEquals(1, p.code());
        assertTrue(p.err().startsWith(past + ": offset 0x"), p.err());
        assertTrue(!java.nio.file.Files.exists(out));
    }

    @OracleTest
    @Test
    void splitFilesReassembleWithMakedumpfile() throws IOException {
        Path s1 = dir.resolve("split1");
        Path s2 = dir.resolve("split2");
        Path whole = dir.resolve("whole.kdump");
        Run r = makedumpfile("--split", "-l", "-d", "31", vmcore.toString(), s1.toString(), s2.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("The dumpfiles are saved to " + s1 + ", and " + s2 + "."), r.out());
        assertEquals(0, makedumpfile("-l", "-d", "31", vmcore.toString(), whole.toString()).code());
        Path re = dir.resolve("reassembled.kdump");
        Tools.run(List.of(Tools.require("makedumpfile").toString(), "--reassemble", s1.toString(), s2.toString(),
                re.toString()), dir, 120).assertOk();
        try (KdumpReader a = KdumpReader.open(whole); KdumpReader b = KdumpReader.open(re);
             KdumpReader p1 = KdumpReader.open(s1); KdumpReader p2 = KdumpReader.open(s2)) {
            assertEquals(1, p1.header().split());
            assertEquals(p1.header().endPfn(), p2.header().startPfn());
            var pages = a.readable();
            assertEquals(pages.cardinality(), p1.readable().cardinality() + p2.readable().cardinality());
            assertArrayEquals(KdumpFormatTest.bits(pages), KdumpFormatTest.bits(b.readable()));
            byte[] x = new byte[4096];
            byte[] y = new byte[4096];
            for (long pfn = pages.nextSet(0); pfn >= 0; pfn = pages.nextSet(pfn + 1)) {
                a.read(pfn, x);
                b.read(pfn, y);
                assertArrayEquals(x, y, "pfn 0x" + Long.toHexString(pfn));
            }
        }
    }

    static boolean hasData(ElfPhysicalMemory m, long addr) {
        var ph = m.loadAt(addr);
        return ph != null && addr - ph.paddr() + 4096 <= ph.filesz();
    }

    @Test
    void missingVmcoreinfoKeyFailsWithoutDumpfile() throws IOException {
        // A vmcore whose VMCOREINFO lost SYMBOL(mem_section): same bytes, the key renamed in place.
        Path bad = dir.resolve("no-mem_section.vmcore");
        java.nio.file.Files.copy(vmcore, bad);
        try (var ch = java.nio.channels.FileChannel.open(bad, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer notes = java.nio.ByteBuffer.allocate(0x1000);
            ch.read(notes, 0x1000);
            String text = new String(notes.array(), java.nio.charset.StandardCharsets.ISO_8859_1);
            int at = text.indexOf("SYMBOL(mem_section)=");
            assertTrue(at > 0);
            ch.write(java.nio.ByteBuffer.wrap("SYMBOL(mem_sectioX)=".getBytes()), 0x1000 + at);
        }
        Path out = dir.resolve("never.kdump");
        Run r = makedumpfile("-l", "-d", "31", bad.toString(), out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("VMCOREINFO has no SYMBOL(mem_section)="), r.err());
        assertTrue(r.out().endsWith("\nmakedumpfile Failed.\n"), r.out());
        assertTrue(!java.nio.file.Files.exists(out));
        assertTrue(Arrays.stream(dir.toFile().list()).noneMatch(n -> n.endsWith(".partial")));
    }
}

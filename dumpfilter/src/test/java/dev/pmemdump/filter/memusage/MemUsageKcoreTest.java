package dev.pmemdump.filter.memusage;

import dev.pmemdump.filter.cli.MakedumpfileArgs;
import dev.pmemdump.filter.run.Console;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --mem-usage on the real 6.1 vmcore laid out as /proc/kcore (its text and RAM PT_LOADs carry p_paddr;
 * a vmalloc PT_LOAD with p_paddr -1 is added, as kcore has), with the first kernel's /proc/iomem and
 * /sys/kernel/vmcoreinfo. The table must hold the figures of makedumpfile 1.7.2's own -d 31 report on
 * that vmcore (host-analysis/makedumpfile-l-d31.txt), printed as its print_mem_usage() prints them.
 */
@FixtureTest
class MemUsageKcoreTest {
    static final String DIR = "linux-6.1-qemu/kdump-file/";
    /**
     * makedumpfile-l-d31.txt: zero 0x5606, non-private cache 0xda6, private cache 0, user 0x73, free 0x5eba,
     * remaining 0x7036, original pages 0x1330f; in print_mem_usage's format ("%-16llu" and tabs).
     */
    static final String TABLE = "\nTYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n"
            + "----------------------------------------------------------------------\n"
            + "ZERO\t\t22022           \tyes\t\tPages filled with zero\n"
            + "NON_PRI_CACHE\t3494            \tyes\t\tCache pages without private flag\n"
            + "PRI_CACHE\t0               \tyes\t\tCache pages with private flag\n"
            + "USER\t\t115             \tyes\t\tUser process pages\n"
            + "FREE\t\t24250           \tyes\t\tFree pages\n"
            + "KERN_DATA\t28726           \tno\t\tDumpable kernel data \n"
            + "\n"
            + "page size:\t\t4096            \n"
            + "Total pages on system:\t78607           \n"
            + "Total size on system:\t321974272        Byte\n";
    static final String NOTICE = "The kernel version is not supported.\nThe makedumpfile operation may be incomplete.\n";

    @TempDir
    static Path dir;
    static Path kcore;
    static Path kcoreWithoutVmcoreinfo;
    static LiveSystem live;

    record Run(boolean ok, String out, String err) {}

    @BeforeAll
    static void kcores() throws IOException {
        Path vmcore = Fixtures.unzstd(DIR + "vmcore.raw.zst");
        kcore = kcoreShaped(vmcore, dir.resolve("kcore"), false);
        kcoreWithoutVmcoreinfo = kcoreShaped(vmcore, dir.resolve("kcore-4.18"), true);
        live = new LiveSystem("6.1.0-56-amd64", Fixtures.path(DIR + "first-kernel/34-iomem.txt"),
                Fixtures.path(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt"));
    }

    /**
     * A copy of {@code vmcore} with a 5th program header: PT_LOAD, vaddr 0xffffc90000000000 (vmalloc),
     * p_paddr -1, 32 TiB. {@code dropVmcoreinfo} cuts the PT_NOTE before the VMCOREINFO note (at
     * 0x12c8, after the two CPU notes), as a kcore before Linux 4.19 has none.
     */
    static Path kcoreShaped(Path vmcore, Path out, boolean dropVmcoreinfo) throws IOException {
        try (FileChannel in = FileChannel.open(vmcore); FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            for (long done = 0; done < size; ) {
                done += in.transferTo(done, size - done, o);
            }
            ByteBuffer ph = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
            ph.putInt(1).putInt(7).putLong(0x1000).putLong(0xffffc90000000000L).putLong(-1L)
                    .putLong(32L << 40).putLong(32L << 40).putLong(0).flip();
            o.write(ph, 64 + 4 * 56);
            o.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, (short) 5), 56);
            if (dropVmcoreinfo) {
                o.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0x2c8), 64 + 32);
            }
        }
        return out;
    }

    static Run memUsage(LiveSystem system, String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Console console = new Console(new PrintWriter(out), new PrintWriter(err), 7, false);
        boolean ok = MemUsage.run(MakedumpfileArgs.parse(List.of(args)), system, console);
        return new Run(ok, out.toString(), err.toString());
    }

    @Test
    void theTableHoldsMakedumpfilesFigures() throws Exception {
        Run r = memUsage(live, "--mem-usage", kcore.toString());
        assertTrue(r.ok(), r.err());
        assertEquals(NOTICE + TABLE, r.out());
        assertEquals("", r.err());
    }

    @Test
    void withoutTheNoteVmcoreinfoComesFromSysKernelVmcoreinfo() throws Exception {
        Run r = memUsage(live, "--mem-usage", kcoreWithoutVmcoreinfo.toString());
        assertTrue(r.ok(), r.err());
        assertEquals(NOTICE + TABLE, r.out());
    }

    @Test
    void aKernelBefore411IsRefusedWithoutForce() throws Exception {
        LiveSystem old = new LiveSystem("4.9.0-19-amd64", live.iomem(), live.sysVmcoreinfo());
        Run r = memUsage(old, "--mem-usage", kcore.toString());
        assertFalse(r.ok());
        assertEquals("mem-usage not supported for this kernel.\n"
                + "You can try with -f if your kernel's kcore has valid p_paddr\n", r.out());
        r = memUsage(old, "-f", "--mem-usage", kcore.toString());
        assertTrue(r.ok(), r.err());
        assertEquals(TABLE, r.out());
    }

    @Test
    void noCrashKernelNoTable() throws Exception {
        Path iomem = dir.resolve("iomem-no-crashkernel");
        Files.writeString(iomem, Files.readString(live.iomem()).replace("Crash kernel", "Reserved"));
        Run r = memUsage(new LiveSystem(live.release(), iomem, live.sysVmcoreinfo()), "--mem-usage", kcore.toString());
        assertFalse(r.ok());
        assertEquals(NOTICE, r.out());
        assertEquals("show_mem_usage: No memory is reserved for crashkernel!\n", r.err());
        r = memUsage(new LiveSystem(live.release(), dir.resolve("missing"), live.sysVmcoreinfo()), "--mem-usage",
                kcore.toString());
        assertFalse(r.ok());
        assertEquals("iomem_for_each_line: Cannot open " + dir.resolve("missing") + "\n"
                + "show_mem_usage: No memory is reserved for crashkernel!\n", r.err());
    }

    @Test
    void aReservationInsideRamIsAHole() throws Exception {
        // the crash kernel's 16 MiB moved into the first RAM load: 4096 pages leave the total and the classes
        Path iomem = dir.resolve("iomem-inside");
        Files.writeString(iomem, "00100000-0effffff : System RAM\n  01000000-01ffffff : Crash kernel\n");
        Run r = memUsage(new LiveSystem(live.release(), iomem, live.sysVmcoreinfo()), "--mem-usage", kcore.toString());
        assertTrue(r.ok(), r.err());
        assertTrue(r.out().contains("Total pages on system:\t" + String.format("%-16d", 78607 - 4096) + "\n"), r.out());
    }
}

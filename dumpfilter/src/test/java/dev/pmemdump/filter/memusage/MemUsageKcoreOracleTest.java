package dev.pmemdump.filter.memusage;

import dev.pmemdump.filter.cli.MakedumpfileArgs;
import dev.pmemdump.filter.run.Console;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.OracleTest;
import dev.pmemdump.testing.Tools;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * makedumpfile 1.7.2 --mem-usage itself on the real 6.1 vmcore laid out as /proc/kcore: it runs in a
 * private mount namespace (util-linux unshare, root) where the first kernel's /proc/iomem (with its
 * crash kernel reservation) and /sys/kernel/vmcoreinfo are bind-mounted over this machine's. pmemdump,
 * given the same files, prints the same text and exits the same way. Not root: skipped (or failed
 * with -Dpmemdump.requireTools).
 */
@OracleTest
class MemUsageKcoreOracleTest {
    static final String DIR = "linux-6.1-qemu/kdump-file/";

    @TempDir
    static Path dir;
    static Path vmcore;

    @BeforeAll
    static void root() throws IOException {
        Tools.require("unshare");
        Tools.require("makedumpfile");
        Tools.Run id = Tools.run(List.of("id", "-u"), dir, 10);
        if (!id.stdout().strip().equals("0")) {
            String why = "bind-mounting over /proc/iomem needs root";
            if (Tools.strict()) {
                Assertions.fail(why);
            }
            org.junit.jupiter.api.Assumptions.abort(why);
        }
        vmcore = Fixtures.unzstd(DIR + "vmcore.raw.zst");
    }

    /**
     * Theirs in the namespace, ours with the same files as its live system: the same exit status, standard
     * output and standard error; returns theirs.
     */
    static Tools.Run assertSame(Path kcore, Path iomem, Path sysVmcoreinfo) throws Exception {
        String script = "mount --bind '" + iomem + "' /proc/iomem && mount --bind '" + sysVmcoreinfo
                + "' /sys/kernel/vmcoreinfo && exec '" + Tools.require("makedumpfile") + "' --mem-usage '" + kcore + "'";
        Tools.Run t = Tools.run(List.of(Tools.require("unshare").toString(), "--mount", "--propagation", "private",
                "/bin/sh", "-c", script), dir, 300);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Console console = new Console(new PrintWriter(out), new PrintWriter(err), 7, false);
        LiveSystem ours = new LiveSystem(LiveSystem.current().release(), iomem, sysVmcoreinfo);
        int code = MemUsage.command(MakedumpfileArgs.parse(List.of("--mem-usage", kcore.toString())), ours, console);
        assertEquals(t.exitCode(), code, t.stdout() + t.stderr());
        assertEquals(t.stdout(), out.toString());
        assertEquals(t.stderr(), err.toString());
        return t;
    }

    static void assertTable(Tools.Run theirs) {
        assertEquals(0, theirs.exitCode(), theirs.stderr());
        assertTrue(theirs.stdout().contains("TYPE\t\tPAGES"), theirs.stdout());
    }

    @Test
    void theTableIsMakedumpfiles() throws Exception {
        Path kcore = MemUsageKcoreTest.kcoreShaped(vmcore, dir.resolve("kcore"), false);
        assertTable(assertSame(kcore, Fixtures.path(DIR + "first-kernel/34-iomem.txt"),
                Fixtures.path(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt")));
    }

    @Test
    void vmcoreinfoFromSysKernelVmcoreinfo() throws Exception {
        Path kcore = MemUsageKcoreTest.kcoreShaped(vmcore, dir.resolve("kcore-4.18"), true);
        assertTable(assertSame(kcore, Fixtures.path(DIR + "first-kernel/34-iomem.txt"),
                Fixtures.path(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt")));
    }

    @Test
    void aReservationInsideRamSplitsTheLoad() throws Exception {
        Path kcore = MemUsageKcoreTest.kcoreShaped(vmcore, dir.resolve("kcore-split"), false);
        Path iomem = dir.resolve("iomem-inside");
        Files.writeString(iomem, "00100000-0effffff : System RAM\n  01000000-01ffffff : Crash kernel\n");
        assertTable(assertSame(kcore, iomem, Fixtures.path(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt")));
    }

    @Test
    void aMissingKcoreIsOneLine() throws Exception {
        Tools.Run t = assertSame(dir.resolve("no-kcore"), Fixtures.path(DIR + "first-kernel/34-iomem.txt"),
                Fixtures.path(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt"));
        assertEquals(1, t.exitCode());
        assertTrue(t.stderr().startsWith("open_dump_memory: Can't open the dump memory("), t.stderr());
    }
}

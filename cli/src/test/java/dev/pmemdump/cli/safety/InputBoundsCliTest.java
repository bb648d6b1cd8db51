package dev.pmemdump.cli.safety;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Outputs;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue items 5-7: bounded text inputs and command-line sizes, FIFOs and directories named. */
@UnitTest
class InputBoundsCliTest {
    static final String IOMEM = "linux-6.1-qemu/kdump-file/first-kernel/34-iomem.txt";

    @TempDir
    Path dir;

    @Test
    void endlessTextInputsStopAtTheirBound() {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Cli.Result r = Cli.run("loadplan", "--iomem", "/dev/zero");
            assertEquals(65, r.code(), r.err());
            assertEquals("loadplan: /dev/zero: line 1: longer than 4194304 bytes, the most a /proc/iomem listing "
                    + "can be\n", r.err());
            r = Cli.run("loadplan", "--iomem", "/dev/urandom");
            assertEquals(65, r.code(), r.err());
            assertTrue(r.err().startsWith("loadplan: /dev/urandom: ") && r.err().contains(": line "), r.err());
            r = Cli.run("loadplan", "--iomem", Fixtures.path(IOMEM).toString(), "--vmcoreinfo", "/dev/zero");
            assertEquals(65, r.code(), r.err());
            assertTrue(r.err().contains("longer than 65536 bytes, the most a VMCOREINFO text (one page) can be"),
                    r.err());
        });
    }

    @Test
    void nonUtf8NamesFileAndLine() throws Exception {
        Path iomem = dir.resolve("iomem");
        byte[] text = Files.readAllBytes(Fixtures.path(IOMEM));
        int third = indexOfLine(text, 2);
        text[third + 20] = (byte) 0xff;
        Files.write(iomem, text);
        Cli.Result r = Cli.run("loadplan", "--iomem", iomem.toString());
        assertEquals(65, r.code(), r.err());
        assertEquals("loadplan: " + iomem + ": offset 0x" + Integer.toHexString(third + 20)
                + ": line 3: not UTF-8 text\n", r.err());
        Path scenario = Files.write(dir.resolve("s.json"), new byte[] {'{', '\n', (byte) 0xc3, '}'});
        r = Cli.run("image", "build", "--scenario", scenario.toString(), "--out", dir.resolve("o").toString());
        assertEquals(65, r.code(), r.err());
        assertTrue(r.err().endsWith(scenario + ": offset 0x2: line 2: not UTF-8 text\n"), r.err());
    }

    @Test
    void absurdCountsAndSizesAreRefusedWithTheLimit() throws Exception {
        Cli.Result r = Cli.run("loadplan", "--iomem", Fixtures.path(IOMEM).toString(), "--cpus", "100000000");
        assertEquals(2, r.code(), r.err());
        assertEquals("loadplan: 100000000 CPUs: the kernel supports at most 8192 (NR_CPUS of CONFIG_MAXSMP)\n",
                r.err());
        // a file system that cannot hold the size (RLIMIT_FSIZE stands in for ext4's 16 TiB): no empty image left
        Path img = dir.resolve("big.img");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("sh", "-c", "ulimit -f 1024 && exec \"$0\" -cp \"$1\" dev.pmemdump.cli.Main "
                + "ndctl create-image --size 17T \"$2\"", java, cp, img.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(74, p.exitValue(), out);
        assertTrue(out.contains(img + ": cannot make a 17T image: File too large"), out);
        assertEquals(List.of(), Cli.names(dir), "a failed create-image left a file");
    }

    @Test
    void hugeVmcoreinfoNoteIsRefusedNotParsed() throws Exception {
        Path vmcore = dir.resolve("vmcore");
        byte[] text = new byte[8 << 20];
        Arrays.fill(text, (byte) 'A');
        PhysicalMemory memory = new FlatPhysicalMemory("ram", MemorySegment.ofArray(new byte[4096]), 0);
        Outputs.written(vmcore, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096,
                List.of(new Note("VMCOREINFO", 0, text)),
                List.of(ProgramHeader.load(ProgramHeader.PF_RWX, 0, 0xffff888000000000L, 0, 4096)), memory));
        Cli.Result r = Cli.run("vmcoreinfo", "show", vmcore.toString());
        assertEquals(65, r.code(), r.err());
        assertEquals("show: " + vmcore + ": VMCOREINFO note of 8388608 bytes; the kernel's buffer is one page, "
                + "at most 65536\n", r.err());
    }

    @Test
    void fifoWithoutWriterAndDirectoryAreNamedErrors() throws Exception {
        Path fifo = Cli.fifo(dir, "fifo");
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            Cli.Result r = Cli.run("loadplan", "--iomem", fifo.toString());
            assertEquals(66, r.code(), r.err());
            assertEquals("loadplan: " + fifo + ": is a FIFO or socket; give a regular file (reading a FIFO with no "
                    + "writer would block forever)\n", r.err());
            r = Cli.run("vmcoreinfo", "show", fifo.toString());
            assertEquals(66, r.code(), r.err());
            r = Cli.run("makedumpfile", "-l", "-d", "31", fifo.toString(), dir.resolve("out").toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith(fifo + ": is a FIFO or socket"), r.err());
        });
        Cli.Result r = Cli.run("vmcoreinfo", "show", dir.toString());
        assertEquals(66, r.code(), r.err());
        assertEquals("show: " + dir + ": is a directory, not a file\n", r.err());
        r = Cli.run("loadplan", "--iomem", dir.toString());
        assertEquals("loadplan: " + dir + ": is a directory, not a file\n", r.err());
        r = Cli.run("makedumpfile", "-l", "-d", "31", dir.toString(), dir.resolve("out").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith(dir + ": is a directory, not a file"), r.err());
    }

    private static int indexOfLine(byte[] text, int line) {
        int at = 0;
        for (int n = 0; n < line; n++) {
            while (text[at] != '\n') {
                at++;
            }
            at++;
        }
        return at;
    }
}

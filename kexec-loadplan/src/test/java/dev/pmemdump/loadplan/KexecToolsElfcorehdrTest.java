package dev.pmemdump.loadplan;

import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.loadplan.cli.LoadplanCommand;
import dev.pmemdump.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test for kexec_load: {@code loadplan --mode load -o} writes, byte for byte, the
 * elfcorehdr kexec-tools built in a real first kernel. The truth is the {@code kexec -d -p} log of
 * that load (every program header it printed, the buffer size of the segment it placed, and the
 * pmem shim's PF_DEV rewrite of one PT_LOAD) and the capture kernel's view of the resulting
 * /proc/vmcore. The inputs are the files that kernel showed: /proc/iomem (as kexec saw it, the pmem
 * relabelled System RAM, and as it really was), /sys/kernel/vmcoreinfo, the crash_notes addresses
 * the log shows kexec reading from sysfs, VMCOREINFO (from the vmcore's note) and the kernel text
 * size and direct-map base kexec read from /proc/kcore (also in the log).
 */
@FixtureTest
class KexecToolsElfcorehdrTest {
    static final String DIR = "linux-6.1-qemu-pmem-kdump/k3-load-pfdev-nohole-192M/";
    private static final Pattern PHDR = Pattern.compile("(?m)^(Elf header|vmcoreinfo header|Kernel text Elf header): "
            + "p_type = (\\d+), p_offset = 0x(\\p{XDigit}+) p_paddr = 0x(\\p{XDigit}+) p_vaddr = 0x(\\p{XDigit}+) "
            + "p_filesz = 0x(\\p{XDigit}+) p_memsz = 0x(\\p{XDigit}+)$");
    private static final Pattern NOTES = Pattern.compile("(?m)^get_crash_notes_per_cpu: crash_notes addr = "
            + "(\\p{XDigit}+), size = (\\d+)$");
    private static final Pattern SHIM = Pattern.compile("(?m)^pfdev-shim: segment \\d+ \\(mem 0x\\p{XDigit}+\\) "
            + "PT_LOAD\\[(\\d+)\\] .* flags 0x(\\p{XDigit}+) -> 0x(\\p{XDigit}+)$");

    record Phdr(int type, int flags, long offset, long vaddr, long paddr, long filesz, long memsz) {}

    private static String log() {
        return Fixtures.text(DIR + "first-kernel/50-kexec-load.txt");
    }

    /** The program headers kexec -d printed, in buffer order, with the flags kexec-tools sets (NOTE 0, LOAD RWX). */
    static List<Phdr> printed() {
        List<Phdr> out = new ArrayList<>();
        Matcher m = PHDR.matcher(log());
        while (m.find()) {
            int type = Integer.parseInt(m.group(2));
            out.add(new Phdr(type, type == 1 ? 7 : 0, hex(m.group(3)), hex(m.group(5)), hex(m.group(4)),
                    hex(m.group(6)), hex(m.group(7))));
        }
        return out;
    }

    /** The size of the elfcorehdr buffer: bufsz of the segment kexec placed at "Created elf header segment at". */
    static int printedBufferSize() {
        String log = log();
        Matcher at = Pattern.compile("Created elf header segment at 0x(\\p{XDigit}+)").matcher(log);
        assertTrue(at.find());
        Matcher seg = Pattern.compile("segment\\[(\\d+)\\]\\.bufsz = 0x(\\p{XDigit}+)\\nsegment\\[\\1\\]\\.mem   = 0x"
                + at.group(1) + "\\n").matcher(log);
        assertTrue(seg.find(), "no segment at 0x" + at.group(1));
        return (int) hex(seg.group(2));
    }

    /** An x86_64 ELF64 core header as kexec-tools fills it, then the program headers, zero-padded. */
    static byte[] elf(List<Phdr> phdrs, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        b.putShort((short) 4).putShort((short) 62).putInt(1); // ET_CORE, EM_X86_64, EV_CURRENT
        b.putLong(0).putLong(64).putLong(0).putInt(0);        // entry, phoff, shoff, flags
        b.putShort((short) 64).putShort((short) 56).putShort((short) phdrs.size());
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0);
        for (Phdr p : phdrs) {
            b.putInt(p.type()).putInt(p.flags()).putLong(p.offset()).putLong(p.vaddr()).putLong(p.paddr())
                    .putLong(p.filesz()).putLong(p.memsz()).putLong(0);
        }
        return b.array();
    }

    /** The sysfs files kexec read: per-CPU crash_notes (as its log shows them) and kernel/vmcoreinfo. */
    static Path sysfs(Path tmp) throws Exception {
        Matcher m = NOTES.matcher(log());
        int cpu = 0;
        while (m.find()) {
            Path d = Files.createDirectories(tmp.resolve("devices/system/cpu/cpu" + cpu++));
            Files.writeString(d.resolve("crash_notes"), m.group(1) + "\n");
            Files.writeString(d.resolve("crash_notes_size"), m.group(2) + "\n");
        }
        assertEquals(2, cpu);
        Files.createDirectories(tmp.resolve("kernel"));
        Files.copy(Fixtures.path(DIR + "first-kernel/43-sys-kernel-vmcoreinfo.txt"), tmp.resolve("kernel/vmcoreinfo"));
        return tmp;
    }

    private static byte[] loadplan(Path tmp, String iomem, String... extra) throws Exception {
        Path out = tmp.resolve("elfcorehdr-" + iomem);
        List<String> args = new ArrayList<>(List.of("--iomem", Fixtures.path(DIR + "first-kernel/" + iomem).toString(),
                "--mode", "load", "--sysfs", sysfs(Files.createDirectories(tmp.resolve("sys-" + iomem))).toString(),
                "--vmcoreinfo", Fixtures.path(DIR + "host-analysis/VMCOREINFO.txt").toString(),
                // _end - _text and page_offset_base, which kexec read from /proc/kcore ("kernel vaddr = ... size = ...").
                "--kernel-size", "0x3430000", "--page-offset", "0xffff8e0480000000", "-o", out.toString()));
        args.addAll(List.of(extra));
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new LoadplanCommand());
        cl.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err));
        assertEquals(0, cl.execute(args.toArray(String[]::new)), err.toString());
        return Files.readAllBytes(out);
    }

    @Test
    void theRecordedLogHasTheShapeThisTestReads() {
        List<Phdr> p = printed();
        assertEquals(8, p.size());
        assertEquals(0x400, printedBufferSize());
        // The backup copy: 0x9ec00 bytes, top-down in crash memory 0x23000000-0x2effffff.
        assertTrue(log().contains("Created backup segment at 0x2ef61000\n"));
        assertEquals(0x2ef61000L, p.get(4).offset());
    }

    @Test
    void asKexecSawItTheElfcorehdrIsKexecToolsOwnByteForByte(@TempDir Path tmp) throws Exception {
        byte[] expected = elf(printed(), printedBufferSize());
        assertArrayEquals(expected, loadplan(tmp, "45-iomem-relabelled-as-seen-by-kexec.txt"));
    }

    /**
     * With the real iomem ("Persistent Memory") and the RFC's marking, the plan equals what the capture
     * kernel got: kexec-tools' header with the shim's PF_DEV rewrite of the pmem PT_LOAD.
     */
    @Test
    void withPmemMarkedItIsTheHeaderTheCaptureKernelGot(@TempDir Path tmp) throws Exception {
        List<Phdr> p = new ArrayList<>(printed());
        Matcher shim = SHIM.matcher(log());
        assertTrue(shim.find());
        int index = Integer.parseInt(shim.group(1));
        Phdr pmem = p.get(index);
        assertEquals(hex(shim.group(2)), pmem.flags());
        p.set(index, new Phdr(pmem.type(), (int) hex(shim.group(3)), pmem.offset(), pmem.vaddr(), pmem.paddr(),
                pmem.filesz(), pmem.memsz()));
        byte[] actual = loadplan(tmp, "40-iomem.txt");
        assertArrayEquals(elf(p, printedBufferSize()), actual);
        assertEquals(captureKernelLoads(), loadsOf(p));
    }

    /** The PT_LOADs the capture kernel showed in /proc/vmcore (vaddr, paddr, sizes, flags; offsets are its own). */
    private static List<String> captureKernelLoads() {
        return Fixtures.text(DIR + "capture-kernel/04-phdrs.txt").lines().map(l -> l.split(" "))
                .filter(f -> f[1].equals("LOAD")).map(f -> f[3] + " " + f[4] + " " + f[5] + " " + f[6] + " " + f[7])
                .toList();
    }

    private static List<String> loadsOf(List<Phdr> phdrs) {
        return phdrs.stream().filter(x -> x.type() == 1).map(x -> "0x" + Long.toHexString(x.vaddr()) + " 0x"
                + Long.toHexString(x.paddr()) + " 0x" + Long.toHexString(x.filesz()) + " 0x"
                + Long.toHexString(x.memsz()) + " 0x" + Integer.toHexString(x.flags())).toList();
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }
}

package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.io.Range;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@FixtureTest
class CrashKernelTest {
    private static final long M = 1L << 20;
    private static final long G = 1L << 30;

    /** The fixture's first-kernel iomem without its "Crash kernel" line: iomem as it was before boot reserved it. */
    static Iomem unreservedFixture() throws Exception {
        String text = Fixtures.text(LoadPlanTest.KDUMP_IOMEM).replace("  0f000000-16ffffff : Crash kernel\n", "");
        return Iomem.parse("34-iomem.txt", text);
    }

    @Test
    void placesTheFixturesReservationWhereTheKernelDid() throws Exception {
        // proc-cmdline.txt has crashkernel=128M; iomem recorded 0f000000-16ffffff and dmesg said:
        String dmesg = Fixtures.text("linux-6.1-qemu/kdump-file/first-kernel/50-dmesg.txt");
        String cmdline = Fixtures.text("linux-6.1-qemu/kdump-file/first-kernel/proc-cmdline.txt");
        CrashKernelReservation r = CrashKernelReservation.place(unreservedFixture(),
                CrashKernelSpec.fromCmdline(cmdline));
        assertEquals(List.of(Range.ofInclusive(0x0f000000, 0x16ffffff)), r.ranges());
        assertEquals(Iomem.parse("x", Fixtures.text(LoadPlanTest.KDUMP_IOMEM)).named("Crash kernel").getFirst().range(),
                r.ranges().getFirst());
        assertEquals(1, dmesg.lines().filter(l -> l.endsWith("] " + r.message())).count(), r.message());
    }

    @Test
    void parsesEveryForm() {
        CrashKernelSpec simple = CrashKernelSpec.parse("256M");
        assertEquals(CrashKernelSpec.Kind.SIMPLE, simple.kind());
        assertEquals(256 * M, simple.size());
        assertEquals(CrashKernelSpec.ANYWHERE, simple.offset());

        CrashKernelSpec fixed = CrashKernelSpec.parse("256M@16M");
        assertEquals(256 * M, fixed.size());
        assertEquals(16 * M, fixed.offset());

        CrashKernelSpec ranges = CrashKernelSpec.parse("512M-2G:64M,2G-:128M");
        assertEquals(List.of(new CrashKernelSpec.SizeRange(512 * M, 2 * G, 64 * M),
                new CrashKernelSpec.SizeRange(2 * G, Long.MAX_VALUE, 128 * M)), ranges.ranges());
        assertEquals(0, ranges.sizeFor(511 * M));
        assertEquals(64 * M, ranges.sizeFor(512 * M));
        assertEquals(64 * M, ranges.sizeFor(2 * G - 1));
        assertEquals(128 * M, ranges.sizeFor(2 * G));
        assertEquals(128 * M, ranges.sizeFor(64L * G * 1024));
        assertEquals(32 * M, CrashKernelSpec.parse("1G-4G:32M@48M").sizeFor(G));
        assertEquals(48 * M, CrashKernelSpec.parse("1G-4G:32M@48M").offset());

        CrashKernelSpec high = CrashKernelSpec.parse("1G,high");
        assertEquals(CrashKernelSpec.Kind.HIGH, high.kind());
        assertEquals(G, high.size());
        CrashKernelSpec low = CrashKernelSpec.parse("0x10000000,low");
        assertEquals(CrashKernelSpec.Kind.LOW, low.kind());
        assertEquals(256 * M, low.size());
    }

    @Test
    void badValuesAreNamed() {
        assertBad("crashkernel=abc: memory value expected, got 'abc'", "abc");
        assertBad("crashkernel=2G-1G:64M: end <= start in range '2G-1G:64M'", "2G-1G:64M");
        assertBad("crashkernel=512M:64M: '-' expected in range '512M:64M'", "512M:64M");
        assertBad("crashkernel=-2G:64M: memory value expected before '-' in '-2G:64M'", "-2G:64M");
        assertBad("crashkernel=512M-2G:64M,2G-: ':' expected in range '2G-'", "512M-2G:64M,2G-");
        assertBad("crashkernel=256M@: memory value expected, got ''", "256M@");
    }

    @Test
    void rangeFormUsesTheMachinesRam() throws Exception {
        Iomem iomem = unreservedFixture(); // 383 MiB of RAM
        assertEquals(List.of(Range.ofLength(0x13000000, 64 * M)),
                CrashKernelReservation.place(iomem, List.of(CrashKernelSpec.parse("256M-2G:64M,2G-:128M"))).ranges());
        CrashKernelException none = assertThrows(CrashKernelException.class, () -> CrashKernelReservation.place(iomem,
                List.of(CrashKernelSpec.parse("512M-2G:64M,2G-:128M"))));
        assertEquals("crashkernel=512M-2G:64M,2G-:128M: no range matches System RAM 383MB; the kernel reserves nothing",
                none.getMessage());
        CrashKernelException tooBig = assertThrows(CrashKernelException.class, () -> CrashKernelReservation.place(iomem,
                List.of(CrashKernelSpec.parse("256M-1G:384M"))));
        assertEquals("crashkernel=256M-1G:384M: invalid size: 384MB is not less than System RAM 383MB",
                tooBig.getMessage());
    }

    @Test
    void fixedOffsetMustBeAlignedAndFree() throws Exception {
        Iomem iomem = unreservedFixture();
        assertEquals(List.of(Range.ofLength(16 * M, 64 * M)),
                CrashKernelReservation.place(iomem, List.of(CrashKernelSpec.parse("64M@16M"))).ranges());
        // 128M@16M would cover "Kernel code" at 0x8600000.
        assertEquals("crashkernel=128M@16M: memory 0x1000000-0x8ffffff is in use or not RAM; reservation failed",
                assertThrows(CrashKernelException.class, () -> CrashKernelReservation.place(iomem,
                        List.of(CrashKernelSpec.parse("128M@16M")))).getMessage());
        assertEquals("crashkernel=64M@0x1080000: offset 0x1080000 is not 1 MiB aligned; reservation failed",
                assertThrows(CrashKernelException.class, () -> CrashKernelReservation.place(iomem,
                        List.of(CrashKernelSpec.parse("64M@0x1080000")))).getMessage());
        assertEquals("crashkernel=1G: no suitable area found for 1024MB (System RAM: 383MB)",
                assertThrows(CrashKernelException.class, () -> CrashKernelReservation.place(iomem,
                        List.of(CrashKernelSpec.parse("1G")))).getMessage());
    }

    @Test
    void highReservationsGoAbove4GiBWithALowPart() throws Exception {
        Iomem big = Iomem.parse("big", """
                00001000-0009fbff : System RAM
                00100000-bffdffff : System RAM
                  01000000-01ffffff : Kernel code
                bffe0000-bfffffff : Reserved
                100000000-43fffffff : System RAM
                """);
        CrashKernelReservation high = CrashKernelReservation.place(big, List.of(CrashKernelSpec.parse("1G,high")));
        // Top-down, 16 MiB aligned: the high part ends at the top of RAM, the default low part is 256 MiB
        // below 4 GiB, under the end of the 0x100000-0xbffdffff block.
        assertEquals(List.of(Range.ofLength(0xaf000000L, 256 * M), Range.ofLength(0x400000000L, G)), high.ranges());
        CrashKernelReservation sized = CrashKernelReservation.place(big,
                CrashKernelSpec.fromCmdline("quiet crashkernel=1G,high crashkernel=128M,low"));
        assertEquals(List.of(Range.ofLength(0xb7000000L, 128 * M), Range.ofLength(0x400000000L, G)), sized.ranges());
        CrashKernelReservation noLow = CrashKernelReservation.place(big,
                CrashKernelSpec.fromCmdline("crashkernel=1G,high crashkernel=0,low"));
        assertEquals(List.of(Range.ofLength(0x400000000L, G)), noLow.ranges());
        // Without ,high the kernel tries below 4 GiB first.
        assertEquals(List.of(Range.ofLength(0x7f000000L, G)),
                CrashKernelReservation.place(big, List.of(CrashKernelSpec.parse("1G"))).ranges());
        // Too big for low memory: falls back high, and gets a low part.
        assertEquals(List.of(Range.ofLength(0xaf000000L, 256 * M), Range.ofLength(0x340000000L, 4 * G)),
                CrashKernelReservation.place(big, List.of(CrashKernelSpec.parse("4G"))).ranges());
        assertEquals("crashkernel=128M,low: only a ,low size given; it needs a crashkernel= or crashkernel=,high "
                        + "reservation to go with it",
                assertThrows(CrashKernelException.class, () -> CrashKernelReservation.place(big,
                        List.of(CrashKernelSpec.parse("128M,low")))).getMessage());
    }

    private static void assertBad(String message, String spec) {
        assertEquals(message, assertThrows(CrashKernelException.class, () -> CrashKernelSpec.parse(spec)).getMessage());
    }
}

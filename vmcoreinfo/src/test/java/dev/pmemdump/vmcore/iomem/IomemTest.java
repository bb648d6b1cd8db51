package dev.pmemdump.vmcore.iomem;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Range;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@FixtureTest
class IomemTest {
    static final String KDUMP_IOMEM = "linux-6.1-qemu/kdump-file/first-kernel/34-iomem.txt";

    @Test
    void parsesTheFirstKernelsIomemIntoATree() throws Exception {
        String text = Fixtures.text(KDUMP_IOMEM);
        Iomem iomem = Iomem.parse("34-iomem.txt", text);
        assertEquals(text.lines().count(), iomem.all().size());
        assertEquals(18, iomem.roots().size());

        Resource ram = iomem.roots().get(8);
        assertEquals("System RAM", ram.name());
        assertEquals(Range.ofInclusive(0x100000, 0x17fdefff), ram.range());
        assertEquals(List.of("Kernel code", "Kernel rodata", "Kernel data", "Kernel bss", "Crash kernel"),
                ram.children().stream().map(Resource::name).toList());
        assertEquals(Range.ofInclusive(0x0f000000, 0x16ffffff), iomem.named("Crash kernel").getFirst().range());
        assertEquals(0x08600000, iomem.named("Kernel code").getFirst().start());

        Resource pmem = iomem.named("Persistent Memory").getFirst();
        assertEquals(0, pmem.depth());
        assertEquals(Range.ofInclusive(0x100000000L, 0x11ffdffffL), pmem.range());
        assertEquals(List.of("namespace0.0", "namespace0.1", "namespace0.2", "dax0.2"),
                pmem.children().stream().map(Resource::name).toList());
        // Three levels deep: PCI Bus > device > virtio-pci-modern.
        Resource virtio = iomem.named("virtio-pci-modern").getFirst();
        assertEquals(2, virtio.depth());
        assertEquals(20, virtio.line());
        // A 10-digit address: fd00000000-ffffffffff.
        assertEquals(Range.ofInclusive(0xfd00000000L, 0xffffffffffL), iomem.roots().getLast().range());
        // memblock's count of boot RAM, as the kernel printed it: "(System RAM: 383MB)".
        assertEquals(383, iomem.bootRamSize() >> 20);
    }

    @Test
    void readsLegacyPmemAndNamespaceNames() throws Exception {
        Iomem iomem = Iomem.parse("iomem-after.txt", Fixtures.text("linux-6.1-qemu/legacy-e820/iomem-after.txt"));
        Resource legacy = iomem.named("Persistent Memory (legacy)").getFirst();
        assertEquals(Range.ofInclusive(0x30000000, 0x37ffffff), legacy.range());
        assertEquals("namespace0.0", legacy.children().getFirst().name());
        assertTrue(iomem.named("Persistent Memory").isEmpty());
    }

    @Test
    void acceptsOtherKernelNames() throws Exception {
        Iomem iomem = Iomem.parse("t", """
                00000000-0009ffff : System RAM
                100000000-13fffffff : Soft Reserved
                  100000000-13fffffff : dax0.1
                    100000000-13fffffff : System RAM (kmem)
                7fffffff00000000-7fffffff00000fff : GART
                """);
        assertEquals("System RAM (kmem)", iomem.all().get(3).name());
        assertTrue(iomem.all().get(3).isSystemRam());
        assertEquals(3, iomem.roots().size());
    }

    @Test
    void allZeroAddressesMeanTheFileWasReadWithoutRoot() {
        String masked = Fixtures.text(KDUMP_IOMEM).replaceAll("[0-9a-f]+-[0-9a-f]+ :", "00000000-00000000 :");
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> Iomem.parse("/proc/iomem", masked));
        assertEquals("/proc/iomem: every address is zero: the kernel hides /proc/iomem addresses from readers "
                + "without CAP_SYS_ADMIN; read it as root", e.getMessage());
    }

    @Test
    void malformedInputIsNamedWithItsLine() {
        assertError("line 2: bad hex address '0009fzff' (expected 8 to 16 hex digits)",
                "00000000-00000fff : Reserved\n00001000-0009fzff : System RAM\n");
        assertError("line 1: bad hex address '1000' (expected 8 to 16 hex digits)", "00000000-1000 : Reserved\n");
        assertError("line 1: bad hex address '00000000000000001' (expected 8 to 16 hex digits)",
                "00000000000000001-00000000000000002 : Reserved\n");
        assertError("line 2: reversed range 0009fbff-00001000 (end before start)",
                "00000000-00000fff : Reserved\n0009fbff-00001000 : System RAM\n");
        assertError("line 2: 'System RAM' 0x800-0x9fbff overlaps 'Reserved' 0x0-0xfff (line 1)",
                "00000000-00000fff : Reserved\n00000800-0009fbff : System RAM\n");
        assertError("line 3: 'Kernel bss' 0x10000000-0x10ffffff is not inside its parent 'System RAM' "
                        + "0x100000-0xfffffff (line 1)",
                "00100000-0fffffff : System RAM\n  08600000-09401d31 : Kernel code\n  10000000-10ffffff : Kernel bss\n");
        assertError("line 2: indented 4 spaces with no parent resource above it",
                "00100000-17fdefff : System RAM\n    08600000-09401d31 : Kernel code\n");
        assertError("line 2: odd indentation of 1 spaces (the kernel indents 2 per level)",
                "00100000-17fdefff : System RAM\n 08600000-09401d31 : Kernel code\n");
        assertError("line 2: 'Reserved' 0x0-0xfff comes after 'System RAM' 0x100000-0x17fdefff (line 1) "
                + "but lies below it (the kernel lists resources in address order)",
                "00100000-17fdefff : System RAM\n00000000-00000fff : Reserved\n");
        assertError("line 1: not a resource line 'start-end : name': 'garbage'", "garbage\n");
        assertError("no resources (empty file)", "\n\n");
    }

    private static void assertError(String expected, String text) {
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> Iomem.parse("iomem", text));
        assertEquals("iomem: " + expected, e.getMessage());
    }

    /** The running machine's /proc/iomem parses, or (read without root) is refused with the reason. */
    @Test
    void readsThisMachinesIomemOrSaysWhyNot() throws Exception {
        Path live = Path.of("/proc/iomem");
        assumeTrue(Files.isReadable(live), "no /proc/iomem here");
        try {
            Iomem iomem = Iomem.read(live);
            assertFalse(iomem.roots().isEmpty());
            assertTrue(iomem.bootRamSize() > 0);
        } catch (CorruptInputException e) {
            assertTrue(e.getMessage().contains("every address is zero"), e.getMessage());
        }
    }
}

package dev.pmemdump.vmcore;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class VmcoreInfoTest {
    static final String FIXTURE = "linux-6.1-qemu/kdump-file/host-analysis/VMCOREINFO.txt";

    static byte[] fixtureBytes() throws Exception {
        return Files.readAllBytes(Fixtures.path(FIXTURE));
    }

    @Test
    void fixtureRoundTripsByteForByte() throws Exception {
        byte[] raw = fixtureBytes();
        VmcoreInfo info = VmcoreInfo.parse(raw, "fixture");
        assertArrayEquals(raw, info.bytes());
        assertEquals(110, info.entries().size());
    }

    @Test
    void typedAccessorsReadKernelFormats() throws Exception {
        VmcoreInfo info = VmcoreInfo.parse(fixtureBytes(), "fixture");
        assertEquals("6.1.0-56-amd64", info.osRelease());
        assertEquals("eb4fbcd037e7253717950bf2b93bd5566f47c56f", info.buildId().orElseThrow());
        assertEquals(4096, info.pageSize());
        assertEquals(0xffffffffafbfb000L, info.symbol("init_uts_ns"));
        assertEquals(0xffff8885d7fd7000L, info.symbol("mem_section"));
        assertEquals(-631242752L, info.number("phys_base"));
        assertEquals(-129, info.number("PAGE_BUDDY_MAPCOUNT_VALUE"));
        assertEquals(64, info.size("page"));
        assertEquals(52, info.offset("page", "_refcount"));
        assertEquals(4096, info.length("mem_section"));
        assertEquals(0x2d000000L, info.kernelOffset());
        assertEquals(1795377056L, info.crashTime().orElseThrow());
        assertTrue(info.findSymbol("devm_memmap_vmcore_head").isEmpty());
    }

    @Test
    void missingAndMalformedKeysAreNamed() throws Exception {
        VmcoreInfo info = VmcoreInfo.parse("OSRELEASE=6.1\nSYMBOL(x)=zz\nNUMBER(n)=12a\n", "dump.elf");
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> info.symbol("mem_section"));
        assertEquals("dump.elf: VMCOREINFO has no SYMBOL(mem_section)=", e.getMessage());
        e = assertThrows(CorruptInputException.class, () -> info.offset("page", "flags"));
        assertTrue(e.getMessage().contains("OFFSET(page.flags)"), e.getMessage());
        e = assertThrows(CorruptInputException.class, () -> info.symbol("x"));
        assertEquals("dump.elf: VMCOREINFO SYMBOL(x)=zz: value is not hexadecimal", e.getMessage());
        e = assertThrows(CorruptInputException.class, () -> info.number("n"));
        assertTrue(e.getMessage().contains("NUMBER(n)=12a"), e.getMessage());
        e = assertThrows(CorruptInputException.class, info::pageSize);
        assertTrue(e.getMessage().contains("PAGESIZE"), e.getMessage());
    }

    @Test
    void builderPrintsLikeTheKernel() throws Exception {
        VmcoreInfo built = VmcoreInfo.builder().osRelease("6.1.0-56-amd64")
                .buildId("eb4fbcd037e7253717950bf2b93bd5566f47c56f").pageSize(4096)
                .symbol("init_uts_ns", 0xffffffffafbfb000L).offset("uts_namespace", "name", 0)
                .length("mem_section", 4096).size("mem_section", 32).number("PAGE_BUDDY_MAPCOUNT_VALUE", -129)
                .number("phys_base", -631242752L).kernelOffset(0x2d000000L).crashTime(1795377056L).build("built");
        String expected = """
                OSRELEASE=6.1.0-56-amd64
                BUILD-ID=eb4fbcd037e7253717950bf2b93bd5566f47c56f
                PAGESIZE=4096
                SYMBOL(init_uts_ns)=ffffffffafbfb000
                OFFSET(uts_namespace.name)=0
                LENGTH(mem_section)=4096
                SIZE(mem_section)=32
                NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129
                NUMBER(phys_base)=-631242752
                KERNELOFFSET=2d000000
                CRASHTIME=1795377056
                """;
        assertEquals(expected, built.text());
        // every line of the built text is a line of the real kernel's output
        List<String> real = List.of(new String(fixtureBytes()).split("\n"));
        for (String line : built.text().split("\n")) {
            assertTrue(real.contains(line), line);
        }
    }

    @Test
    void insertedDevmLinesRoundTrip() throws Exception {
        VmcoreInfo info = VmcoreInfo.parse(fixtureBytes(), "fixture");
        List<VmcoreInfo.Entry> devm = VmcoreInfo.builder().symbol("devm_memmap_vmcore_head", 0xffffffff825603c0L)
                .size("devm_memmap_vmcore", 40).offset("devm_memmap_vmcore", "entry", 0)
                .offset("devm_memmap_vmcore", "start", 16).offset("devm_memmap_vmcore", "end", 24).entries();
        VmcoreInfo with = info.insertBefore("SYMBOL(mem_section)", devm);
        String text = with.text();
        assertTrue(text.contains("SYMBOL(vmap_area_list)=ffffffffafb5c430\nSYMBOL(devm_memmap_vmcore_head)=ffffffff825603c0\n"
                + "SIZE(devm_memmap_vmcore)=40\nOFFSET(devm_memmap_vmcore.entry)=0\nOFFSET(devm_memmap_vmcore.start)=16\n"
                + "OFFSET(devm_memmap_vmcore.end)=24\nSYMBOL(mem_section)=ffff8885d7fd7000\n"), text);
        VmcoreInfo again = VmcoreInfo.parse(with.bytes(), "again");
        assertArrayEquals(with.bytes(), again.bytes());
        assertEquals(0xffffffff825603c0L, again.symbol("devm_memmap_vmcore_head"));
        assertEquals(fixtureBytes().length + text.length() - info.text().length(), again.bytes().length);
    }

    @Test
    void textEndsAtFirstNulAndKeepsOddLines() {
        byte[] desc = "A=1\nno equals sign\nB=\n\0\0\0".getBytes();
        VmcoreInfo info = VmcoreInfo.parse(desc, "x");
        assertEquals("A=1\nno equals sign\nB=\n", info.text());
        assertEquals(3, info.entries().size());
        assertEquals("", info.get("B").orElseThrow());
        assertEquals("tail", VmcoreInfo.parse("tail", "x").text());
    }

    @Test
    void builderRefusesLinesTheKernelWouldCut() {
        assertThrows(IllegalArgumentException.class,
                () -> VmcoreInfo.builder().symbol("s".repeat(71), 1));
    }
}

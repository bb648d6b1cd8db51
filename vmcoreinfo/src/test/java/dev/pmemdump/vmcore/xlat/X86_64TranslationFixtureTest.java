package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.testing.FixtureTest;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Translation on the real 6.1 (KASLR) vmcore, checked against the kernel's own data and drgn. */
@FixtureTest
class X86_64TranslationFixtureTest {
    static MappedImage image;
    static ElfCore core;
    static VmcoreInfo info;
    static X86_64Translation xlat;
    static KernelMemory kernel;

    @BeforeAll
    static void open() throws Exception {
        image = MappedImage.open(Fixtures.unzstd("linux-6.1-qemu/kdump-file/vmcore.raw.zst"), MappedImage.Access.READ_ONLY);
        core = ElfCore.open(image);
        info = VmcoreInfoNote.from(core);
        ElfPhysicalMemory phys = new ElfPhysicalMemory(core);
        xlat = X86_64Translation.of(phys, VmcoreInfoHints.of(info).withMappedRanges(core.mappedRanges()));
        kernel = new KernelMemory(phys, xlat, ByteOrder.LITTLE_ENDIAN);
    }

    @AfterAll
    static void close() {
        image.close();
    }

    @Test
    void parametersComeFromVmcoreinfoAndLoads() {
        assertEquals(0xffff8885c0000000L, xlat.pageOffset().orElseThrow(), "KASLR page_offset_base");
        assertEquals(0x8600000L - 0x2e000000L, xlat.physBase());
        assertEquals(false, xlat.fiveLevel());
        // init_top_pgt lies in the kernel image
        assertEquals(0xffffffffafa10000L - X86_64.START_KERNEL_MAP + xlat.physBase(), xlat.topTable());
    }

    @Test
    void initUtsNsThroughTextMapAndPageTablesGivesTheRelease() throws Exception {
        long uts = info.symbol("init_uts_ns") + info.offset("uts_namespace", "name");
        AddressTranslation.Mapping text = xlat.translate(uts);
        assertEquals("kernel text map", text.how());
        assertEquals(text.physicalAddress(), xlat.walk(uts).physicalAddress());
        // struct new_utsname: sysname[65], nodename[65], release[65]
        assertEquals("Linux", kernel.readCString(uts, 65));
        assertEquals(info.osRelease(), kernel.readCString(uts + 2 * 65, 65));
    }

    @Test
    void directMapAgreesWithPageTables() throws Exception {
        long root = info.symbol("mem_section");
        AddressTranslation.Mapping direct = xlat.translate(root);
        assertEquals("direct map", direct.how());
        assertEquals(direct.physicalAddress(), xlat.walk(root).physicalAddress());
        for (long pa = 0x100000; pa < 0xf000000; pa += 0x1234567) {
            long va = xlat.pageOffset().orElseThrow() + pa;
            assertEquals(pa, xlat.walk(va).physicalAddress(), "0x" + Long.toHexString(va));
        }
    }

    /** mem_section -> sections -> vmemmap struct pages, and vmalloc areas, byte for byte as drgn reads them. */
    @OracleTest
    @Test
    void memSectionVmemmapAndVmallocMatchDrgn() throws Exception {
        List<long[]> reads = new ArrayList<>();
        long root = info.symbol("mem_section");
        long sectionSize = info.size("mem_section");
        long perRoot = info.pageSize() / sectionSize;
        long sectionArray = kernel.readLong(root);
        reads.add(new long[]{root, 64});
        reads.add(new long[]{sectionArray, 4096});
        long pagesPerSection = 1L << (info.number("SECTION_SIZE_BITS") - 12);
        long maxPfn = core.loads().stream().mapToLong(ph -> (ph.paddr() + ph.memsz()) >>> 12).max().orElseThrow();
        int present = 0;
        for (long nr = 0; nr * pagesPerSection < maxPfn; nr++) {
            long sec = kernel.readLong(root + 8 * (nr / perRoot)) + (nr % perRoot) * sectionSize;
            long map = kernel.readLong(sec + info.offset("mem_section", "section_mem_map"));
            if ((map & 1) == 0) {
                continue;
            }
            present++;
            long memMap = (map & ~0x1fL) + nr * pagesPerSection * info.size("page");
            AddressTranslation.Mapping m = xlat.translate(memMap);
            assertEquals("page tables (2 MiB page at PMD)", m.how(), "vmemmap");
            reads.add(new long[]{memMap, 8192});
            reads.add(new long[]{memMap + (pagesPerSection - 64) * info.size("page"), 4096});
        }
        assertEquals(3, present, "RAM up to 0x17fdf000 spans three 128 MiB sections");
        // vmap_area_list: the first few vmalloc areas (4 KiB pages)
        long head = info.symbol("vmap_area_list");
        long next = kernel.readLong(head + info.offset("list_head", "next"));
        int areas = 0;
        List<Long> absent = new ArrayList<>();
        boolean sawSmallPage = false;
        while (next != head && areas < 8) {
            long area = next - info.offset("vmap_area", "list");
            long start = kernel.readLong(area + info.offset("vmap_area", "va_start"));
            AddressTranslation.Mapping m = xlat.translate(start);
            sawSmallPage |= m.pageSize() == 4096 && m.how().startsWith("page tables");
            if (kernel.physical().isPresent(m.physicalAddress(), 256)) {
                reads.add(new long[]{start, 256});
            } else {
                // an ioremap of non-RAM: not in the dump, for drgn as for us
                absent.add(start);
                assertThrows(CorruptInputException.class, () -> kernel.read(start, 256));
            }
            next = kernel.readLong(next + info.offset("list_head", "next"));
            areas++;
        }
        assertTrue(sawSmallPage, "some vmalloc area is mapped with 4 KiB pages");

        String script = """
                import drgn, sys
                p = drgn.Program()
                p.set_core_dump(sys.argv[1])
                for a in sys.argv[2:]:
                    va, n = a.split(':')
                    try:
                        print(p.read(int(va, 16), int(n)).hex())
                    except drgn.FaultError:
                        print('fault')
                """;
        List<String> cmd = new ArrayList<>(List.of(Tools.requirePython("drgn").toString(), "-c", script,
                image.path().toString()));
        for (long[] r : reads) {
            cmd.add(Long.toHexString(r[0]) + ":" + r[1]);
        }
        for (long va : absent) {
            cmd.add(Long.toHexString(va) + ":256");
        }
        String[] drgn = Tools.run(cmd, null, 120).assertOk().stdout().split("\n");
        assertEquals(reads.size() + absent.size(), drgn.length);
        for (int i = 0; i < absent.size(); i++) {
            assertEquals("fault", drgn[reads.size() + i]);
        }
        for (int i = 0; i < reads.size(); i++) {
            long[] r = reads.get(i);
            assertEquals(drgn[i], HexFormat.of().formatHex(kernel.read(r[0], (int) r[1])),
                    "bytes at 0x" + Long.toHexString(r[0]));
        }
    }
}

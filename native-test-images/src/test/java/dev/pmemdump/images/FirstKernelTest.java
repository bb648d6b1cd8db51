package dev.pmemdump.images;

import dev.pmemdump.testing.UnitTest;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@UnitTest
class FirstKernelTest {
    @TempDir
    Path dir;

    /** A 256 MiB variant of the default scenario keeps these tests fast. */
    static Scenario small(long seed) {
        Scenario d = Scenario.defaultScenario();
        return new Scenario(d.kernelRelease(), 2,
                java.util.List.of(new Scenario.Range("0x1000", "0x9e000"), new Scenario.Range("0x100000", "0xff00000")),
                new Scenario.Range("0x8000000", "64M"), "0x2000000", "file", false, java.util.List.of(),
                d.pageMix(), d.canaries(), seed);
    }

    @Test
    void pageTablesAreWhereTheKernelPutsThemWithHandComputedEntries() throws Exception {
        try (FirstKernel k = FirstKernel.build(small(7), dir.resolve("ram.img"))) {
            MemoryImage ram = k.ram();
            long pgd = 0x2000000 + 0x1a10000; // kernelPhys + init_top_pgt offset
            // PGD[511] -> level3_kernel_pgt (next page), _KERNPG_TABLE = 0x63
            assertEquals(0x2000000 + 0x1a11000 + 0x63, ram.getLong(pgd + 511 * 8));
            // level3_kernel_pgt[510] -> level2_kernel_pgt
            assertEquals(0x2000000 + 0x1a12000 + 0x63, ram.getLong(0x2000000 + 0x1a11000 + 510 * 8));
            // level2_kernel_pgt[(0xae000000 >> 21) & 511 = 368] maps _text with a 2 MiB page (0x1e3)
            assertEquals(0x2000000 + 0x1e3, ram.getLong(0x2000000 + 0x1a12000 + 368 * 8));
            // direct map 0xffff8885c0000000: PGD index 273, PUD index 23, 1 GiB page at phys 0, NX
            long pud = ram.getLong(pgd + 273 * 8) & 0x000ffffffffff000L;
            assertEquals(0x80000000000001e3L, ram.getLong(pud + 23 * 8));
        }
    }

    @Test
    void memmapInRamIsWhereThePageTablesMapTheStructPagesOfTheNamespace() throws Exception {
        try (FirstKernel k = FirstKernel.build(RealToolsAcceptanceTest.smallWithPmem(5, "file"), dir.resolve("ram.img"))) {
            PmemDevices.Placed mem = k.pmem().withMemmap().stream().filter(p -> !p.onDevice()).findFirst().orElseThrow();
            // fsdax-mem follows the 64 MiB fsdax-dev namespace: pfns [0x104000, 0x106000), 32 MiB
            assertEquals(0x104000, mem.basePfn());
            assertEquals(0x106000, mem.endPfn());
            var xlat = new dev.pmemdump.vmcore.xlat.X86_64Translation(k.memory(), k.textPhys() + 0x1a10000, false,
                    k.physBase(), 1L << 30, java.util.OptionalLong.of(0xffff8885c0000000L), 46, 0);
            // struct page of pfn 0x104000: vmemmap_base 0xffffe3a4c0000000 + 0x104000 * 64
            long first = xlat.walk(0xffffe3a4c4100000L).physicalAddress();
            long last = xlat.walk(0xffffe3a4c4100000L + 0x2000 * 64 - 64).physicalAddress();
            java.util.List<dev.pmemdump.io.Range> ram = k.pmem().ramMemmapPfns(mem);
            assertEquals(1, ram.size());
            assertEquals(first >>> 12, ram.get(0).start());
            assertEquals((last >>> 12) + 1, ram.get(0).end());
            assertEquals(0x2000 * 64 / 4096, ram.get(0).end() - ram.get(0).start());
            assertTrue(ram.get(0).end() <= k.ram().end() >>> 12, "in RAM");
            // the struct page there is a ZONE_DEVICE page: PG_reserved (bit 12 in 6.1)
            assertEquals(1L << 12, k.ram().getLong(first) & (1L << 12));
        }
    }

    @Test
    void utsNameAndStructPagesHoldWhatTheKernelWrites() throws Exception {
        try (FirstKernel k = FirstKernel.build(small(7), dir.resolve("ram.img"))) {
            MemoryImage ram = k.ram();
            long uts = 0x2000000 + 0x1bfb000;
            byte[] release = new byte[14];
            ram.slice(uts + 2 * 65, 14).asByteBuffer().get(release);
            assertEquals("6.1.0-56-amd64", new String(release, StandardCharsets.US_ASCII));
            assertEquals('L', ram.slice(uts, 1).get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
            // mem_section root[0] -> page; section 0: vmemmap_base | present|has_mem_map|online|early
            long rootVa = k.symbols().get("mem_section");
            long root = rootVa - 0xffff8885c0000000L;
            long sec0 = ram.getLong(root) - 0xffff8885c0000000L;
            assertEquals(0xffffe3a4c0000000L | 0xf, ram.getLong(sec0));
            assertEquals(0xffffe3a4c0000000L | 0xf, ram.getLong(sec0 + 32)); // section 1 (128-256 MiB)
            assertEquals(0, ram.getLong(sec0 + 64)); // section 2: no RAM
        }
    }

    @Test
    void pageMixFollowsTheScenarioShares() throws Exception {
        try (FirstKernel k = FirstKernel.build(small(3), dir.resolve("ram.img"))) {
            Map<PageClass, Long> n = new EnumMap<>(PageClass.class);
            for (long pfn = 0; pfn < k.ramPages(); pfn++) {
                n.merge(k.pageClass(pfn), 1L, Long::sum);
            }
            long pool = n.get(PageClass.SLAB) + n.get(PageClass.CACHE) + n.get(PageClass.CACHE_PRIVATE)
                    + n.get(PageClass.ANON) + n.get(PageClass.KERNEL) + n.get(PageClass.FREE);
            Scenario.Mix mix = small(3).pageMix();
            assertEquals(mix.anon(), n.get(PageClass.ANON) / (double) pool, 0.01);
            assertEquals(mix.pageCache(), n.get(PageClass.CACHE) / (double) pool, 0.01);
            assertEquals(mix.pageCachePrivate(), n.get(PageClass.CACHE_PRIVATE) / (double) pool, 0.01);
            assertEquals(mix.free(), n.get(PageClass.FREE) / (double) pool, 0.01);
            assertEquals(3, k.canaries().size());
            for (FirstKernel.Canary c : k.canaries()) {
                byte[] b = new byte[c.text().length()];
                k.ram().slice(c.physAddress(), b.length).asByteBuffer().get(b);
                assertEquals(c.text(), new String(b, StandardCharsets.US_ASCII));
                assertEquals(c.pageClass(), k.pageClass(c.physAddress() >>> 12));
            }
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws Exception {
        assertEquals(digest(small(11), "a"), digest(small(11), "b"));
        assertNotEquals(digest(small(11), "a"), digest(small(12), "c"));
    }

    private String digest(Scenario s, String name) throws Exception {
        Path f = dir.resolve(name + ".img");
        try (FirstKernel k = FirstKernel.build(s, f)) {
            k.ram().force();
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 20];
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

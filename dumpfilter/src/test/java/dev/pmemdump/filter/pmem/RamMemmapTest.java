package dev.pmemdump.filter.pmem;

import dev.pmemdump.filter.mm.MemMap;
import dev.pmemdump.io.Range;
import dev.pmemdump.vmcore.xlat.AddressTranslation;
import dev.pmemdump.vmcore.xlat.NotMappedException;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Case C memmap pages from hand-computed vmemmap addresses: struct pages of 64 bytes at
 * {@code VB + pfn * 64}, sections of 32768 pfns, 4 KiB pages (64 struct pages each).
 */
@UnitTest
class RamMemmapTest {
    static final long VB = 0xffffea0000000000L;
    static final long PS = 4096;
    static final MemMap SECTIONS = MemMap.of(List.of(new MemMap.Section(0, 32768, VB),
            new MemMap.Section(32768, 65536, VB + 32768 * 64), new MemMap.Section(65536, 98304, 0)));
    /** pmem from pfn 33000 (not a multiple of 64: its first vmemmap page also holds RAM's struct pages). */
    static final List<Range> PMEM = List.of(new Range(33000, 65536));

    /** Page tables as a map of virtual page starts to {physical, page size}. */
    static AddressTranslation tables(Map<Long, long[]> maps) {
        TreeMap<Long, long[]> t = new TreeMap<>(Long::compareUnsigned);
        t.putAll(maps);
        return va -> {
            var e = t.floorEntry(va);
            if (e == null || Long.compareUnsigned(va - e.getKey(), e.getValue()[1]) >= 0) {
                throw new NotMappedException("tables", va, "not mapped");
            }
            return new AddressTranslation.Mapping(va, e.getValue()[0] + (va - e.getKey()), e.getValue()[1], "test");
        };
    }

    @Test
    void sharedFirstPageStaysAndA2MiBMappingGivesOneRun() throws Exception {
        // struct pages of pfns [33000, 34000) are VB + [0x203a00, 0x213400): pages 0x203000..0x213000;
        // page 0x203000 holds pfns 32960..33023, 40 of them RAM: kept. Pages 0x204000..0x213000 (16)
        // hold only pmem pfns (the last one pfns 33984..34047, all pmem).
        AddressTranslation xlat = tables(Map.of(VB + 0x200000, new long[] {0x40000000L, 2L << 20}));
        List<Range> got = RamMemmap.pages(xlat, SECTIONS, 64, new Range(33000, 34000), PMEM, PS);
        assertEquals(List.of(new Range(0x40004, 0x40014)), got);
    }

    @Test
    void fourKiBPagesInPfnOrderDevicePagesAndHolesLeftOut() throws Exception {
        // pfns [40000, 40256): VB + 0x271000 .. + 0x275000, four pages
        AddressTranslation xlat = tables(Map.of(
                VB + 0x271000, new long[] {0x700000L, PS},       // pfns 40000..40063 -> RAM pfn 0x700
                VB + 0x272000, new long[] {0x500000L, PS},       // pfns 40064..40127 -> RAM pfn 0x500
                VB + 0x273000, new long[] {33500L * PS, PS}));   // pfns 40128..40191 -> on the device
        // VB + 0x274000 (pfns 40192..40255) is not mapped
        List<Range> got = RamMemmap.pages(xlat, SECTIONS, 64, new Range(40000, 40256), PMEM, PS);
        assertEquals(List.of(new Range(0x700, 0x701), new Range(0x500, 0x501)), got);
    }

    @Test
    void lastPageSharedWithRamAfterPmemStays() throws Exception {
        List<Range> pmem = List.of(new Range(32768, 32800)); // pmem ends inside the first page
        AddressTranslation xlat = tables(Map.of(VB + 0x200000, new long[] {0x40000000L, 2L << 20}));
        assertEquals(List.of(), RamMemmap.pages(xlat, SECTIONS, 64, new Range(32768, 32800), pmem, PS));
        // an absent section (no mem_map) gives nothing
        assertEquals(List.of(), RamMemmap.pages(xlat, SECTIONS, 64, new Range(65536, 66000),
                List.of(new Range(65536, 98304)), PS));
    }

    @Test
    void policyDropsRamMetadataOnlyWithBit0x20AndCountsIt() {
        PmemPolicy policy = new PmemPolicy(PMEM, List.of(), List.of(new Range(0x500, 0x510)));
        dev.pmemdump.filter.page.PageBitmap bits = new dev.pmemdump.filter.page.PageBitmap(65536);
        bits.setRange(0, 65536);
        dev.pmemdump.filter.ledger.ExclusionLedger counts = dev.pmemdump.filter.ledger.ExclusionLedger.counting();
        policy.apply(0, 65536, 31, bits, counts);
        assertEquals(0, counts.count(dev.pmemdump.filter.level.PageCounter.PMEM_METADATA));
        assertEquals(16, bits.cardinality(0x500, 0x510));
        policy.apply(0, 65536, 63, bits, counts);
        assertEquals(16, counts.count(dev.pmemdump.filter.level.PageCounter.PMEM_METADATA));
        assertEquals(0, bits.cardinality(0x500, 0x510));
        assertEquals(65536 - 33000, counts.count(dev.pmemdump.filter.level.PageCounter.PMEM_USERDATA)); // the second pass found them cleared
    }
}

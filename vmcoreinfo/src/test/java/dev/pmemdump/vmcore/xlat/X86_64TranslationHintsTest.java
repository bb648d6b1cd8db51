package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.testing.UnitTest;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Translation driven by hints built by hand (no VMCOREINFO, no file format): which hint wins, what the
 * mapped ranges give, and the x86_64 table's paging geometry, all against values computed by hand.
 */
@UnitTest
class X86_64TranslationHintsTest {
    static final long START = 0xffffffff80000000L;

    /** SYMBOL()/NUMBER() from maps, plus what a file format would record. */
    record HandHints(Map<String, Long> symbols, Map<String, Long> numbers, List<MappedRange> mappedRanges,
                     OptionalLong recordedPhysBase) implements TranslationHints {
        HandHints() {
            this(new HashMap<>(), new HashMap<>(), List.of(), OptionalLong.empty());
        }

        HandHints symbol(String name, long value) {
            symbols.put(name, value);
            return this;
        }

        HandHints number(String name, long value) {
            numbers.put(name, value);
            return this;
        }

        HandHints ranges(MappedRange... ranges) {
            return new HandHints(symbols, numbers, List.of(ranges), recordedPhysBase);
        }

        HandHints recorded(long physBase) {
            return new HandHints(symbols, numbers, mappedRanges, OptionalLong.of(physBase));
        }

        @Override
        public String source() {
            return "hand-built";
        }

        @Override
        public OptionalLong symbol(String name) {
            Long v = symbols.get(name);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }

        @Override
        public OptionalLong number(String name) {
            Long v = numbers.get(name);
            return v == null ? OptionalLong.empty() : OptionalLong.of(v);
        }
    }

    final MemorySegment mem = MemorySegment.ofArray(new byte[0x10000]);
    final FlatPhysicalMemory phys = new FlatPhysicalMemory("ram.img", mem, 0);

    /** init_top_pgt at START + 0x1000: with phys_base 0 the top table is physical 0x1000. */
    static HandHints base() {
        return new HandHints().symbol("init_top_pgt", START + 0x1000);
    }

    @Test
    void physBasePrefersNumberThenHeaderThenTextRangeThenZero() throws Exception {
        // text range: vaddr START + 0x1000000 at paddr 0x1400000 shows phys_base 0x400000
        MappedRange text = new MappedRange(START + 0x1000000, 0x1400000, 0x200000);
        X86_64Translation x = X86_64Translation.of(phys,
                base().number("phys_base", 0x200000).recorded(0x300000).ranges(text));
        assertEquals(0x200000, x.physBase());
        assertEquals(0x201000, x.topTable());
        assertEquals(0x300000, X86_64Translation.of(phys, base().recorded(0x300000).ranges(text)).physBase());
        X86_64Translation fromRange = X86_64Translation.of(phys, base().ranges(text));
        assertEquals(0x400000, fromRange.physBase());
        assertEquals(0x401000, fromRange.topTable());
        assertEquals(0x1400010, fromRange.toPhysical(START + 0x1000010));
        assertEquals(0, X86_64Translation.of(phys, base()).physBase());
    }

    @Test
    void topTableFallsBackToInitLevel4PgtAndNamesWhatIsMissing() throws Exception {
        HandHints old = new HandHints().symbol("init_level4_pgt", START + 0x3000);
        assertEquals(0x3000, X86_64Translation.of(phys, old).topTable());
        CorruptInputException e = assertThrows(CorruptInputException.class,
                () -> X86_64Translation.of(phys, new HandHints()));
        assertEquals("hand-built: no SYMBOL(init_level4_pgt) given", e.getMessage());
    }

    @Test
    void directMapFromRangesStopsAtTheirRamEnd() throws Exception {
        // RAM 0x100000..0x1000000 in the direct map at 0xffff888000000000
        MappedRange ram = new MappedRange(0xffff888000100000L, 0x100000, 0xf00000);
        X86_64Translation x = X86_64Translation.of(phys, base().ranges(ram));
        assertEquals(0xffff888000000000L, x.pageOffset().orElseThrow());
        AddressTranslation.Mapping m = x.translate(0xffff888000123456L);
        assertEquals("direct map", m.how());
        assertEquals(0x123456, m.physicalAddress());
        // one byte past the RAM end goes to the page tables: PGD entry 273 at 0x1000 + 273 * 8 = 0x1888
        NotMappedException e = assertThrows(NotMappedException.class, () -> x.translate(0xffff888001000000L));
        assertEquals("ram.img: virtual address 0xffff888001000000: PGD entry 273 (0x0 at physical 0x1888) is not present",
                e.getMessage());
        // ranges that disagree on the base show none
        MappedRange other = new MappedRange(0xffff888100000000L, 0x2000000, 0x1000);
        assertFalse(X86_64Translation.of(phys, base().ranges(ram, other)).pageOffset().isPresent());
        // without ranges (kdump-compressed input) there is no shortcut at all
        assertFalse(X86_64Translation.of(phys, base()).pageOffset().isPresent());
    }

    @Test
    void kernelImageSizeAndSmeMaskComeFromNumbers() throws Exception {
        X86_64Translation x = X86_64Translation.of(phys, base());
        assertEquals("kernel text map", x.translate(START + (512L << 20) - 1).how());
        // past 512 MiB: page tables; PGD index 511 -> entry at 0x1000 + 511 * 8 = 0x1ff8
        NotMappedException e = assertThrows(NotMappedException.class, () -> x.translate(START + (512L << 20)));
        assertTrue(e.getMessage().endsWith("PGD entry 511 (0x0 at physical 0x1ff8) is not present"), e.getMessage());
        X86_64Translation big = X86_64Translation.of(phys, base().number("KERNEL_IMAGE_SIZE", 1L << 30));
        assertEquals("kernel text map", big.translate(START + (512L << 20)).how());

        // PGD 273 -> PUD at 0x2000, entry 0: 1 GiB page at 0x40000000 with the SME bit 47 set
        mem.set(Bytes.LE_U64, 0x1000 + 273 * 8, 0x2000 | 0x63);
        mem.set(Bytes.LE_U64, 0x2000, 0x40000000L | (1L << 47) | 0xe3);
        X86_64Translation sme = X86_64Translation.of(phys, base().number("sme_mask", 1L << 47));
        assertEquals(0x40000123L, sme.toPhysical(0xffff888000000123L));
        assertEquals(0x40000123L | (1L << 47), X86_64Translation.of(phys, base()).toPhysical(0xffff888000000123L));
    }

    @Test
    void fiveLevelFromNumberPgtableL5Enabled() throws Exception {
        X86_64Translation five = X86_64Translation.of(phys, base().number("pgtable_l5_enabled", 1));
        assertTrue(five.fiveLevel());
        // 0xff11000000201010: bits 56..48 = 0x111 = 273 -> entry at 0x1888
        NotMappedException e = assertThrows(NotMappedException.class, () -> five.translate(0xff11000000201010L));
        assertTrue(e.getMessage().endsWith("PGD entry 273 (0x0 at physical 0x1888) is not present"), e.getMessage());
        X86_64Translation four = X86_64Translation.of(phys, base().number("pgtable_l5_enabled", 0));
        assertFalse(four.fiveLevel());
        e = assertThrows(NotMappedException.class, () -> four.translate(0xff11000000201010L));
        assertTrue(e.getMessage().endsWith("not canonical for 4-level paging"), e.getMessage());
    }

    @Test
    void pagingGeometryOfTheTable() {
        X86_64.Paging four = X86_64.Paging.of(false);
        assertEquals(List.of("PGD", "PUD", "PMD", "PTE"), four.levels());
        assertEquals(48, four.vaBits());
        assertEquals(39, four.shift(0));
        assertEquals(12, four.shift(3));
        assertEquals(46, four.maxPhysmemBits());
        X86_64.Paging five = X86_64.Paging.of(true);
        assertEquals(57, five.vaBits());
        assertEquals(48, five.shift(0));
        assertEquals(0xff11000000000000L, five.pageOffset());
        assertEquals(0xffd4000000000000L, five.vmemmapBase());
        assertEquals(52, five.maxPhysmemBits());
        assertEquals(0, X86_64.ramEnd(List.of(new MappedRange(START + 0x1000000, 0x1000000, 0x100000))),
                "the text map is not RAM for the direct-map bound");
    }
}

package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Hand-built page tables, table indices computed by hand from the addresses. */
@UnitTest
class X86_64TranslationTest {
    static final long TABLE = 0x63;     // present | rw | accessed | dirty
    static final long HUGE = 0xe3;      // ... | PSE
    static final long SME = 1L << 47;

    final MemorySegment mem = MemorySegment.ofArray(new byte[0x10000]);
    final FlatPhysicalMemory phys = new FlatPhysicalMemory("ram.img", mem, 0);

    void entry(long table, int index, long value) {
        mem.set(Bytes.LE_U64, table + 8L * index, value);
    }

    X86_64Translation fourLevel() {
        // 0xffffc90000001000: PGD 402, PUD 0, PMD 0, PTE 1 -> 4 KiB page at 0x9000
        entry(0x1000, 402, 0x2000 | TABLE);
        entry(0x2000, 0, 0x3000 | TABLE);
        entry(0x3000, 0, 0x4000 | TABLE);
        entry(0x4000, 1, 0x9000 | TABLE | SME);
        // 0xffff888000000000: PGD 273, PUD 0 -> 1 GiB page at 0x40000000
        entry(0x1000, 273, 0x5000 | TABLE);
        entry(0x5000, 0, 0x40000000L | HUGE);
        // 0xffffea0000200000: PGD 468, PUD 0, PMD 1 -> 2 MiB page at 0x200000 (bit 12 = PAT, not address)
        entry(0x1000, 468, 0x6000 | TABLE);
        entry(0x6000, 0, 0x7000 | TABLE);
        entry(0x7000, 1, 0x200000 | 0x1000 | HUGE);
        // PGD 300 points outside memory
        entry(0x1000, 300, 0x10000000L | TABLE);
        return new X86_64Translation(phys, 0x1000, false, 0x1000000, 1L << 30, OptionalLong.empty(), 46, SME);
    }

    @Test
    void fourLevelWalkWithAllPageSizes() throws Exception {
        X86_64Translation x = fourLevel();
        AddressTranslation.Mapping m = x.translate(0xffffc90000001234L);
        assertEquals(0x9234, m.physicalAddress(), "SME bit stripped");
        assertEquals(4096, m.pageSize());
        m = x.translate(0xffff888000123456L);
        assertEquals(0x40123456L, m.physicalAddress());
        assertEquals(1L << 30, m.pageSize());
        m = x.translate(0xffffea0000201234L);
        assertEquals(0x201234, m.physicalAddress());
        assertEquals(2L << 20, m.pageSize());
        assertEquals("page tables (2 MiB page at PMD)", m.how());
    }

    @Test
    void kernelTextAndDirectMapShortcuts() throws Exception {
        X86_64Translation x = fourLevel();
        assertEquals(0x2000000, x.toPhysical(0xffffffff81000000L));
        assertEquals("kernel text map", x.translate(0xffffffff81000000L).how());
        // beyond KERNEL_IMAGE_SIZE (modules) the text map does not apply
        assertThrows(NotMappedException.class, () -> x.translate(0xffffffffc0001000L));
        X86_64Translation withOffset = new X86_64Translation(phys, 0x1000, false, 0, 1L << 30,
                OptionalLong.of(0xffff888000000000L), 46, 0);
        assertEquals(0x123456, withOffset.toPhysical(0xffff888000123456L));
        assertEquals("direct map", withOffset.translate(0xffff888000123456L).how());
        // KASLR can put vmalloc a few TiB above page_offset_base: past the RAM the shortcut must not apply
        fourLevel();
        X86_64Translation ramSized = new X86_64Translation(phys, 0x1000, false, 0, 1L << 30,
                OptionalLong.of(0xffffc80000000000L), 0x40000000L, SME);
        assertEquals("direct map", ramSized.translate(0xffffc8003fffffffL).how());
        assertEquals(0x9234, ramSized.toPhysical(0xffffc90000001234L));
        assertEquals("page tables (4 KiB page)", ramSized.translate(0xffffc90000001234L).how());
    }

    @Test
    void errorsNameLevelAndEntry() {
        X86_64Translation x = fourLevel();
        CorruptInputException e = assertThrows(NotMappedException.class, () -> x.translate(0xffffea0000400000L));
        assertEquals("ram.img: virtual address 0xffffea0000400000: PMD entry 2 (0x0 at physical 0x7010) is not present",
                e.getMessage());
        e = assertThrows(NotMappedException.class, () -> x.translate(0xffff800000000000L));
        assertEquals("ram.img: virtual address 0xffff800000000000: PGD entry 256 (0x0 at physical 0x1800) is not present",
                e.getMessage());
        e = assertThrows(NotMappedException.class, () -> x.translate(0xffff960000000000L));
        assertEquals("ram.img: virtual address 0xffff960000000000: PUD table at physical 0x10000000 is not in the dump",
                e.getMessage());
        e = assertThrows(NotMappedException.class, () -> x.translate(0x0000800000000000L));
        assertEquals("ram.img: virtual address 0x800000000000: not canonical for 4-level paging", e.getMessage());
        e = assertThrows(NotMappedException.class, () -> x.translate(0xffff000000000000L));
        assertEquals("ram.img: virtual address 0xffff000000000000: not canonical for 4-level paging", e.getMessage());
    }

    @Test
    void fiveLevelWalk() throws Exception {
        // 0xff11000000201000: PGD 273 (bits 56..48), P4D 0, PUD 0, PMD 1, PTE 1 -> 0xa000
        entry(0x1000, 273, 0x2000 | TABLE);
        entry(0x2000, 0, 0x3000 | TABLE);
        entry(0x3000, 0, 0x4000 | TABLE);
        entry(0x4000, 1, 0x5000 | TABLE);
        entry(0x5000, 1, 0xa000 | TABLE);
        // 0xff11008040000000: P4D 1, PUD 1 -> 1 GiB page at 0x80000000
        entry(0x2000, 1, 0x6000 | TABLE);
        entry(0x6000, 1, 0x80000000L | HUGE);
        X86_64Translation x = new X86_64Translation(phys, 0x1000, true, 0, 1L << 30, OptionalLong.empty(), 52, 0);
        assertEquals(0xa010, x.toPhysical(0xff11000000201010L));
        assertEquals(0x80000010L, x.toPhysical(0xff11008040000010L));
        CorruptInputException e = assertThrows(NotMappedException.class, () -> x.translate(0xff11010000000000L));
        assertEquals("ram.img: virtual address 0xff11010000000000: P4D entry 2 (0x0 at physical 0x2010) is not present",
                e.getMessage());
        // valid for 5-level, not canonical for 4-level
        X86_64Translation four = new X86_64Translation(phys, 0x1000, false, 0, 1L << 30, OptionalLong.empty(), 46, 0);
        assertThrows(NotMappedException.class, () -> four.translate(0xff11000000201010L));
    }

    @Test
    void kernelMemoryReadsAcrossPages() throws Exception {
        X86_64Translation x = fourLevel();
        // second 4 KiB page of the vmalloc range is unmapped: a read crossing into it fails naming it
        entry(0x4000, 2, 0xb000 | TABLE);
        mem.set(Bytes.LE_U64, 0x9ffc, 0x1111111122222222L);
        mem.set(Bytes.LE_U32, 0xb000, 0x33333333);
        KernelMemory km = new KernelMemory(phys, x, java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] b = km.read(0xffffc90000001ffcL, 8);
        assertEquals(0x3333333322222222L, MemorySegment.ofArray(b).get(Bytes.LE_U64, 0));
        NotMappedException e = assertThrows(NotMappedException.class, () -> km.read(0xffffc90000002ffcL, 8));
        assertEquals(0xffffc90000003000L, e.virtualAddress());
    }
}

package dev.pmemdump.pmem;

import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-computed and reference-model vectors (docs/pmem-formats.md §1.4, §1.9). */
@UnitTest
class FormatVectorsTest {
    static final long MiB = Bytes.MiB, GiB = Bytes.GiB;

    static MemorySegment words(int... w) {
        MemorySegment s = MemorySegment.ofArray(new byte[w.length * 4]);
        for (int i = 0; i < w.length; i++) {
            s.set(Bytes.LE_U32, 4L * i, w[i]);
        }
        return s;
    }

    @Test
    void fletcher64Vectors() {
        assertEquals(0, Fletcher64.of(MemorySegment.ofArray(new byte[4096])));
        assertEquals(0x0000000100000001L, Fletcher64.of(words(1)));
        assertEquals(0x0000000400000003L, Fletcher64.of(words(1, 2)));
        assertEquals(0xFFFFFFFF00000000L, Fletcher64.of(words(0xFFFFFFFF, 1)));
    }

    /** Golden block (docs/pmem-formats.md §1.9): 128 MiB at 4 GiB, --map=dev, uuid 42e1d574-..., align 2M. */
    @Test
    void goldenPfnInfoBlock() throws Exception {
        PfnInfoBlock.Placement p = PfnInfoBlock.place(0x100000000L, 128 * MiB, PfnInfoBlock.MODE_PMEM, 2 * MiB);
        assertEquals(0x400000, p.dataOff());
        PfnInfoBlock ib = PfnInfoBlock.create(false, UUID.fromString("42e1d574-76ac-402c-9132-5436e31528c0"),
                Uuids.NULL, PfnInfoBlock.MODE_PMEM, p);
        MemorySegment b = MemorySegment.ofArray(new byte[4096]);
        ib.encode(b);
        assertEquals(0x0454e95b7b499a9eL, b.get(Bytes.LE_U64, 0xff8));
        PfnInfoBlock back = PfnInfoBlock.read("golden", 0x1000, b, PfnInfoBlock.PFN_SIG, Uuids.NULL, 0x100000000L, 128 * MiB);
        assertEquals(ib, back);
        assertNull(PfnInfoBlock.read("golden", 0x1000, b, PfnInfoBlock.DAX_SIG, Uuids.NULL, 0x100000000L, 128 * MiB));
    }

    /** Worked numbers of docs/pmem-formats.md §1.9 (verified there against real ndctl output). */
    @Test
    void placementTable() {
        long start = 0x100000000L;
        long[][] rows = { // size, dev dataoff, dev usable, mem dataoff
                {16 * MiB, 0x200000, 14 * MiB, 0x200000}, {128 * MiB, 0x400000, 124 * MiB, 0x200000},
                {256 * MiB, 0x600000, 250 * MiB, 0x200000}, {GiB, 0x1200000, 1006 * MiB, 0x200000},
                {4 * GiB, 0x4200000, 4225761280L, 0x200000}, {80 * GiB, 0x50200000L, 84555071488L, 0x200000}};
        for (long[] r : rows) {
            PfnInfoBlock.Placement dev = PfnInfoBlock.place(start, r[0], PfnInfoBlock.MODE_PMEM, 2 * MiB);
            assertEquals(r[1], dev.dataOff(), "dev dataoff for " + r[0]);
            assertEquals(r[2], r[0] - dev.dataOff() - dev.endTrunc());
            assertEquals(r[3], PfnInfoBlock.place(start, r[0], PfnInfoBlock.MODE_RAM, 2 * MiB).dataOff());
        }
        assertEquals(1031680, PfnInfoBlock.place(start, 4 * GiB, PfnInfoBlock.MODE_PMEM, 2 * MiB).npfns());
        PfnInfoBlock.Placement tib = PfnInfoBlock.place(0, 1L << 40, PfnInfoBlock.MODE_PMEM, 16 * MiB);
        assertEquals(17196646400L, tib.dataOff());
        assertEquals(264237056L, tib.npfns());
        assertThrows(IllegalArgumentException.class, () -> PfnInfoBlock.place(start + 4096, 64 * MiB, 2, 2 * MiB));
    }

    /** A version-1.0 block: start_pad/end_trunc ignored, align derived from dataoff. */
    @Test
    void olderVersionFallbacks() throws Exception {
        MemorySegment b = MemorySegment.ofArray(new byte[4096]);
        PfnInfoBlock.create(false, UUID.randomUUID(), Uuids.NULL, PfnInfoBlock.MODE_PMEM,
                PfnInfoBlock.place(0, 128 * MiB, PfnInfoBlock.MODE_PMEM, 2 * MiB)).encode(b);
        b.set(Bytes.LE_U16, 0x36, (short) 0);
        b.set(Bytes.LE_U32, 0x50, 0x1234);     // end_trunc garbage a v1.0 writer never wrote
        b.set(Bytes.LE_U32, 0x58, 0x10000);    // page_size garbage (v1.4 field)
        InfoBlock.seal(b);
        PfnInfoBlock ib = PfnInfoBlock.read("v1.0", 0x1000, b, PfnInfoBlock.PFN_SIG, Uuids.NULL, 0, 128 * MiB);
        assertEquals(0, ib.endTrunc());
        assertEquals(0x400000, ib.align(), "1 << ilog2(dataoff)");
        assertEquals(4096, ib.pageSize());
        assertEquals(64, ib.pageStructSize());
    }

    /** Each named check of nd_pfn_validate, by the field it blames. */
    @Test
    void pfnValidationChecksNamed() throws Exception {
        long size = 128 * MiB;
        String[][] cases = { // field offset (hex), value, expected message part[, blamed field if another]
                {"48", "3", "mode 3 invalid"}, {"58", "8192", "page size mismatch"}, {"5c", "32", "struct page size"},
                {"38", "0x8000000", "pfn array size exceeds capacity"}, {"38", "0x401000", "bad offset"},
                {"4c", "4096", "bad offset", "38"}, {"50", "4096", "resource end misaligned"},
                {"54", "0x40000000", "exceeds namespace capacity"}};
        for (String[] c : cases) {
            MemorySegment b = MemorySegment.ofArray(new byte[4096]);
            PfnInfoBlock.create(true, UUID.randomUUID(), Uuids.NULL, PfnInfoBlock.MODE_PMEM,
                    PfnInfoBlock.place(0, size, PfnInfoBlock.MODE_PMEM, 2 * MiB)).encode(b);
            long off = Long.parseLong(c[0], 16);
            long v = Long.decode(c[1]);
            if (off == 0x38) {
                b.set(Bytes.LE_U64, off, v);
            } else if (off == 0x5c) {
                b.set(Bytes.LE_U16, off, (short) v);
            } else {
                b.set(Bytes.LE_U32, off, (int) v);
            }
            InfoBlock.seal(b);
            CorruptInputException e = assertThrows(CorruptInputException.class,
                    () -> PfnInfoBlock.read("img", 0x1000, b, PfnInfoBlock.DAX_SIG, Uuids.NULL, 0, size), c[2]);
            assertTrue(e.getMessage().contains(c[2]), e.getMessage());
            assertEquals(0x1000 + (c.length > 3 ? Long.parseLong(c[3], 16) : off), e.offset(), c[2]);
        }
        MemorySegment b = MemorySegment.ofArray(new byte[4096]);
        PfnInfoBlock.create(true, UUID.randomUUID(), Uuids.NULL, 2, PfnInfoBlock.place(0, size, 2, 2 * MiB)).encode(b);
        b.set(Bytes.LE_U32, 0x54, 8192);
        InfoBlock.seal(b);
        assertTrue(assertThrows(CorruptInputException.class, () -> PfnInfoBlock.read("img", 0, b,
                PfnInfoBlock.DAX_SIG, Uuids.NULL, 0, size)).getMessage().contains("alignment mismatch"));
    }

    /** An fsdax block with 4 KiB alignment on a namespace whose start is not 2 MiB aligned. */
    @Test
    void resourceStartMisaligned() {
        MemorySegment b = MemorySegment.ofArray(new byte[4096]);
        PfnInfoBlock.create(false, UUID.randomUUID(), Uuids.NULL, PfnInfoBlock.MODE_RAM,
                PfnInfoBlock.place(0, 64 * MiB, PfnInfoBlock.MODE_RAM, 4096)).encode(b);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> PfnInfoBlock.read("img", 0x1000, b,
                PfnInfoBlock.PFN_SIG, Uuids.NULL, 4096, 64 * MiB));
        assertTrue(e.getMessage().contains("resource start misaligned"), e.getMessage());
    }

    /** GUIDs are mixed-endian on media (docs/pmem-formats.md §2.3 byte strings). */
    @Test
    void guidByteOrder() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        Uuids.writeGuid(s, 0, NamespaceLabel.PFN_GUID);
        assertEquals("ba0064269ffb7746bcb0968f11d0d225", HexFormat.of().formatHex(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        Uuids.writeGuid(s, 0, NamespaceLabel.PMEM_TYPE_GUID);
        assertEquals("79d3f066f3b47440ac430d3318b78cdb", HexFormat.of().formatHex(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
        assertEquals(NamespaceLabel.PMEM_TYPE_GUID, Uuids.readGuid(s, 0));
        Uuids.writeGuid(s, 0, NamespaceLabel.BTT2_GUID);
        assertEquals("fc3b6318351717428ac917239282d3f8", HexFormat.of().formatHex(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE)));
    }

    /** The fixture's cookies: labels carry 0x2468ac00123456 (v1.1); sysfs set_cookie shows 0xba90120012b4dc. */
    @Test
    void qemuInterleaveSetCookies() {
        RegionLayout l = RegionLayout.qemuNvdimm();
        assertEquals(10248187106440278L, l.cookie1());
        assertEquals(0xba90120012b4dcL, l.cookie2());
    }

    @Test
    void labelAreaGeometry() {
        assertEquals(256, LabelIndex.indexSizeFor(128 * 1024, 128));
        assertEquals(1020, LabelIndex.slotsFor(128 * 1024, 128));
        assertEquals(256, LabelIndex.indexSizeFor(128 * 1024, 256));
        assertEquals(510, LabelIndex.slotsFor(128 * 1024, 256));
        assertEquals(2, LabelIndex.nextSeq(1));
        assertEquals(1, LabelIndex.nextSeq(3));
        assertEquals(1, LabelIndex.bestSeq(1, 3), "1 follows 3");
        assertEquals(3, LabelIndex.bestSeq(2, 3));
    }

    /** BTT geometry of the fixture's 64 MiB sector namespace (structure-hexdumps.txt). */
    @Test
    void bttLayoutMatchesKernel() {
        BttInfoBlock v11 = Btt.layout(64 * MiB - 4096, 0, 4096, UUID.randomUUID(), UUID.randomUUID(), 1, 1);
        assertEquals(0x3ee8, v11.externalNlba());
        assertEquals(0x3fe8, v11.internalNlba());
        assertEquals(0x3fea000, v11.mapOff());
        assertEquals(0x3ffa000, v11.logOff());
        assertEquals(0x3ffe000, v11.info2Off());
        BttInfoBlock v12 = Btt.layout(64 * MiB, 0, 4096, UUID.randomUUID(), UUID.randomUUID(), 2, 0);
        assertEquals(0x3ee9, v12.externalNlba());
        assertEquals(0x3feb000, v12.mapOff());
        assertEquals(0x3fff000, v12.info2Off());
    }

    @Test
    void kernfsOrderOfTheFixture() {
        assertEquals(java.util.List.of("namespace0.2", "namespace0.4", "namespace0.1", "namespace0.3", "namespace0.5",
                "namespace0.0"), KernfsOrder.ndctlOrder(java.util.List.of("namespace0.0", "namespace0.1", "namespace0.2",
                "namespace0.3", "namespace0.4", "namespace0.5"), s -> s));
    }
}

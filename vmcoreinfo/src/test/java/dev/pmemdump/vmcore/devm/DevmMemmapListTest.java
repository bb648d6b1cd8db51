package dev.pmemdump.vmcore.devm;

import dev.pmemdump.io.Range;

import dev.pmemdump.testing.Outputs;
import dev.pmemdump.io.Bytes;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.FlatPhysicalMemory;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;
import dev.pmemdump.testing.UnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A synthetic first kernel: 48 MiB of RAM, the head in kernel .data, nodes in the direct map. */
@UnitTest
class DevmMemmapListTest {
    static final long PAGE_OFFSET = 0xffff888000000000L;
    static final long HEAD = 0xffffffff825603c0L;          // phys_base 0: physical 0x25603c0
    static final long SLAB = PAGE_OFFSET + 0x1000000;      // kmalloc-64 objects
    static final long RAM = 48L << 20;

    final MemorySegment mem = MemorySegment.ofArray(new byte[(int) RAM]);
    final FlatPhysicalMemory ram = new FlatPhysicalMemory("ram.img", mem, 0);
    final X86_64Translation xlat = new X86_64Translation(ram, 0, false, 0, 1L << 30, OptionalLong.of(PAGE_OFFSET), 46, 0);
    final KernelMemory kernel = new KernelMemory(ram, xlat, ByteOrder.LITTLE_ENDIAN);

    static VmcoreInfo info() {
        VmcoreInfo base = VmcoreInfo.builder().osRelease("6.3.0-rc3-pmem").pageSize(4096)
                .symbol("init_uts_ns", 0xffffffff82a0e000L).symbol("mem_section", PAGE_OFFSET + 0x2000000)
                .length("mem_section", 2048).offset("list_head", "next", 0).offset("list_head", "prev", 8)
                .number("MAX_PHYSMEM_BITS", 46).number("phys_base", 0).symbol("init_top_pgt", 0xffffffff82a10000L)
                .build("synthetic");
        return DevmMemmapList.withVmcoreInfoLines(base, HEAD, DevmMemmapList.Layout.LP64);
    }

    static List<DevmMemmapList.Registration> namespaces(int n) {
        List<DevmMemmapList.Registration> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Range r = DevmMemmapList.memmapPfnRange(0x140000000L + i * (4L << 30), 0, 0x1200000 + i * 0x200000L);
            out.add(new DevmMemmapList.Registration(SLAB + 64L * i, r.start(), r.end(), 0xffff888003000000L + 0x400L * i));
        }
        return out;
    }

    List<DevmMemmapList.Entry> exportAndRestore(List<DevmMemmapList.Registration> regs) throws Exception {
        DevmMemmapList.export(ram, xlat, ByteOrder.LITTLE_ENDIAN, HEAD, regs, DevmMemmapList.Layout.LP64);
        return DevmMemmapList.restore(info(), kernel).orElseThrow();
    }

    static List<DevmMemmapList.Entry> newestFirst(List<DevmMemmapList.Registration> regs) {
        List<DevmMemmapList.Entry> out = new ArrayList<>();
        for (DevmMemmapList.Registration r : regs.reversed()) {
            out.add(new DevmMemmapList.Entry(r.nodeAddress(), r.startPfn(), r.endPfn()));
        }
        return out;
    }

    @Test
    void vmcoreInfoLinesAreTheRfcKernels() {
        String text = info().text();
        assertTrue(text.contains("""
                SYMBOL(devm_memmap_vmcore_head)=ffffffff825603c0
                SIZE(devm_memmap_vmcore)=40
                OFFSET(devm_memmap_vmcore.entry)=0
                OFFSET(devm_memmap_vmcore.start)=16
                OFFSET(devm_memmap_vmcore.end)=24
                SYMBOL(mem_section)="""), text);
        VmcoreInfo again = VmcoreInfo.parse(info().bytes(), "again");
        assertArrayEquals(info().bytes(), again.bytes());
    }

    @Test
    void memmapRangeIsSubsectionAlignedPfns() {
        // start + pad = 0x140201000 -> pfn 0x140201, aligned down to 512 pages; dataoff 18 MiB = 0x1200 pages
        assertEquals(new Range(0x140200, 0x141400), DevmMemmapList.memmapPfnRange(0x140200000L, 0x1000, 0x1200000));
    }

    @Test
    void noNamespacesGiveAnEmptyList() throws Exception {
        assertEquals(List.of(), exportAndRestore(List.of()));
        // the empty head points to itself
        assertEquals(HEAD, kernel.readLong(HEAD));
        assertEquals(HEAD, kernel.readLong(HEAD + 8));
    }

    @Test
    void oneAndManyNamespacesComeBackNewestFirst() throws Exception {
        List<DevmMemmapList.Registration> one = namespaces(1);
        assertEquals(newestFirst(one), exportAndRestore(one));
        List<DevmMemmapList.Registration> many = namespaces(7);
        List<DevmMemmapList.Entry> got = exportAndRestore(many);
        assertEquals(newestFirst(many), got);
        assertEquals(0x140000L + 6 * 0x100000, got.getFirst().startPfn());
        // match cookie sits at offset 32 of each node, as the kernel keeps it
        assertEquals(0xffff888003000000L, kernel.readLong(SLAB + 32));
    }

    @Test
    void kernelWithoutThePatchHasNoList() throws Exception {
        VmcoreInfo plain = VmcoreInfo.builder().osRelease("6.1").pageSize(4096).build("plain");
        assertTrue(DevmMemmapList.restore(plain, kernel).isEmpty());
    }

    String corrupt(int n, java.util.function.Consumer<MemorySegment> damage) throws Exception {
        DevmMemmapList.export(ram, xlat, ByteOrder.LITTLE_ENDIAN, HEAD, namespaces(n), DevmMemmapList.Layout.LP64);
        damage.accept(mem);
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> DevmMemmapList.restore(info(), kernel));
        assertTrue(e.getMessage().startsWith("ram.img: devm_memmap_vmcore list: "), e.getMessage());
        return e.getMessage().substring("ram.img: devm_memmap_vmcore list: ".length());
    }

    static long node(int i) {
        return SLAB - PAGE_OFFSET + 64L * i;   // physical address of node i
    }

    @Test
    void cycleIsNamed() throws Exception {
        // walk order is node 2, 1, 0; node 0 points back to node 1
        assertEquals("cycle: node 0xffff888001000040 (next of 0xffff888001000000) is reached twice",
                corrupt(3, m -> m.set(Bytes.LE_U64, node(0), SLAB + 64)));
        // a node pointing to itself
        assertTrue(corrupt(3, m -> m.set(Bytes.LE_U64, node(1), SLAB + 64)).startsWith("cycle: node 0xffff888001000040"));
    }

    @Test
    void pointersOutsideTheDumpAreNamed() throws Exception {
        String m = corrupt(3, s -> s.set(Bytes.LE_U64, node(1), PAGE_OFFSET + (1L << 40)));
        assertEquals("node 0xffff898000000000 (next of 0xffff888001000040) lies outside the dump (reading"
                + " 0xffff898000000008: physical address 0x10000000008 (0x8 bytes) is not in the dump)", m);
        // LIST_POISON1: not even canonical, so the page-table walk refuses it
        m = corrupt(2, s -> s.set(Bytes.LE_U64, node(1), 0xdead000000000100L));
        assertTrue(m.startsWith("node 0xdead000000000100 (next of 0xffff888001000040) lies outside the dump"), m);
        m = corrupt(1, s -> s.set(Bytes.LE_U64, HEAD - 0xffffffff80000000L, 0L));
        assertTrue(m.startsWith("node 0x0 (next of 0xffffffff825603c0) lies outside the dump"), m);
    }

    @Test
    void absurdAndEmptyRangesAreNamed() throws Exception {
        assertEquals("node 0xffff888001000040 (next of 0xffff888001000080) has an absurd range [0x240000,"
                        + " 0x1000000000000000) beyond the physical address space",
                corrupt(3, s -> s.set(Bytes.LE_U64, node(1) + 24, 1L << 60)));
        assertEquals("node 0xffff888001000040 (next of 0xffff888001000080) has end pfn 0x240000 <= start pfn 0x240000",
                corrupt(3, s -> s.set(Bytes.LE_U64, node(1) + 24, 0x240000L)));
    }

    @Test
    void brokenBackLinksAndEndlessChainsStop() throws Exception {
        assertEquals("node 0xffff888001000000 (next of 0xffff888001000040) has prev 0x0, not 0xffff888001000040",
                corrupt(3, s -> s.set(Bytes.LE_U64, node(0) + 8, 0L)));
        assertTrue(corrupt(3, s -> s.set(Bytes.LE_U64, HEAD - 0xffffffff80000000L + 8, SLAB + 64))
                .startsWith("the head's prev 0xffff888001000040 is not the last node's list_head"));
        String m = corrupt(DevmMemmapList.MAX_ENTRIES + 1, s -> { });
        assertEquals("more than 4096 entries: the list is corrupt", m);
    }

    /** Through a vmcore file: ELF PT_LOADs, VMCOREINFO note, translation set up from the dump alone. */
    @Test
    void restoresFromAVmcoreFile(@TempDir Path tmp) throws Exception {
        List<DevmMemmapList.Registration> regs = namespaces(4);
        DevmMemmapList.export(ram, xlat, ByteOrder.LITTLE_ENDIAN, HEAD, regs, DevmMemmapList.Layout.LP64);
        Path vmcore = tmp.resolve("vmcore");
        Outputs.written(vmcore, o -> ElfCoreWriter.writeVmcore(o, ElfMachine.X86_64, 4096, List.of(VmcoreInfoNote.toNote(info())),
                List.of(ProgramHeader.load(ProgramHeader.PF_RWX, 0x2000000, 0xffffffff82000000L, 0x2000000, 0x1000000),
                        ProgramHeader.load(ProgramHeader.PF_RWX, 0, PAGE_OFFSET, 0, RAM)), ram));
        try (MappedImage img = MappedImage.open(vmcore, MappedImage.Access.READ_ONLY)) {
            ElfCore core = ElfCore.open(img);
            VmcoreInfo fromDump = VmcoreInfoNote.from(core);
            ElfPhysicalMemory phys = new ElfPhysicalMemory(core);
            KernelMemory km = new KernelMemory(phys, X86_64Translation.of(phys,
                    VmcoreInfoHints.of(fromDump).withMappedRanges(core.mappedRanges())),
                    ByteOrder.LITTLE_ENDIAN);
            assertEquals(newestFirst(regs), DevmMemmapList.restore(fromDump, km).orElseThrow());
        }
    }
}

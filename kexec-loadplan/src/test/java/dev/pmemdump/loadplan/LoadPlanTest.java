package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.io.Range;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@FixtureTest
class LoadPlanTest {
    static final String KDUMP_IOMEM = "linux-6.1-qemu/kdump-file/first-kernel/34-iomem.txt";

    private static final long PO = X86Layout.PAGE_OFFSET;

    private static Iomem fixture() throws Exception {
        return Iomem.parse("34-iomem.txt", Fixtures.text(LoadPlanTest.KDUMP_IOMEM));
    }

    private static Load ram(long start, long end, long source) {
        return new Load(Load.Kind.RAM, start, PO + start, end - start + 1, source, false);
    }

    @Test
    void kexecLoadFollowsKexecToolsRules() throws Exception {
        LoadPlan plan = LoadPlan.build(fixture(), PlanOptions.of(LoadMode.LOAD).withCpus(2)
                .withKernel(KernelFacts.from(VmcoreInfo.parse("KERNELOFFSET=2d000000\nNUMBER(phys_base)=-631242752\n", "v")))
                .withKernelSize(0x342f123));
        assertEquals(List.of(
                new Load(Load.Kind.KERNEL_TEXT, 0x8600000, 0xffffffffae000000L, 0x3430000, 0x8600000, false),
                // Below 640 KiB: read from the backup copy kexec-tools puts at the top of crash memory
                // (0x9ec00 bytes, rounded to 0x9f000, below 0x17000000).
                ram(0x1000, 0x9fbff, 0x16f61000),
                // No low-1 MiB cut, unlike kexec_file_load.
                ram(0x100000, 0x0effffff, 0x100000),
                ram(0x17000000, 0x17fdefff, 0x17000000),
                new Load(Load.Kind.PMEM, 0x100000000L, PO + 0x100000000L, 0x1ffe0000L, 0x100000000L, true)),
                plan.loads());
        assertEquals(List.of(new NoteBuffer("CPU 0", 0, 1024), new NoteBuffer("CPU 1", 0, 1024), new NoteBuffer("VMCOREINFO", 0, 4132)),
                plan.notes());
    }

    @Test
    void noPmemGivesUpstreamBehaviour() throws Exception {
        LoadPlan plan = LoadPlan.build(fixture(), PlanOptions.of(LoadMode.LOAD).withPmem(false));
        assertTrue(plan.loads().stream().noneMatch(Load::isPmem));
        assertEquals(3, plan.loads().size()); // no kernel size given: text load left out, with a warning
        assertTrue(plan.warnings().contains("kernel text PT_LOAD left out: _end - _text unknown (give the kernel size)"));
    }

    @Test
    void legacyPmemIsLeftOutUnlessAskedFor() throws Exception {
        Iomem legacy = Iomem.parse("iomem-after.txt", Fixtures.text("linux-6.1-qemu/legacy-e820/iomem-after.txt"));
        for (LoadMode mode : LoadMode.values()) {
            PlanOptions o = PlanOptions.of(mode).withCrashKernel(List.of(CrashKernelSpec.parse("128M")));
            LoadPlan plain = LoadPlan.build(legacy, o);
            assertTrue(plain.loads().stream().noneMatch(Load::isPmem), mode.name());
            assertTrue(plain.loads().stream().noneMatch(l -> l.phys() == 0x30000000), mode.name());
            LoadPlan with = LoadPlan.build(legacy, o.withLegacyPmem(true));
            List<Load> pmem = with.loads().stream().filter(Load::isPmem).toList();
            assertEquals(List.of(new Load(Load.Kind.PMEM, 0x30000000, PO + 0x30000000, 0x8000000, 0x30000000, true)),
                    pmem, mode.name());
        }
        // The first-kernel "Persistent Memory" fixture has no legacy range: the option changes nothing.
        assertEquals(LoadPlan.build(fixture(), PlanOptions.of(LoadMode.FILE)).loads(),
                LoadPlan.build(fixture(), PlanOptions.of(LoadMode.FILE).withLegacyPmem(true)).loads());
    }

    @Test
    void gartIsLeftOutByKexecToolsOnly() throws Exception {
        Iomem gart = Iomem.parse("gart", """
                00001000-0009fbff : System RAM
                00100000-3fffffff : System RAM
                  04000000-07ffffff : GART
                  20000000-27ffffff : Crash kernel
                """);
        List<Range> load = LoadPlan.build(gart, PlanOptions.of(LoadMode.LOAD)).loads().stream()
                .map(l -> Range.ofLength(l.phys(), l.size())).toList();
        assertEquals(List.of(Range.ofInclusive(0x1000, 0x9fbff), Range.ofInclusive(0x100000, 0x3ffffff),
                Range.ofInclusive(0x8000000, 0x1fffffff), Range.ofInclusive(0x28000000, 0x3fffffff)), load);
        List<Range> file = LoadPlan.build(gart, PlanOptions.of(LoadMode.FILE)).loads().stream()
                .map(l -> Range.ofLength(l.phys(), l.size())).toList();
        assertEquals(List.of(Range.ofInclusive(0x100000, 0x1fffffff), Range.ofInclusive(0x28000000, 0x3fffffff)), file);
    }

    @Test
    void kmemRamIsCarvedOutOfThePmemLoad() throws Exception {
        Iomem kmem = Iomem.parse("kmem", """
                00100000-3fffffff : System RAM
                  20000000-27ffffff : Crash kernel
                100000000-17fffffff : Persistent Memory
                  100000000-17fffffff : namespace0.0
                    110000000-13fffffff : dax0.0
                      110000000-13fffffff : System RAM (kmem)
                """);
        LoadPlan plan = LoadPlan.build(kmem, PlanOptions.of(LoadMode.FILE).withPageOffset(0xffff8b0000000000L));
        assertEquals(List.of(
                        new Load(Load.Kind.RAM, 0x100000, 0xffff8b0000100000L, 0x1ff00000, 0x100000, false),
                        new Load(Load.Kind.RAM, 0x28000000, 0xffff8b0028000000L, 0x18000000, 0x28000000, false),
                        new Load(Load.Kind.RAM, 0x110000000L, 0xffff8b0110000000L, 0x30000000, 0x110000000L, false),
                        new Load(Load.Kind.PMEM, 0x100000000L, 0xffff8b0100000000L, 0x10000000, 0x100000000L, true),
                        new Load(Load.Kind.PMEM, 0x140000000L, 0xffff8b0140000000L, 0x40000000, 0x140000000L, true)),
                plan.loads());
        assertFalse(plan.isPmem(0x110000000L, 0x110001000L));
        assertTrue(plan.isPmem(0x140000000L, 0x180000000L));
        assertFalse(plan.isPmem(0x13ffff000L, 0x140001000L));
    }

    @Test
    void aPmemLoadWithoutPhysicalAddressDoesNotMakeEverythingPmem() {
        List<Load> loads = List.of(
                new Load(Load.Kind.RAM, 0x100000, PO + 0x100000, 0x1000000, 0x100000, false),
                new Load(Load.Kind.PMEM, Load.NO_PHYS, 0xffffc90000000000L, 0x1000000, 0, true),
                new Load(Load.Kind.PMEM, 0x100000000L, PO + 0x100000000L, 0x1000000, 0x100000000L, true));
        assertFalse(Load.isPmemRange(loads, 0x200000, 0x201000));
        assertTrue(Load.isPmemRange(loads, 0x100000000L, 0x100001000L));
    }

    @Test
    void vmcoreinfoFromAnotherBootIsRejected() throws Exception {
        PlanOptions o = PlanOptions.of(LoadMode.FILE).withKernelSize(0x3430000)
                .withKernel(KernelFacts.from(VmcoreInfo.parse("KERNELOFFSET=2c000000\nNUMBER(phys_base)=-631242752\n", "VMCOREINFO")));
        CorruptInputException e = assertThrows(CorruptInputException.class, () -> LoadPlan.build(fixture(), o));
        assertEquals("VMCOREINFO: KERNELOFFSET and phys_base put _text at physical 0x7600000 but 34-iomem.txt has "
                + "\"Kernel code\" at 0x8600000: not the same boot", e.getMessage());
    }

    @Test
    void noReservationAtAllIsAnError() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadPlan.build(CrashKernelTest.unreservedFixture(), PlanOptions.of(LoadMode.FILE)));
        assertEquals("34-iomem.txt: no \"Crash kernel\" resource and no crashkernel= value: the first kernel "
                + "reserved no memory for a capture kernel", e.getMessage());
    }

    @Test
    void tableMatchesTheRfcsMakedumpfileDebugOutput() {
        // From the RFC's makedumpfile commit message (docs/rfc.md §3a), without the "dump_Elf_load: " prefix.
        String expected = ""
                + "               phys_start         phys_end       virt_start         virt_end  is_pmem\n"
                + "LOAD[ 0]         6b800000         6e42c000 ffffffffbcc00000 ffffffffbf82c000    false\n"
                + "LOAD[ 1]        140000000        23e200000 ffff975ac0000000 ffff975bbe200000     true\n";
        List<Load> loads = List.of(
                new Load(Load.Kind.KERNEL_TEXT, 0x6b800000, 0xffffffffbcc00000L, 0x2c2c000, 0x6b800000, false),
                new Load(Load.Kind.PMEM, 0x140000000L, 0xffff975ac0000000L, 0xfe200000L, 0x140000000L, true));
        assertEquals(expected, PlanReport.table(loads));
    }

    @Test
    void jsonCarriesEveryLoadWithHexAddresses() throws Exception {
        LoadPlan plan = LoadPlan.build(fixture(), LoadPlanFixtureTest.fixtureOptions());
        ObjectNode json = PlanReport.json(plan, new ObjectMapper());
        assertEquals("kexec_file_load", json.get("mode").asText());
        assertEquals(4, json.get("loads").size());
        assertEquals("0xffffffffae000000", json.get("loads").get(0).get("virt_start").asText());
        assertEquals("0x17", json.get("loads").get(3).get("p_flags").asText());
        assertTrue(json.get("loads").get(3).get("is_pmem").asBoolean());
        assertEquals(0x1ffe0000L, json.get("loads").get(3).get("size").asLong());
        assertEquals("0xf000000", json.get("crash_kernel").get(0).get("start").asText());
    }
}

package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.io.Range;

import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.testing.FixtureTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test: the kexec_file_load plan built from the first kernel's recorded /proc/iomem
 * has the PT_LOADs readelf shows in the vmcore that kernel really produced.
 */
@FixtureTest
class LoadPlanFixtureTest {
    static final String DIR = "linux-6.1-qemu/kdump-file/";
    /**
     * {@code _end - _text} of the fixture's 6.1.0-56-amd64 build. Neither /proc/iomem (which stops at
     * __bss_stop) nor VMCOREINFO carries {@code _end}; loaders read it from /proc/kcore, which the
     * fixture did not record, so it is the one input given here rather than derived.
     */
    static final long KERNEL_SIZE = 0x3430000L;
    /** page_offset_base of that boot (KASLR), likewise not in VMCOREINFO. */
    static final long PAGE_OFFSET_BASE = 0xffff8885c0000000L;

    record Phdr(String type, long offset, long vaddr, long paddr, long filesz, long memsz) {}

    /** Program headers as readelf -l printed them for the real /proc/vmcore copy. */
    static List<Phdr> readelfPhdrs() {
        Pattern two = Pattern.compile("\\s+(LOAD|NOTE)\\s+0x(\\p{XDigit}+) 0x(\\p{XDigit}+) 0x(\\p{XDigit}+)\\n"
                + "\\s+0x(\\p{XDigit}+) 0x(\\p{XDigit}+)");
        Matcher m = two.matcher(Fixtures.text(DIR + "host-analysis/readelf-h-l-n.txt"));
        List<Phdr> out = new ArrayList<>();
        while (m.find()) {
            out.add(new Phdr(m.group(1), Long.parseUnsignedLong(m.group(2), 16), Long.parseUnsignedLong(m.group(3), 16),
                    Long.parseUnsignedLong(m.group(4), 16), Long.parseUnsignedLong(m.group(5), 16),
                    Long.parseUnsignedLong(m.group(6), 16)));
        }
        return out;
    }

    static PlanOptions fixtureOptions() throws Exception {
        return PlanOptions.of(LoadMode.FILE)
                .withCrashKernel(CrashKernelSpec.fromCmdline(Fixtures.text(DIR + "first-kernel/proc-cmdline.txt")))
                .withKernel(KernelFacts.from(VmcoreInfo.parse(Fixtures.text(DIR + "host-analysis/VMCOREINFO.txt"), "VMCOREINFO.txt")))
                .withKernelSize(KERNEL_SIZE)
                .withPageOffset(PAGE_OFFSET_BASE)
                .withCpus(2)
                .withVmcoreinfoNote(SysfsNotes.vmcoreinfo("37-sys-kernel-vmcoreinfo.txt",
                        Fixtures.text(DIR + "first-kernel/37-sys-kernel-vmcoreinfo.txt")));
    }

    @Test
    void upstreamFilePlanMatchesTheRealVmcoreExactly() throws Exception {
        List<Phdr> real = readelfPhdrs().stream().filter(p -> p.type().equals("LOAD")).toList();
        assertEquals(3, real.size());
        LoadPlan plan = LoadPlan.build(Iomem.parse("34-iomem.txt", Fixtures.text(DIR + "first-kernel/34-iomem.txt")),
                fixtureOptions().withPmem(false));
        assertEquals(real.size(), plan.loads().size());
        for (int i = 0; i < real.size(); i++) {
            Phdr r = real.get(i);
            Load l = plan.loads().get(i);
            assertEquals(r.paddr(), l.phys(), "LOAD " + i + " paddr");
            assertEquals(r.memsz(), l.size(), "LOAD " + i + " memsz");
            assertEquals(r.filesz(), l.size(), "LOAD " + i + " filesz");
            assertEquals(r.vaddr(), l.virt(), "LOAD " + i + " vaddr");
            assertEquals(0x7, l.flags(), "LOAD " + i + " flags (readelf: RWE)");
        }
        assertEquals(Load.Kind.KERNEL_TEXT, plan.loads().getFirst().kind());
        // The capture kernel numbers file offsets page by page in PT_LOAD order from the first data page.
        long offset = real.getFirst().offset();
        for (int i = 0; i < real.size(); i++) {
            assertEquals(real.get(i).offset(), offset, "LOAD " + i + " offset");
            offset += plan.loads().get(i).size();
        }
        assertEquals(List.of(Range.ofInclusive(0x0f000000, 0x16ffffff)), plan.crashKernel());
        assertEquals(new NoteBuffer("VMCOREINFO", 0x197e000, 4132), plan.notes().getLast());
        assertEquals(3, plan.notes().size());
    }

    @Test
    void theSamePlanWithoutTheRecordedReservationPlacesItTheKernelsWay() throws Exception {
        LoadPlan recorded = LoadPlan.build(Iomem.parse("34-iomem.txt",
                Fixtures.text(DIR + "first-kernel/34-iomem.txt")), fixtureOptions());
        LoadPlan placed = LoadPlan.build(CrashKernelTest.unreservedFixture(), fixtureOptions());
        assertEquals(recorded.loads(), placed.loads());
        assertEquals("Reserving 128MB of memory at 240MB for crashkernel (System RAM: 383MB)",
                placed.crashKernelOrigin());
    }

    @Test
    void rfcPlanAddsOnePfDevLoadForThePmemRegion() throws Exception {
        LoadPlan plan = LoadPlan.build(Iomem.parse("34-iomem.txt", Fixtures.text(DIR + "first-kernel/34-iomem.txt")),
                fixtureOptions());
        assertEquals(4, plan.loads().size());
        Load pmem = plan.loads().getLast();
        assertEquals(new Load(Load.Kind.PMEM, 0x100000000L, PAGE_OFFSET_BASE + 0x100000000L, 0x1ffe0000L,
                0x100000000L, true), pmem);
        assertEquals(0x17, pmem.flags());
        assertTrue(plan.isPmem(0x108000000L, 0x108001000L));
        assertFalse(plan.isPmem(0x0ff00000L, 0x0ff01000L));
        assertFalse(plan.isPmem(0x11ffdf000L, 0x11ffe1000L));
    }
}

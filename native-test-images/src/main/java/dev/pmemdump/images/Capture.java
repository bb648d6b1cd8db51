package dev.pmemdump.images;

import dev.pmemdump.io.AtomicOutput;

import dev.pmemdump.vmcore.iomem.Iomem;
import dev.pmemdump.loadplan.KernelFacts;
import dev.pmemdump.loadplan.Load;
import dev.pmemdump.loadplan.LoadMode;
import dev.pmemdump.loadplan.LoadPlan;
import dev.pmemdump.loadplan.NoteBuffer;
import dev.pmemdump.io.Range;
import dev.pmemdump.loadplan.PlanOptions;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ElfcorehdrConverter;
import dev.pmemdump.vmcore.elf.Note;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * From the panic to /proc/vmcore: kexec's load plan over the first kernel's /proc/iomem, the
 * elfcorehdr it leaves in the crashkernel reservation, purgatory's backup copy (kexec_load), and
 * what the capture kernel exposes: merged notes first, page-aligned PT_LOADs, zero pages as holes.
 */
final class Capture {
    private Capture() {}

    /** The plan's PT_LOADs and the elfcorehdr bytes. */
    record Result(List<Load> loads, byte[] elfcorehdr) {
        /** Physical [start, end) of each PT_LOAD, in header order. */
        List<Range> segments() {
            List<Range> out = new ArrayList<>();
            for (Load l : loads) {
                out.add(new Range(l.phys(), l.physEnd()));
            }
            return out;
        }

        /** Physical [start, end) of each PT_LOAD that is not pmem. */
        List<Range> ramSegments() {
            List<Range> out = new ArrayList<>();
            for (Load l : loads) {
                if (!l.isPmem()) {
                    out.add(new Range(l.phys(), l.physEnd()));
                }
            }
            return out;
        }
    }

    /** {@code deviceDumps}: vmcoredd notes the capture kernel's drivers added (placed before the CPU notes). */
    static Result run(FirstKernel k, ScenarioMemory memory, String iomemText, List<Note> deviceDumps,
                      AtomicOutput elfcorehdrOut, AtomicOutput vmcoreOut)
            throws IOException {
        Scenario s = k.scenario();
        LoadMode mode = s.kexecFile() ? LoadMode.FILE : LoadMode.LOAD;
        List<NoteBuffer> cpuNotes = new ArrayList<>();
        long[] buffers = k.crashNotes();
        for (int cpu = 0; cpu < buffers.length; cpu++) {
            cpuNotes.add(new NoteBuffer("CPU " + cpu, buffers[cpu], Panic.NOTE_BUF_BYTES));
        }
        PlanOptions o = PlanOptions.of(mode).withPmem(s.rfcKernel()).withCpuNotes(cpuNotes)
                .withVmcoreinfoNote(new NoteBuffer("VMCOREINFO", k.vmcoreinfoNote(),
                        VmcoreInfoNote.kernelBufferSize((int) Linux61.PAGE_SIZE)))
                .withKernel(new KernelFacts("scenario VMCOREINFO", OptionalLong.of(Linux61.KASLR_OFFSET),
                        OptionalLong.of(k.physBase())))
                .withKernelSize(Linux61.IMAGE_END)
                .withPageOffset(Linux61.PAGE_OFFSET);
        LoadPlan plan = LoadPlan.build(Iomem.parse("iomem", iomemText), o);

        List<ProgramHeader> phdrs = new ArrayList<>();
        for (NoteBuffer n : plan.notes()) {
            phdrs.add(ProgramHeader.elfcorehdrNote(n.phys(), n.size()));
        }
        for (Load l : plan.loads()) {
            if (l.source() != l.phys()) {
                // purgatory copies the backup region before the capture kernel starts
                memory.write(l.source(), k.ram().slice(l.phys(), l.size()));
            }
            phdrs.add(ProgramHeader.load(l.flags(), l.source(), l.virt(), l.phys(), l.size()));
        }
        int align = mode == LoadMode.FILE ? ElfCoreWriter.KERNEL_ELFCOREHDR_ALIGN
                : ElfCoreWriter.KEXEC_TOOLS_ELFCOREHDR_ALIGN;
        byte[] hdr = ElfCoreWriter.elfcorehdr(ElfMachine.X86_64, phdrs, align);
        Range crash = plan.crashKernel().getLast();
        // below the backup copy kexec-tools puts at the top of crash memory, if there is one
        long top = plan.loads().stream().filter(l -> l.source() != l.phys()).mapToLong(Load::source).min()
                .orElse(crash.end());
        long at = (top - hdr.length) & -Linux61.PAGE_SIZE;
        k.ram().putBytes(at, hdr);
        elfcorehdrOut.writeAll(MemorySegment.ofArray(hdr));
        elfcorehdrOut.commit();
        for (MemoryImage m : memory.images()) {
            m.force(); // from here on, holes of the images are skipped instead of read
        }
        ElfCore core = ElfCore.read(MemorySegment.ofArray(hdr), elfcorehdrOut.target().toString(),
                ElfCore.Layout.ELFCOREHDR);
        ElfcorehdrConverter.convert(core, memory, deviceDumps, Linux61.PAGE_SIZE, vmcoreOut);
        vmcoreOut.commit();
        return new Result(plan.loads(), hdr);
    }
}

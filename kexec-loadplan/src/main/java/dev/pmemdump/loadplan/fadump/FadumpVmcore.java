package dev.pmemdump.loadplan.fadump;

import dev.pmemdump.loadplan.Elfcorehdr;
import dev.pmemdump.loadplan.Load;
import dev.pmemdump.loadplan.NoteBuffer;
import dev.pmemdump.io.Range;
import dev.pmemdump.loadplan.RangeSet;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The program headers of a fadump elfcorehdr, from which the capture kernel makes /proc/vmcore
 * (docs/dump-formats.md §5.2). One PT_NOTE for all CPUs' notes (built in the capture kernel from the
 * firmware's register save area), one for VMCOREINFO (relocated into the boot-memory copy when it
 * lies in boot memory), a PT_LOAD for the boot memory whose data comes from the copy while its
 * physical and virtual addresses stay those of low memory, and PT_LOADs for the rest of RAM without
 * the reserved dump area.
 */
public final class FadumpVmcore {
    /** ppc64 kernel linear map base: {@code __va(pa) = pa + PAGE_OFFSET}. */
    public static final long PPC64_PAGE_OFFSET = 0xc000000000000000L;
    /** ppc64 {@code sizeof(note_buf_t)}: two note headers, "CORE" and the 504-byte elf_prstatus. */
    public static final long PPC64_NOTE_BUF_BYTES = 12 * 2 + 8 + 504;

    private final FadumpLayout layout;
    private final List<NoteBuffer> notes;
    private final List<Load> loads;

    private FadumpVmcore(FadumpLayout layout, List<NoteBuffer> notes, List<Load> loads) {
        this.layout = layout;
        this.notes = List.copyOf(notes);
        this.loads = List.copyOf(loads);
    }

    /**
     * @param cpus           CPUs whose register state firmware saved
     * @param vmcoreinfoNote physical address of the first kernel's VMCOREINFO note, if known
     */
    public static FadumpVmcore of(FadumpLayout layout, int cpus, OptionalLong vmcoreinfoNote) {
        long boot = layout.bootMemorySize();
        List<NoteBuffer> notes = new ArrayList<>();
        notes.add(new NoteBuffer("CPUs", 0, cpus * PPC64_NOTE_BUF_BYTES));
        long vmcoreinfoSize = VmcoreInfoNote.kernelBufferSize(Math.toIntExact(layout.config().pageSize()));
        notes.add(new NoteBuffer("VMCOREINFO", vmcoreinfoNote.isPresent() ? relocate(layout, vmcoreinfoNote.getAsLong())
                : 0, vmcoreinfoSize));

        List<Load> loads = new ArrayList<>();
        loads.add(new Load(Load.Kind.RAM, 0, PPC64_PAGE_OFFSET, boot, layout.bootCopy().start(), false));
        RangeSet rest = RangeSet.of(List.of(new Range(boot, layout.config().ramSize())))
                .minus(layout.reservedArea());
        for (Range r : rest.ranges()) {
            loads.add(new Load(Load.Kind.RAM, r.start(), PPC64_PAGE_OFFSET + r.start(), r.length(), r.start(), false));
        }
        return new FadumpVmcore(layout, notes, loads);
    }

    /** Where firmware put the bytes of physical address {@code pa} at the crash. */
    static long relocate(FadumpLayout layout, long pa) {
        return pa < layout.bootMemorySize() ? layout.bootCopy().start() + pa : pa;
    }

    /**
     * The elfcorehdr in the ELF area, for big-endian ({@link ElfMachine#PPC64}) or little-endian
     * ({@link ElfMachine#PPC64LE}) kernels.
     */
    public byte[] elfcorehdr(ElfMachine machine) {
        if (machine != ElfMachine.PPC64 && machine != ElfMachine.PPC64LE) {
            throw new IllegalArgumentException("fadump is powerpc only, not " + machine.linuxName());
        }
        byte[] bytes = ElfCoreWriter.encodeHeaders(machine, Elfcorehdr.programHeaders(notes, loads));
        if (bytes.length > layout.elfArea().length() - FadumpLayout.CRASH_INFO_HEADER_BYTES) {
            throw new IllegalStateException("elfcorehdr of " + bytes.length + " bytes overflows the ELF area");
        }
        return bytes;
    }

    /**
     * The program headers of the /proc/vmcore the capture kernel exposes: one merged PT_NOTE of
     * {@code notesSize} bytes first, then the PT_LOADs at page-rounded file offsets (rounded on each
     * load's source, which for boot memory is the copy, not {@code p_paddr}).
     */
    public List<ProgramHeader> procVmcore(long notesSize) {
        return ElfCoreWriter.vmcoreLayout(layout.config().pageSize(), notesSize,
                Elfcorehdr.programHeaders(List.of(), loads));
    }

    public FadumpLayout layout() {
        return layout;
    }

    /** PT_NOTEs: the CPU notes (address filled in by the capture kernel, 0 here), then VMCOREINFO. */
    public List<NoteBuffer> notes() {
        return notes;
    }

    /** PT_LOADs in elfcorehdr order; {@link Load#source()} is the elfcorehdr's p_offset. */
    public List<Load> loads() {
        return loads;
    }
}

package dev.pmemdump.loadplan.fadump;

import dev.pmemdump.loadplan.Load;
import dev.pmemdump.loadplan.NoteBuffer;
import dev.pmemdump.loadplan.PhysRange;
import dev.pmemdump.loadplan.RangeSet;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The program headers of a fadump elfcorehdr, from which the capture kernel makes /proc/vmcore
 * (dump-formats.md 5.2). One PT_NOTE for all CPUs' notes (built in the capture kernel from the
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
        long vmcoreinfoSize = 12 * 2 + 12 + layout.config().pageSize();
        notes.add(new NoteBuffer("VMCOREINFO", vmcoreinfoNote.isPresent() ? relocate(layout, vmcoreinfoNote.getAsLong())
                : 0, vmcoreinfoSize));

        List<Load> loads = new ArrayList<>();
        loads.add(new Load(Load.Kind.RAM, 0, PPC64_PAGE_OFFSET, boot, layout.bootCopy().start(), false));
        RangeSet rest = RangeSet.of(List.of(new PhysRange(boot, layout.config().ramSize() - 1)))
                .minus(layout.reservedArea());
        for (PhysRange r : rest.ranges()) {
            loads.add(new Load(Load.Kind.RAM, r.start(), PPC64_PAGE_OFFSET + r.start(), r.size(), r.start(), false));
        }
        return new FadumpVmcore(layout, notes, loads);
    }

    /** Where firmware put the bytes of physical address {@code pa} at the crash. */
    static long relocate(FadumpLayout layout, long pa) {
        return pa < layout.bootMemorySize() ? layout.bootCopy().start() + pa : pa;
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

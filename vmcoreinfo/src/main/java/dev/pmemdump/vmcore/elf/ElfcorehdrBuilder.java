package dev.pmemdump.vmcore.elf;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the elfcorehdr the first kernel leaves for the capture kernel (docs/dump-formats.md §1.2):
 * the per-CPU PT_NOTEs, then the VMCOREINFO PT_NOTE, then the PT_LOADs in the order added, every
 * {@code p_offset} a physical address. The notes themselves live in the first kernel's memory at those
 * addresses ({@link #crashNoteBuffer}, {@code VmcoreInfoNote.kernelBuffer}).
 */
public final class ElfcorehdrBuilder {
    private final ElfMachine machine;
    private final List<ProgramHeader> cpuNotes = new ArrayList<>();
    private ProgramHeader vmcoreInfoNote;
    private final List<ProgramHeader> loads = new ArrayList<>();

    public ElfcorehdrBuilder(ElfMachine machine) {
        this.machine = machine;
    }

    /** The per-CPU note buffer ({@code crash_notes}) at {@code physAddr}, {@code sizeof(note_buf_t)} bytes. */
    public ElfcorehdrBuilder cpuNote(long physAddr) {
        cpuNotes.add(ProgramHeader.elfcorehdrNote(physAddr, machine.crashNoteBytes()));
        return this;
    }

    /**
     * The {@code vmcoreinfo_note} buffer at {@code physAddr}, {@code bufferBytes} long
     * ({@code VMCOREINFO_NOTE_SIZE}: {@code VmcoreInfoNote.kernelBufferSize}, which knows the note's name).
     */
    public ElfcorehdrBuilder vmcoreInfoNote(long physAddr, long bufferBytes) {
        vmcoreInfoNote = ProgramHeader.elfcorehdrNote(physAddr, bufferBytes);
        return this;
    }

    /** The kernel-text PT_LOAD (x86_64: {@code _text.._end} at its __START_KERNEL_map address). */
    public ElfcorehdrBuilder kernelText(long vaddr, long paddr, long size) {
        loads.add(ProgramHeader.load(ProgramHeader.PF_RWX, paddr, vaddr, paddr, size));
        return this;
    }

    /** A System RAM range, mapped in the direct map at {@code pageOffset + paddr}. */
    public ElfcorehdrBuilder ram(long paddr, long size, long pageOffset) {
        loads.add(ProgramHeader.load(ProgramHeader.PF_RWX, paddr, pageOffset + paddr, paddr, size));
        return this;
    }

    /** A persistent-memory range, marked with PF_DEV as the pmem RFC's kexec does (docs/rfc.md §2). */
    public ElfcorehdrBuilder pmem(long paddr, long size, long pageOffset) {
        loads.add(ProgramHeader.load(ProgramHeader.PF_RWX | ProgramHeader.PF_DEV, paddr, pageOffset + paddr, paddr, size));
        return this;
    }

    /** Any PT_LOAD (its p_offset is where the bytes lie in physical memory). */
    public ElfcorehdrBuilder load(ProgramHeader load) {
        if (!load.isLoad()) {
            throw new IllegalArgumentException("not a PT_LOAD: " + load);
        }
        loads.add(load);
        return this;
    }

    /** The program headers in the kernel's order. */
    public List<ProgramHeader> programHeaders() {
        List<ProgramHeader> out = new ArrayList<>(cpuNotes);
        if (vmcoreInfoNote != null) {
            out.add(vmcoreInfoNote);
        }
        out.addAll(loads);
        return out;
    }

    /** The elfcorehdr bytes, padded to {@code align} ({@link ElfCoreWriter#KERNEL_ELFCOREHDR_ALIGN} or kexec-tools'). */
    public byte[] build(int align) {
        return ElfCoreWriter.elfcorehdr(machine, programHeaders(), align);
    }

    /** What {@code crash_save_cpu()} leaves in a per-CPU note buffer: the CORE note and its terminator. */
    public static byte[] crashNoteBuffer(ElfMachine machine, byte[] prstatus) {
        if (prstatus.length != machine.prstatusSize()) {
            throw new IllegalArgumentException("elf_prstatus on " + machine.linuxName() + " is "
                    + machine.prstatusSize() + " bytes, got " + prstatus.length);
        }
        return NoteSegment.encodeWithTerminator(List.of(new Note("CORE", Note.NT_PRSTATUS, prstatus)), machine.order());
    }
}

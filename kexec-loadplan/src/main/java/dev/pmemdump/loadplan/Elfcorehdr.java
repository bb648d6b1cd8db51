package dev.pmemdump.loadplan;

import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The elfcorehdr as bytes: the ELF header and program headers a loader places in crash memory for
 * the capture kernel (docs/dump-formats.md §1.2), encoded by the vmcoreinfo module's {@link ElfCoreWriter}.
 * Every {@code p_offset} is a physical address: where the capture kernel finds the bytes.
 */
public final class Elfcorehdr {
    private Elfcorehdr() {}

    /** PT_NOTEs (per CPU, then VMCOREINFO) followed by the PT_LOADs, in elfcorehdr order. */
    public static List<ProgramHeader> programHeaders(List<NoteBuffer> notes, List<Load> loads) {
        List<ProgramHeader> out = new ArrayList<>();
        for (NoteBuffer n : notes) {
            out.add(ProgramHeader.elfcorehdrNote(n.phys(), n.size()));
        }
        for (Load l : loads) {
            out.add(ProgramHeader.load(l.flags(), l.source(), l.virt(), l.phys(), l.size()));
        }
        return out;
    }

    /**
     * The x86_64 elfcorehdr of {@code plan}, zero-padded to the size its producer allocates
     * ({@link LoadPlan#elfcorehdrSize()}: kernel 4 KiB aligned; kexec-tools 1 KiB aligned, sized
     * for every crash memory range).
     */
    public static byte[] encode(LoadPlan plan) {
        byte[] headers = ElfCoreWriter.encodeHeaders(ElfMachine.X86_64, programHeaders(plan.notes(), plan.loads()));
        return Arrays.copyOf(headers, Math.toIntExact(plan.elfcorehdrSize()));
    }
}

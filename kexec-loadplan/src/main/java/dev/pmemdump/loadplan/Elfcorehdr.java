package dev.pmemdump.loadplan;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** The x86_64 elfcorehdr of {@code plan}, padded as its producer pads it (kernel 4 KiB, kexec-tools 1 KiB). */
    public static byte[] encode(LoadPlan plan) {
        int align = plan.mode() == LoadMode.FILE
                ? ElfCoreWriter.KERNEL_ELFCOREHDR_ALIGN : ElfCoreWriter.KEXEC_TOOLS_ELFCOREHDR_ALIGN;
        return ElfCoreWriter.elfcorehdr(ElfMachine.X86_64, programHeaders(plan.notes(), plan.loads()), align);
    }

    /** Writes {@code bytes} to {@code out} atomically: complete or not at all. */
    public static void write(Path out, byte[] bytes) throws IOException {
        try (AtomicOutput o = AtomicOutput.create(out)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                o.channel().write(buf);
            }
            o.commit();
        }
    }
}

package dev.pmemdump.filter.page;

import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.TranslationHints;

import java.io.IOException;
import java.util.List;

/**
 * A dump a probe opened: its pages, its VMCOREINFO, what the format records for translation and the
 * kernel's virtual memory translated with it.
 *
 * @param loads           the input PT_LOADs (ELF only; empty for other formats)
 * @param storedDumpLevel the dump level an earlier makedumpfile run stored (kdump-compressed), else 0
 */
public record ProbedDump(PageSource source, VmcoreInfo vmcoreinfo, TranslationHints hints, KernelMemory kernel,
                         List<ProgramHeader> loads, int storedDumpLevel) implements AutoCloseable {
    public ProbedDump {
        loads = List.copyOf(loads);
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}

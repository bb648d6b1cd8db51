package dev.pmemdump.filter.run;

import dev.pmemdump.filter.DumpInput;
import dev.pmemdump.filter.elf.ElfPageSource;
import dev.pmemdump.filter.level.MessageLevel;
import dev.pmemdump.vmcore.elf.ProgramHeader;

/**
 * The debug table of the input's PT_LOADs with the RFC's {@code is_pmem} column (ELF input only),
 * and how its pages are read (mmap windows or pread, and why).
 */
final class LoadTable {
    private LoadTable() {}

    static void print(Console console, DumpInput input) {
        if (!console.enabled(MessageLevel.DEBUG) || !input.isElf()) {
            return;
        }
        StringBuilder sb = new StringBuilder(String.format("%8s %16s %16s %16s %16s %8s%n", "", "phys_start",
                "phys_end", "virt_start", "virt_end", "is_pmem"));
        int i = 0;
        for (ProgramHeader ph : input.loads()) {
            sb.append(String.format("LOAD[%2d] %16x %16x %16x %16x %8s%n", i++, ph.paddr(), ph.paddr() + ph.memsz(),
                    ph.vaddr(), ph.vaddr() + ph.memsz(), ph.isPmem() ? "true" : "false"));
        }
        if (input.source() instanceof ElfPageSource elf) {
            sb.append(elf.reading()).append('\n');
        }
        console.debug(sb.toString());
    }
}

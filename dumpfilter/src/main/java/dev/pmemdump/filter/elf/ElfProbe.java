package dev.pmemdump.filter.elf;

import dev.pmemdump.filter.page.InputProbe;
import dev.pmemdump.filter.page.ProbedDump;
import dev.pmemdump.io.ReadMethod;
import dev.pmemdump.vmcore.elf.ElfCore;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/** ELF input (/proc/vmcore, a copy, makedumpfile -E): its PT_LOADs are both the pages and translation hints. */
public final class ElfProbe implements InputProbe {

    @Override
    public boolean claims(byte[] head) {
        return ElfCore.isElf(MemorySegment.ofArray(head));
    }

    @Override
    public ProbedDump open(Path path, ReadMethod method) throws IOException {
        ElfPageSource elf = ElfPageSource.open(path, method);
        return new ProbedDump(elf, elf.vmcoreinfo(), elf.hints(), elf.kernel(), elf.core().loads(), 0);
    }
}

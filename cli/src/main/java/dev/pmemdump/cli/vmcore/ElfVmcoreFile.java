package dev.pmemdump.cli.vmcore;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.PositionalImage;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** An ELF vmcore (a copy of /proc/vmcore, makedumpfile -E output): read, never mapped. */
final class ElfVmcoreFile extends VmcoreFile {
    private final PositionalImage image;
    private final ElfCore core;

    private ElfVmcoreFile(PositionalImage image, ElfCore core) {
        this.image = image;
        this.core = core;
    }

    static ElfVmcoreFile open(Path path) throws IOException {
        PositionalImage image = PositionalImage.open(path);
        try {
            return new ElfVmcoreFile(image, ElfCore.open(image));
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    @Override
    String name() {
        return core.resource();
    }

    @Override
    List<Located> notes() throws IOException {
        return locate(core.noteSegments(), core.noteHeaders().stream().map(ProgramHeader::offset).toList());
    }

    @Override
    VmcoreInfo vmcoreInfo() throws CorruptInputException {
        return VmcoreInfoNote.from(core);
    }

    @Override
    KernelMemory kernelMemory(VmcoreInfo info) throws CorruptInputException {
        if (core.machine() != ElfMachine.X86_64) {
            throw new CorruptInputException(core.resource(), -1, "kernel address translation is implemented for"
                    + " x86_64 only, this dump is " + core.machine().linuxName());
        }
        ElfPhysicalMemory phys = new ElfPhysicalMemory(core);
        return new KernelMemory(phys, X86_64Translation.of(phys,
                VmcoreInfoHints.of(info).withMappedRanges(core.mappedRanges())), core.order());
    }

    @Override
    ElfCore elf(String what) {
        return core;
    }

    @Override
    public void close() {
        image.close();
    }
}

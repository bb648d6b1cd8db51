package dev.pmemdump.vmcore.cli;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.PositionalImage;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.VmcoreInfoHints;
import dev.pmemdump.vmcore.VmcoreInfoNote;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ElfPhysicalMemory;
import dev.pmemdump.vmcore.xlat.KernelMemory;
import dev.pmemdump.vmcore.xlat.X86_64Translation;

import java.io.IOException;
import java.nio.file.Path;

/** A vmcore opened for a command: the file (read, not mapped), its ELF view, and on demand VMCOREINFO and kernel memory. */
final class VmcoreFile implements AutoCloseable {
    private final PositionalImage image;
    private final ElfCore core;

    private VmcoreFile(PositionalImage image, ElfCore core) {
        this.image = image;
        this.core = core;
    }

    static VmcoreFile open(Path path) throws IOException {
        PositionalImage image = PositionalImage.open(path);
        try {
            if (!ElfCore.isElf(image.bytes(0, Math.min(image.size(), 4), "ELF magic"))) {
                throw new CorruptInputException(path.toString(), 0,
                        "not an ELF vmcore (only ELF dumps such as /proc/vmcore copies are read so far)");
            }
            return new VmcoreFile(image, ElfCore.open(image));
        } catch (IOException | RuntimeException e) {
            image.close();
            throw e;
        }
    }

    ElfCore core() {
        return core;
    }

    VmcoreInfo vmcoreInfo() throws CorruptInputException {
        return VmcoreInfoNote.from(core);
    }

    /** Kernel virtual memory, x86_64 only for now. */
    KernelMemory kernelMemory(VmcoreInfo info) throws CorruptInputException {
        if (core.machine() != dev.pmemdump.vmcore.elf.ElfMachine.X86_64) {
            throw new CorruptInputException(core.resource(), -1, "kernel address translation is implemented for"
                    + " x86_64 only, this dump is " + core.machine().linuxName());
        }
        ElfPhysicalMemory phys = new ElfPhysicalMemory(core);
        return new KernelMemory(phys, X86_64Translation.of(phys,
                VmcoreInfoHints.of(info).withMappedRanges(core.mappedRanges())), core.order());
    }

    @Override
    public void close() {
        image.close();
    }
}

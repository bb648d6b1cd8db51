package dev.pmemdump.cli.vmcore;

import dev.pmemdump.filter.kdump.KdumpProbe;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.VmcoreInfo;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.xlat.KernelMemory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A kdump-compressed dump (makedumpfile -c/-l/-p/-z or no compression) or one --split part, through the
 * filter's reader: the notes are its copy of the PT_NOTE, VMCOREINFO the text the sub-header points
 * at, kernel memory its pages (a --split part holds only its own pfn range).
 */
final class KdumpVmcoreFile extends VmcoreFile {
    private final KdumpReader reader;

    private KdumpVmcoreFile(KdumpReader reader) {
        this.reader = reader;
    }

    static KdumpVmcoreFile open(Path path) throws IOException {
        return new KdumpVmcoreFile(KdumpReader.open(path));
    }

    @Override
    String name() {
        return reader.name();
    }

    @Override
    List<Located> notes() throws CorruptInputException {
        return locate(List.of(reader.notes()), List.of(reader.header().offsetNote()));
    }

    @Override
    VmcoreInfo vmcoreInfo() throws CorruptInputException {
        byte[] text = reader.vmcoreinfoDescriptor();
        if (text.length == 0) {
            throw new CorruptInputException(reader.name(), -1, "the kdump-compressed dump carries no VMCOREINFO "
                    + "(size_vmcoreinfo 0)");
        }
        return VmcoreInfo.parse(text, reader.name());
    }

    @Override
    KernelMemory kernelMemory(VmcoreInfo info) throws CorruptInputException {
        return KdumpProbe.kernelMemory(reader, info);
    }

    @Override
    ElfCore elf(String what) throws CorruptInputException {
        throw new CorruptInputException(reader.name(), 0, "is a kdump-compressed dump: " + what
                + " reads ELF vmcores only");
    }

    @Override
    public void close() {
        reader.close();
    }
}

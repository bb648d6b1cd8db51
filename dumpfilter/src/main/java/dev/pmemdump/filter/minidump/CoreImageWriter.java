package dev.pmemdump.filter.minidump;

import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.vmcore.elf.ElfCoreWriter;
import dev.pmemdump.vmcore.elf.ElfMachine;
import dev.pmemdump.vmcore.elf.ProgramHeader;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a minidump in the shape of the kmemdump coreimage (docs/dump-formats.md §5.1): program headers,
 * the notes, then each region's bytes back to back with no page alignment; every PT_LOAD has
 * {@code p_filesz = p_memsz = ALIGN(size, 4)} and flags RW. The notes are the input's (CPU
 * registers and VMCOREINFO), so the file opens in the same tools as a vmcore.
 */
public final class CoreImageWriter {
    private static final int ELF_HEADER = 64;
    private static final int PROGRAM_HEADER = 56;

    private CoreImageWriter() {}

    /** Writes the minidump; returns its size. */
    public static long write(ElfMachine machine, byte[] notes, List<Regions.Region> regions, PhysicalMemory memory,
                             DumpSink sink) throws IOException {
        List<ProgramHeader> phdrs = new ArrayList<>();
        long offset = ELF_HEADER + (long) PROGRAM_HEADER * (regions.size() + 1);
        phdrs.add(ProgramHeader.note(offset, notes.length));
        offset += notes.length;
        for (Regions.Region r : regions) {
            long size = (r.size() + 3) & ~3L;
            phdrs.add(new ProgramHeader(ProgramHeader.PT_LOAD, ProgramHeader.PF_R | ProgramHeader.PF_W, offset,
                    r.vaddr(), r.paddr(), size, size, 0));
            offset += size;
        }
        sink.write(0, ByteBuffer.wrap(ElfCoreWriter.encodeHeaders(machine, phdrs)));
        sink.write(phdrs.get(0).offset(), ByteBuffer.wrap(notes));
        for (int i = 0; i < regions.size(); i++) {
            Regions.Region r = regions.get(i);
            ProgramHeader ph = phdrs.get(i + 1);
            byte[] buf = new byte[(int) ph.filesz()];
            // the alignment tail past the region reads as zeros, like the kernel's zeroed buffer
            memory.read(r.paddr(), MemorySegment.ofArray(buf).asSlice(0, r.size()));
            sink.write(ph.offset(), ByteBuffer.wrap(buf));
        }
        return offset;
    }
}

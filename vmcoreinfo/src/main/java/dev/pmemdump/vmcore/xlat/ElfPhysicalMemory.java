package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.elf.ElfCore;
import dev.pmemdump.vmcore.elf.ProgramHeader;

import java.lang.foreign.MemorySegment;
import java.util.Comparator;
import java.util.List;

/**
 * Physical memory from the PT_LOADs of an ELF core file. Where {@code p_filesz < p_memsz} the tail
 * reads as zeros (makedumpfile's way of marking excluded pages, drgn reads it the same way). Where
 * loads overlap (the kernel-text load repeats part of RAM) the one with the lowest {@code p_paddr} wins;
 * both hold the same bytes.
 */
public final class ElfPhysicalMemory implements PhysicalMemory {
    private final ElfCore core;
    private final List<ProgramHeader> loads;

    public ElfPhysicalMemory(ElfCore core) {
        this.core = core;
        this.loads = core.loads().stream()
                .filter(ph -> ph.memsz() > 0)
                .sorted(Comparator.comparing(ProgramHeader::paddr, Long::compareUnsigned))
                .toList();
    }

    @Override
    public String name() {
        return core.resource();
    }

    /** The PT_LOAD holding physical {@code address}, or null. */
    public ProgramHeader loadAt(long address) {
        for (ProgramHeader ph : loads) {
            if (ph.containsPhysical(address)) {
                return ph;
            }
        }
        return null;
    }

    @Override
    public boolean isPresent(long address, long length) {
        long a = address;
        long left = length;
        while (left > 0) {
            ProgramHeader ph = loadAt(a);
            if (ph == null) {
                return false;
            }
            long n = Math.min(left, ph.memsz() - (a - ph.paddr()));
            a += n;
            left -= n;
        }
        return true;
    }

    @Override
    public void read(long address, MemorySegment dst) throws CorruptInputException {
        long a = address;
        long done = 0;
        long length = dst.byteSize();
        while (done < length) {
            ProgramHeader ph = loadAt(a);
            if (ph == null) {
                throw notPresent(a, length - done);
            }
            long inLoad = a - ph.paddr();
            long n = Math.min(length - done, ph.memsz() - inLoad);
            long fromFile = Math.max(0, Math.min(n, ph.filesz() - inLoad));
            if (fromFile > 0) {
                MemorySegment.copy(core.data(ph), inLoad, dst, done, fromFile);
            }
            if (fromFile < n) {
                dst.asSlice(done + fromFile, n - fromFile).fill((byte) 0);
            }
            a += n;
            done += n;
        }
    }
}

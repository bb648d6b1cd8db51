package dev.pmemdump.vmcore.elf;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Comparator;
import java.util.List;

/**
 * Physical memory from the PT_LOADs of an ELF core file. Where {@code p_filesz < p_memsz} the tail
 * reads as zeros (makedumpfile's way of marking excluded pages, drgn reads it the same way). Where
 * loads overlap (the kernel-text load repeats part of RAM) the one with the lowest {@code p_paddr} wins;
 * both hold the same bytes. Bytes are read from the core's image on each call and not kept: memory
 * stays bounded whatever the size of the dump.
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
        int i = indexAt(address);
        return i < 0 ? null : loads.get(i);
    }

    private int indexAt(long address) {
        for (int i = 0; i < loads.size(); i++) {
            if (loads.get(i).containsPhysical(address)) {
                return i;
            }
        }
        return -1;
    }

    /** Page-table walks read one entry at a time: into a small array rather than a native arena. */
    @Override
    public long readLong(long address, ByteOrder order) throws CorruptInputException {
        byte[] b = new byte[Long.BYTES];
        read(address, MemorySegment.ofArray(b));
        return MemorySegment.ofArray(b).get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), 0);
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
            int i = indexAt(a);
            if (i < 0) {
                throw notPresent(a, length - done);
            }
            ProgramHeader ph = loads.get(i);
            long inLoad = a - ph.paddr();
            long n = Math.min(length - done, ph.memsz() - inLoad);
            long fromFile = Math.max(0, Math.min(n, ph.filesz() - inLoad));
            if (fromFile > 0) {
                core.readData(ph, inLoad, dst.asSlice(done, fromFile));
            }
            if (fromFile < n) {
                dst.asSlice(done + fromFile, n - fromFile).fill((byte) 0);
            }
            a += n;
            done += n;
        }
    }
}

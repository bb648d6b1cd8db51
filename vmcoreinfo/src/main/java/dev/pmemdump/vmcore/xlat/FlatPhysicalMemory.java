package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Ranges;

import java.lang.foreign.MemorySegment;

/**
 * Physical memory held flat in one segment: byte {@code a - base} of the segment is physical address
 * {@code a}. A raw RAM image (QEMU memory-backend-file) is this with base 0.
 */
public final class FlatPhysicalMemory implements PhysicalMemory {
    private final String name;
    private final MemorySegment memory;
    private final long base;

    public FlatPhysicalMemory(String name, MemorySegment memory, long base) {
        this.name = name;
        this.memory = memory;
        this.base = base;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isPresent(long address, long length) {
        return Long.compareUnsigned(address, base) >= 0 && Ranges.fits(address - base, length, memory.byteSize());
    }

    @Override
    public void read(long address, MemorySegment dst) throws CorruptInputException {
        if (!isPresent(address, dst.byteSize())) {
            throw notPresent(address, dst.byteSize());
        }
        MemorySegment.copy(memory, address - base, dst, 0, dst.byteSize());
    }
}

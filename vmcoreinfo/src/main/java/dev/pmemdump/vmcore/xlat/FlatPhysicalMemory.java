package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Ranges;

import java.lang.foreign.MemorySegment;

/**
 * Physical memory held flat in one segment: byte {@code a - base} of the segment is physical address
 * {@code a}. A raw RAM image (QEMU memory-backend-file) is this with base 0. Writable when the
 * segment is (a read-only mapping throws on {@link #write}).
 */
public final class FlatPhysicalMemory implements WritablePhysicalMemory {
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

    @Override
    public void write(long address, MemorySegment src) throws CorruptInputException {
        if (!isPresent(address, src.byteSize())) {
            throw notPresent(address, src.byteSize());
        }
        MemorySegment.copy(src, 0, memory, address - base, src.byteSize());
    }
}

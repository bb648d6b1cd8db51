package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;

/** Physical memory a scenario builder may write into (a RAM image being prepared, never a dump). */
public interface WritablePhysicalMemory extends PhysicalMemory {

    /** Copies {@code src} to physical {@code address}; an address outside the memory is an error. */
    void write(long address, MemorySegment src) throws CorruptInputException;
}

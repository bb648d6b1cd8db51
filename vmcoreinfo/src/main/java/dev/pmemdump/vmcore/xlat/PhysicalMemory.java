package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Extent;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Physical memory of a crashed machine as some source holds it (a vmcore's PT_LOADs, a raw RAM
 * image). It knows nothing of virtual addresses; an {@link AddressTranslation} sits on top of it.
 */
public interface PhysicalMemory {

    /** Names the source in errors (usually the file). */
    String name();

    /** True when every byte of {@code [address, address + length)} can be read. */
    boolean isPresent(long address, long length);

    /**
     * Copies {@code dst.byteSize()} bytes starting at physical {@code address} into {@code dst}; a byte
     * that no source holds is a {@link CorruptInputException} naming {@link #name()} and the address.
     */
    void read(long address, MemorySegment dst) throws CorruptInputException;

    /**
     * The parts of {@code [address, address + length)} that may hold non-zero bytes, ascending,
     * disjoint and clipped to the range; every other byte reads as zero. Sources that know their holes
     * (sparse image files) say so, letting whole-memory scans skip them unread. By default: all of it.
     */
    default List<Extent> dataExtents(long address, long length) throws IOException {
        return length == 0 ? List.of() : List.of(new Extent(address, address + length));
    }

    default byte[] read(long address, int length) throws CorruptInputException {
        byte[] out = new byte[length];
        read(address, MemorySegment.ofArray(out));
        return out;
    }

    default long readLong(long address, ByteOrder order) throws CorruptInputException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8);
            read(address, buf);
            return buf.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), 0);
        }
    }

    /** The error for a read of {@code [address, address + length)} that no source covers. */
    default CorruptInputException notPresent(long address, long length) {
        return new CorruptInputException(name(), -1, "physical address 0x" + Long.toHexString(address)
                + " (0x" + Long.toHexString(length) + " bytes) is not in the dump");
    }
}

package dev.pmemdump.vmcore.xlat;

import dev.pmemdump.io.CorruptInputException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Kernel virtual memory of a dump: an {@link AddressTranslation} over a {@link PhysicalMemory}.
 * Reads go page by page, since neighbouring virtual pages need not be neighbours in physical memory.
 */
public final class KernelMemory {
    private final PhysicalMemory physical;
    private final AddressTranslation translation;
    private final ByteOrder order;

    public KernelMemory(PhysicalMemory physical, AddressTranslation translation, ByteOrder order) {
        this.physical = physical;
        this.translation = translation;
        this.order = order;
    }

    public PhysicalMemory physical() {
        return physical;
    }

    public AddressTranslation translation() {
        return translation;
    }

    public ByteOrder order() {
        return order;
    }

    public void read(long va, MemorySegment dst) throws CorruptInputException {
        long done = 0;
        long length = dst.byteSize();
        while (done < length) {
            AddressTranslation.Mapping m = translation.translate(va + done);
            long n = Math.min(length - done, m.bytesToPageEnd());
            physical.read(m.physicalAddress(), dst.asSlice(done, n));
            done += n;
        }
    }

    public byte[] read(long va, int length) throws CorruptInputException {
        byte[] out = new byte[length];
        read(va, MemorySegment.ofArray(out));
        return out;
    }

    public long readLong(long va) throws CorruptInputException {
        return MemorySegment.ofArray(read(va, 8)).get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), 0);
    }

    /** A NUL-terminated string of at most {@code max} bytes (the whole buffer when it has no NUL). */
    public String readCString(long va, int max) throws CorruptInputException {
        byte[] b = read(va, max);
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}

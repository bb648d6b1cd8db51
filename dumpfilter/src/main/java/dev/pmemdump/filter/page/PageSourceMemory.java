package dev.pmemdump.filter.page;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.xlat.PhysicalMemory;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * The physical memory a {@link PageSource} holds, for the vmcoreinfo module's address translation:
 * lets the filter walk page tables and struct pages inside an earlier kdump-compressed dump.
 */
public final class PageSourceMemory implements PhysicalMemory {
    private final PageSource source;
    private final PageBitmap readable;
    private final int pageSize;

    public PageSourceMemory(PageSource source) {
        this.source = source;
        this.readable = source.readable();
        this.pageSize = source.pageSize();
    }

    @Override
    public String name() {
        return source.name();
    }

    @Override
    public boolean isPresent(long address, long length) {
        if (address < 0 || length < 0) {
            return false;
        }
        for (long pfn = address / pageSize; pfn <= (address + Math.max(length, 1) - 1) / pageSize; pfn++) {
            if (!readable.get(pfn)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void read(long address, MemorySegment dst) throws CorruptInputException {
        long length = dst.byteSize();
        if (!isPresent(address, length)) {
            throw notPresent(address, length);
        }
        byte[] page = new byte[pageSize];
        long done = 0;
        while (done < length) {
            long a = address + done;
            long pfn = a / pageSize;
            int in = (int) (a % pageSize);
            int n = (int) Math.min(length - done, pageSize - in);
            try {
                source.read(pfn, page);
            } catch (CorruptInputException e) {
                throw e;
            } catch (IOException e) {
                throw new CorruptInputException(name(), -1, "reading pfn 0x" + Long.toHexString(pfn) + ": "
                        + e.getMessage(), e);
            }
            MemorySegment.copy(MemorySegment.ofArray(page), in, dst, done, n);
            done += n;
        }
    }
}

package dev.pmemdump.images;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Extent;
import dev.pmemdump.vmcore.xlat.WritablePhysicalMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** The first kernel's physical address space: the RAM image and the pmem images, side by side. */
final class ScenarioMemory implements WritablePhysicalMemory {
    private final List<MemoryImage> images;

    ScenarioMemory(List<MemoryImage> images) {
        this.images = List.copyOf(images);
    }

    List<MemoryImage> images() {
        return images;
    }

    @Override
    public String name() {
        return "first-kernel memory (" + images.getFirst().path() + ")";
    }

    private MemoryImage holding(long address, long length) {
        for (MemoryImage m : images) {
            if (m.contains(address, length)) {
                return m;
            }
        }
        return null;
    }

    @Override
    public boolean isPresent(long address, long length) {
        return holding(address, length) != null;
    }

    /** Holes of the sparse image files are not data. */
    @Override
    public List<Extent> dataExtents(long address, long length) throws IOException {
        MemoryImage m = holding(address, length);
        return m == null ? WritablePhysicalMemory.super.dataExtents(address, length) : m.dataExtents(address, length);
    }

    @Override
    public void read(long address, MemorySegment dst) throws CorruptInputException {
        MemoryImage m = holding(address, dst.byteSize());
        if (m == null) {
            throw notPresent(address, dst.byteSize());
        }
        if (m.isHole(address, dst.byteSize())) {
            dst.fill((byte) 0); // a hole of a sparse image: no need to fault in its zero pages
        } else {
            MemorySegment.copy(m.slice(address, dst.byteSize()), 0, dst, 0, dst.byteSize());
        }
    }

    @Override
    public void write(long address, MemorySegment src) throws CorruptInputException {
        MemoryImage m = holding(address, src.byteSize());
        if (m == null) {
            throw notPresent(address, src.byteSize());
        }
        MemorySegment.copy(src, 0, m.slice(address, src.byteSize()), 0, src.byteSize());
    }
}

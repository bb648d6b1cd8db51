package dev.pmemdump.images;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Where a sparse file has data: lseek(2) with SEEK_DATA / SEEK_HOLE, so that scans over a 64 GiB
 * pmem image skip its holes instead of faulting in zero pages. Remembers the last extent found, so
 * an ascending scan costs one system call per extent boundary.
 */
final class SparseFile implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LSEEK = LINKER.downcallHandle(LINKER.defaultLookup().find("lseek").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fd;
    private final long size;
    /** The last extent looked up: [from, to) is data if {@code data}, else a hole. */
    private long from = -1;
    private long to = -1;
    private boolean data;

    private SparseFile(int fd, long size) {
        this.fd = fd;
        this.size = size;
    }

    static SparseFile open(Path path, long size) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(a.allocateFrom(path.toString()), O_RDONLY);
            if (fd < 0) {
                throw new IOException(path + ": cannot open to find its holes");
            }
            return new SparseFile(fd, size);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** True when no byte of [offset, offset + length) is stored (reads as zero). */
    boolean isHole(long offset, long length) {
        if (offset < from || offset >= to) {
            lookUp(offset);
        }
        return !data && offset + length <= to;
    }

    private void lookUp(long offset) {
        long next = seek(offset, SEEK_DATA);
        from = offset;
        if (next < 0 || next > offset) {
            data = false;
            to = next < 0 ? size : next;
        } else {
            data = true;
            long hole = seek(offset, SEEK_HOLE);
            to = hole < 0 ? size : hole;
        }
    }

    private long seek(long offset, int whence) {
        try {
            return (long) LSEEK.invokeExact(fd, offset, whence);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}

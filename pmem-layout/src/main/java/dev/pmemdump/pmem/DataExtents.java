package dev.pmemdump.pmem;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a file range that hold data, from {@code lseek(SEEK_DATA / SEEK_HOLE)}: holes of a
 * sparse image read as zeros without being touched, so zeroing a 1 GiB BTT map on a fresh 1 TiB
 * image costs nothing. Where the file system cannot tell, the whole range counts as data.
 */
final class DataExtents {
    private static final int O_RDONLY = 0, O_CLOEXEC = 0x80000, SEEK_DATA = 3, SEEK_HOLE = 4, ENXIO = 6;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), CAPTURE);
    private static final MethodHandle LSEEK = LINKER.downcallHandle(LINKER.defaultLookup().find("lseek").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            CAPTURE);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private DataExtents() {}

    /** Data extents of {@code file} intersecting {@code [off, off + len)}, clipped to it. */
    static List<long[]> within(Path file, long off, long len) throws IOException {
        long end = off + len;
        List<long[]> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(STATE);
            int fd = (int) OPEN.invokeExact(state, a.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                return List.of(new long[] {off, end});
            }
            try {
                long pos = off;
                while (pos < end) {
                    long data = (long) LSEEK.invokeExact(state, fd, pos, SEEK_DATA);
                    if (data < 0) {
                        if ((int) ERRNO.get(state, 0L) != ENXIO) {
                            return List.of(new long[] {off, end}); // SEEK_DATA unsupported: assume data
                        }
                        break;
                    }
                    if (data >= end) {
                        break;
                    }
                    long hole = (long) LSEEK.invokeExact(state, fd, data, SEEK_HOLE);
                    long stop = hole < 0 ? end : Math.min(hole, end);
                    out.add(new long[] {data, stop});
                    pos = stop;
                }
            } finally {
                int rc = (int) CLOSE.invokeExact(fd);
                if (rc != 0) {
                    throw new IOException(file + ": close failed");
                }
            }
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(file + ": lseek(SEEK_DATA) failed", t);
        }
        return out;
    }
}

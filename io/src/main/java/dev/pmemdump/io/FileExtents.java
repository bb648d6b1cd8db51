package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file holds data, from {@code lseek(2)} with {@code SEEK_DATA} / {@code SEEK_HOLE}: holes of
 * a sparse image read as zeros, so scans over a 64 GiB pmem image or a 1 TiB BTT map can skip them
 * without faulting in a page. Where the file system cannot tell (no SEEK_DATA), everything counts as
 * data, which is always correct, only slower.
 *
 * <p>Answers reflect what the file system knows: pages dirtied through a mapping count once they are
 * written back ({@link MappedImage#force()}). An instance is for one thread at a time.
 */
public final class FileExtents implements AutoCloseable {
    private static final int SEEK_DATA = Libc.SEEK_DATA, SEEK_HOLE = Libc.SEEK_HOLE;
    /** lseek's answer to SEEK_DATA at or past the last data: no more data up to the end of file. */
    private static final int ENXIO = Libc.ENXIO;

    private final Path path;
    /** -1 when the file system cannot report holes: all of the file is data. */
    private final int fd;
    private boolean closed;
    /** The last lookup: [cachedFrom, cachedTo) is data if {@code cachedData}, else a hole. */
    private long cachedFrom = -1, cachedTo = -1;
    private boolean cachedData;

    private FileExtents(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Opens {@code path} read-only to ask for its holes. A file that cannot be opened that way (or a
     * platform without lseek) is treated as all data rather than failing: callers only lose speed.
     */
    public static FileExtents open(Path path) {
        if (!java.nio.file.Files.isRegularFile(path)) {
            // Devices answer lseek without meaning (device-dax and /dev/zero say offset 0 to everything).
            return new FileExtents(path, -1);
        }
        try {
            return new FileExtents(path, Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC));
        } catch (LibcException e) {
            return new FileExtents(path, -1);
        }
    }

    /** The data extents of {@code path} within {@code [offset, offset + length)}, clipped to it. */
    public static List<Extent> within(Path path, long offset, long length) throws IOException {
        try (FileExtents f = open(path)) {
            return f.within(offset, length);
        }
    }

    /**
     * The data extents within {@code [offset, offset + length)}, clipped to it, ascending. The whole
     * range when the file system cannot tell.
     */
    public List<Extent> within(long offset, long length) throws IOException {
        if (offset < 0 || length < 0 || !Ranges.fits(offset, length, Long.MAX_VALUE)) {
            throw new IllegalArgumentException(path + ": bad range " + offset + "+" + length);
        }
        long end = offset + length;
        List<Extent> out = new ArrayList<>();
        for (long pos = offset; pos < end; ) {
            long data = seek(pos, SEEK_DATA);
            if (data == -ENXIO || data >= end) {
                break;
            }
            long hole = data < pos ? -1 : seek(data, SEEK_HOLE);
            if (data < pos || (hole >= 0 && hole <= data)) { // SEEK_DATA unsupported, or no sense: all data
                return List.of(new Extent(offset, end));
            }
            long stop = hole < 0 ? end : Math.min(hole, end);
            out.add(new Extent(data, stop));
            pos = stop;
        }
        return out;
    }

    /**
     * True when no byte of {@code [offset, offset + length)} is stored (the range reads as zeros).
     * Remembers the last extent found, so an ascending scan costs one system call per boundary.
     */
    public boolean isHole(long offset, long length) throws IOException {
        if (fd < 0) {
            return false;
        }
        if (offset < cachedFrom || offset >= cachedTo) {
            long data = seek(offset, SEEK_DATA);
            if (data < 0 && data != -ENXIO) {
                return false; // cannot tell: data
            }
            cachedFrom = offset;
            if (data == -ENXIO || data > offset) {
                cachedData = false;
                cachedTo = data == -ENXIO ? Long.MAX_VALUE : data;
            } else {
                cachedData = true;
                long hole = seek(offset, SEEK_HOLE);
                cachedTo = hole < 0 ? Long.MAX_VALUE : hole;
            }
        }
        return !cachedData && length <= cachedTo - offset;
    }

    /** lseek's result, or minus errno when it fails (-1 without a descriptor: cannot tell). */
    private long seek(long offset, int whence) throws IOException {
        if (fd < 0) {
            return -1;
        }
        return Libc.lseek(path, fd, offset, whence);
    }

    /** Closes the descriptor; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (fd >= 0) {
            Libc.close(path, fd);
        }
    }
}

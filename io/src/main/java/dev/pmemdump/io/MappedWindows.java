package dev.pmemdump.io;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Bulk reads of /proc/vmcore through a few aligned mmap windows of {@value #WINDOW} bytes, each
 * unmapped as the reads move on, as makedumpfile reads it. The kernel's read of /proc/vmcore maps
 * and unmaps every 4 KiB page of the old memory it copies (ioremap), while its mmap maps a whole
 * window at once with no page faults after: measured in a capture kernel (6.1, under emulation),
 * reading a 1.4 GB /proc/vmcore took 3.0-4.6 s by pread and 0.9-1.3 s through windows.
 * A file in the page cache is the other way round: a window costs a page fault per 16 pages plus
 * the copy out of it, more than pread's one copy (all of an 8 GiB dump file: pread 0.9 s, windows
 * 1.4-1.6 s; -l of it: 1.37 times the CPU), so such files keep pread ({@link #forInput}).
 *
 * <p>What the file costs in memory stays at most {@value #MAX_WINDOWS} windows (plus one per
 * reading thread still copying out of a retired one) whatever its size. The only owner of its
 * mappings: a window's segment never leaves this class, and a window is unmapped only when no
 * thread copies out of it, so no access can reach an unmapped address. Safe for concurrent readers.
 */
final class MappedWindows implements AutoCloseable {
    static final long WINDOW = 4L << 20;
    static final int MAX_WINDOWS = 3;

    private final Path path;
    private final int fd;
    private final long size;
    /** Least recently used first. */
    private final ArrayDeque<Window> windows = new ArrayDeque<>();
    private boolean closed;

    private MappedWindows(Path path, int fd, long size) {
        this.path = path;
        this.fd = fd;
        this.size = size;
    }

    /**
     * Windows over the input {@code path} of {@code size} bytes where they pay: a file of procfs
     * (/proc/vmcore). Any other file, or one whose mmap fails, gets the one-line reason its reader
     * keeps pread.
     */
    static Opened forInput(Path path, long size) {
        String denied = Libc.unavailableReason();
        if (denied != null) {
            return new Opened(null, path + ": not mapped: " + denied);
        }
        try {
            if (Libc.statfsType(path) != Libc.PROC_SUPER_MAGIC) {
                return new Opened(null, path + ": not mapped: pread of a file in the page cache costs less than"
                        + " the page faults of a mapping");
            }
        } catch (LibcException e) {
            return new Opened(null, e.getMessage());
        }
        return open(path, size);
    }

    /** Windows over {@code path} whatever its file system, or why it cannot be mapped. */
    static Opened open(Path path, long size) {
        if (size <= 0) {
            return new Opened(null, path + ": not mapped: the file reports no size");
        }
        MappedWindows w;
        try {
            w = new MappedWindows(path, Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC), size);
        } catch (LibcException e) {
            return new Opened(null, e.getMessage());
        }
        try {
            // One trial window: a file whose mmap fails (/proc/kcore) fails here, named once.
            w.release(w.acquire(0));
            return new Opened(w, null);
        } catch (LibcException e) {
            w.close();
            return new Opened(null, e.getMessage());
        }
    }

    /** Either windows or the one-line reason there are none. */
    record Opened(MappedWindows windows, String whyNotMapped) {
    }

    /**
     * Copies {@code [offset, offset + dst.byteSize())} into {@code dst}; false when some of it could not
     * be read through a mapping (an I/O error or a file that shrank: SIGBUS in the copy, which the JVM
     * raises as InternalError; a failed mmap): the caller then reads the range itself and reports
     * what pread reports.
     */
    boolean copy(long offset, MemorySegment dst) {
        long length = dst.byteSize();
        for (long done = 0; done < length; ) {
            long at = offset + done;
            Window w;
            try {
                w = acquire(at);
            } catch (LibcException e) {
                return false;
            }
            if (w == null) {
                return false; // closed: the caller's pread reports it
            }
            try {
                long n = Math.min(length - done, w.start + w.segment.byteSize() - at);
                MemorySegment.copy(w.segment, at - w.start, dst, done, n);
                done += n;
            } catch (InternalError e) {
                retire(w);
                return false;
            } finally {
                release(w);
            }
        }
        return true;
    }

    /** The window holding {@code at}, mapped if needed, marked in use; null once closed. */
    private synchronized Window acquire(long at) throws LibcException {
        if (closed) {
            return null;
        }
        for (Iterator<Window> it = windows.descendingIterator(); it.hasNext(); ) {
            Window w = it.next();
            if (at >= w.start && at - w.start < w.segment.byteSize()) {
                if (w != windows.peekLast()) {
                    it.remove();
                    windows.addLast(w);
                }
                w.users++;
                return w;
            }
        }
        while (windows.size() >= MAX_WINDOWS) {
            retire(windows.peekFirst());
        }
        long start = at & -WINDOW;
        long length = Math.min(WINDOW, size - start);
        MemorySegment address = Libc.mmap(path, length, Libc.PROT_READ, Libc.MAP_SHARED, fd, start);
        Window w = new Window(start, address.reinterpret(length));
        windows.addLast(w);
        w.users++;
        return w;
    }

    private synchronized void release(Window w) {
        w.users--;
        if (w.retired && w.users == 0) {
            unmap(w);
        }
    }

    /** No new reader gets {@code w}; it is unmapped now or by its last reader. */
    private synchronized void retire(Window w) {
        if (!w.retired) {
            w.retired = true;
            windows.remove(w);
            if (w.users == 0) {
                unmap(w);
            }
        }
    }

    private void unmap(Window w) {
        try {
            Libc.munmap(path, w.segment);
        } catch (LibcException e) {
            // munmap of a whole mapping made here cannot fail; if it did, the range only stays reserved.
        }
    }

    /** Bytes mapped now: at most {@value #MAX_WINDOWS} windows while no reader copies. */
    synchronized long mappedBytes() {
        long n = 0;
        for (Window w : windows) {
            n += w.segment.byteSize();
        }
        return n;
    }

    /** Unmaps every window and closes the file; the readers must be done. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!windows.isEmpty()) {
            retire(windows.peekFirst());
        }
        try {
            Libc.close(path, fd);
        } catch (LibcException e) {
            // Closing a read-only descriptor loses nothing.
        }
    }

    private static final class Window {
        final long start;
        final MemorySegment segment;
        int users;
        boolean retired;

        Window(long start, MemorySegment segment) {
            this.start = start;
            this.segment = segment;
        }
    }
}

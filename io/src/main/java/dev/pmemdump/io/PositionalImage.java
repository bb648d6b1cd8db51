package dev.pmemdump.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file read with bounded memory, whatever its size: never mapped whole (a mapping would keep every
 * page read resident, so filtering a vmcore of many GiB would cost that much memory).
 *
 * <p>Reads shorter than a block (page-table entries, page descriptors, struct pages one by one) go
 * through a cache of {@value #CACHED_BLOCKS} blocks of {@value #BLOCK} bytes, least recently used
 * first out. Longer reads (runs of pages) go straight into the caller's buffer: from /proc/vmcore
 * through {@link MappedWindows}, a few windows of a few MiB mapped in turn as makedumpfile maps it;
 * otherwise, and for any range a window cannot serve, with pread ({@link #whyNotMapped()} says
 * why). pread goes through the C library into the caller's array, without the JDK's copy through a
 * direct buffer of its own, where native calls are allowed. Safe for concurrent readers.
 */
public final class PositionalImage implements ReadableImage {
    static final int BLOCK = 4096;
    static final int CACHED_BLOCKS = 64;
    /**
     * Longest single read: bounds how long a pread into a Java array holds the garbage collector off,
     * and the JDK's temporary direct buffer per reading thread where native calls are denied.
     */
    static final int MAX_READ = 1 << 20;

    private final Path path;
    private final String name;
    private final FileChannel channel;
    /** The file opened again for pread through the C library, or -1 where native calls are denied. */
    private final int fd;
    private final long size;
    private final MappedWindows windows;
    private final String whyNotMapped;
    /** Set once: the descriptor is closed once, and never read after (its number may be reused). */
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(CACHED_BLOCKS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };

    private PositionalImage(Path path, FileChannel channel, int fd, long size, MappedWindows.Opened opened) {
        this.path = path;
        this.name = path.toString();
        this.channel = channel;
        this.fd = fd;
        this.size = size;
        this.windows = opened.windows();
        this.whyNotMapped = opened.whyNotMapped();
    }

    /** Opens an existing file (or /proc/vmcore, or a block device) for reading. */
    public static PositionalImage open(Path path) throws IOException {
        return open(path, MappedWindows::forInput);
    }

    /** As {@link #open(Path)}, runs of pages read through windows whatever the file system (tests). */
    static PositionalImage openMapped(Path path) throws IOException {
        return open(path, MappedWindows::open);
    }

    private static PositionalImage open(Path path, Mapper mapper) throws IOException {
        InputFiles.check(path);   // a missing file, a directory or a FIFO (whose open would block) is named
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        int fd = -1;
        try {
            long size = ch.size();
            String denied = Libc.unavailableReason();
            if (denied != null) {
                return new PositionalImage(path, ch, -1, size,
                        new MappedWindows.Opened(null, path + ": not mapped: " + denied));
            }
            fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
            return new PositionalImage(path, ch, fd, size, mapper.windows(path, fd, size));
        } catch (IOException | RuntimeException e) {
            ch.close();
            closeQuietly(path, fd);
            throw e;
        }
    }

    @FunctionalInterface
    private interface Mapper {
        MappedWindows.Opened windows(Path path, int fd, long size);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long offset, MemorySegment dst, String what) throws IOException {
        long length = dst.byteSize();
        ReadableImage.checkRange(name, offset, length, size, what);
        if (closed.get()) {
            throw new ClosedChannelException(); // as the channel alone reported it
        }
        if (length >= BLOCK) {
            readDirect(offset, dst, what);
            return;
        }
        long done = 0;
        while (done < length) {
            long at = offset + done;
            long index = at / BLOCK;
            int in = (int) (at % BLOCK);
            synchronized (blocks) {
                byte[] block = block(index, what);
                int n = (int) Math.min(length - done, block.length - in);
                MemorySegment.copy(MemorySegment.ofArray(block), in, dst, done, n);
                done += n;
            }
        }
    }

    /** A copy: the file is not in memory. */
    @Override
    public MemorySegment bytes(long offset, long length, String what) throws IOException {
        ReadableImage.checkRange(name, offset, length, size, what);
        if (length > Integer.MAX_VALUE - 8) {
            throw new CorruptInputException(name, offset, what + " (0x" + Long.toHexString(length)
                    + " bytes) is too large to hold in memory");
        }
        MemorySegment copy = MemorySegment.ofArray(new byte[(int) length]);
        read(offset, copy, what);
        return copy;
    }

    /**
     * Why runs of pages are read with pread rather than through mapped windows, in one line naming the
     * file ("/proc/kcore: mmap: No such device"), or null when they are mapped.
     */
    public String whyNotMapped() {
        return whyNotMapped;
    }

    /** Bytes the mapped windows span now (0 when not mapped). */
    public long mappedBytes() {
        return windows == null ? 0 : windows.mappedBytes();
    }

    /** Bytes the block cache holds now (at most {@value #CACHED_BLOCKS} * {@value #BLOCK}). */
    public long cachedBytes() {
        synchronized (blocks) {
            long n = 0;
            for (byte[] b : blocks.values()) {
                n += b.length;
            }
            return n;
        }
    }

    private byte[] block(long index, String what) throws IOException {
        byte[] b = blocks.get(index);
        if (b == null) {
            long start = index * BLOCK;
            b = new byte[(int) Math.min(BLOCK, size - start)];
            fill(start, MemorySegment.ofArray(b), what);
            blocks.put(index, b);
        }
        return b;
    }

    private void readDirect(long offset, MemorySegment dst, String what) throws IOException {
        for (long done = 0; done < dst.byteSize(); ) {
            int n = (int) Math.min(dst.byteSize() - done, MAX_READ);
            MemorySegment part = dst.asSlice(done, n);
            if (windows == null || !windows.copy(offset + done, part)) {
                fill(offset + done, part, what);
            }
            done += n;
        }
    }

    /** {@code dst} from the file at {@code offset}, with pread. */
    private void fill(long offset, MemorySegment dst, String what) throws IOException {
        if (fd < 0) {
            fillThroughChannel(offset, dst, what);
            return;
        }
        for (long done = 0; done < dst.byteSize(); ) {
            long n;
            try {
                n = Libc.pread(path, fd, dst.asSlice(done), offset + done);
            } catch (LibcException e) {
                // The same message as the channel's error (a read error is named by its caller with the offset).
                throw new IOException(e.errno() > 0 ? Libc.strerror(e.errno()) : e.getMessage(), e);
            }
            if (n == 0) {
                throw endsEarly(offset + done, what);
            }
            done += n;
        }
    }

    /** Where native calls are denied: the JDK's pread, which reads through a direct buffer of its own. */
    private void fillThroughChannel(long offset, MemorySegment dst, String what) throws IOException {
        // Native and byte[] segments are read into in place; other heap arrays through a byte[].
        boolean inPlace = dst.heapBase().map(base -> base instanceof byte[]).orElse(true);
        ByteBuffer buf = inPlace ? dst.asByteBuffer() : ByteBuffer.allocate((int) dst.byteSize());
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw endsEarly(pos, what);
            }
            pos += n;
        }
        if (!inPlace) {
            MemorySegment.copy(MemorySegment.ofArray(buf.array()), 0, dst, 0, dst.byteSize());
        }
    }

    private EOFException endsEarly(long at, String what) {
        return new EOFException(name + ": offset 0x" + Long.toHexString(at) + ": " + what
                + ": the file ends early (it shrank while being read)");
    }

    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (windows != null) {
            windows.close();
        }
        closeQuietly(path, fd);
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a read-only channel loses nothing; there is nothing to report.
        }
    }

    private static void closeQuietly(Path path, int fd) {
        if (fd >= 0) {
            try {
                Libc.close(path, fd);
            } catch (LibcException e) {
                // Closing a read-only descriptor loses nothing.
            }
        }
    }

    @Override
    public String toString() {
        return "PositionalImage(" + name + ", size=0x" + Long.toHexString(size) + ")";
    }
}

package dev.pmemdump.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file read with bounded memory, whatever its size: never mapped whole (a mapping would keep every
 * page read resident, so filtering a vmcore of many GiB would cost that much memory).
 *
 * <p>Reads shorter than a block (page-table entries, page descriptors, struct pages one by one) go
 * through a cache of {@value #CACHED_BLOCKS} blocks of {@value #BLOCK} bytes, least recently used
 * first out. Longer reads (runs of pages) go straight into the caller's buffer: from /proc/vmcore
 * through {@link MappedWindows}, a few windows of a few MiB mapped in turn as makedumpfile maps it;
 * otherwise, and for any range a window cannot serve, with pread ({@link #whyNotMapped()} says
 * why). Safe for concurrent readers.
 */
public final class PositionalImage implements ReadableImage {
    static final int BLOCK = 4096;
    static final int CACHED_BLOCKS = 64;
    /** Longest single read: bounds the temporary direct buffer the JDK keeps per reading thread. */
    static final int MAX_READ = 1 << 20;

    private final String name;
    private final FileChannel channel;
    private final long size;
    private final MappedWindows windows;
    private final String whyNotMapped;
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(CACHED_BLOCKS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_BLOCKS;
        }
    };

    private PositionalImage(String name, FileChannel channel, long size, MappedWindows.Opened opened) {
        this.name = name;
        this.channel = channel;
        this.size = size;
        this.windows = opened.windows();
        this.whyNotMapped = opened.whyNotMapped();
    }

    /** Opens an existing file (or /proc/vmcore, or a block device) for reading. */
    public static PositionalImage open(Path path) throws IOException {
        return open(path, ReadMethod.MMAP_WHERE_FASTER);
    }

    /** Opens an existing file, its runs of pages read as {@code method} says. */
    public static PositionalImage open(Path path, ReadMethod method) throws IOException {
        return open(path, method == ReadMethod.PREAD_ONLY
                ? (p, size) -> new MappedWindows.Opened(null, p + ": not mapped: reading without mmap was asked")
                : MappedWindows::forInput);
    }

    /** As {@link #open(Path)}, runs of pages read through windows whatever the file system (tests). */
    static PositionalImage openMapped(Path path) throws IOException {
        return open(path, MappedWindows::open);
    }

    private static PositionalImage open(Path path, Mapper mapper) throws IOException {
        InputFiles.check(path);   // a missing file, a directory or a FIFO (whose open would block) is named
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = ch.size();
            return new PositionalImage(path.toString(), ch, size, mapper.windows(path, size));
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    @FunctionalInterface
    private interface Mapper {
        MappedWindows.Opened windows(Path path, long size);
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
    long mappedBytes() {
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
            fill(start, ByteBuffer.wrap(b), what);
            blocks.put(index, b);
        }
        return b;
    }

    private void readDirect(long offset, MemorySegment dst, String what) throws IOException {
        // Native and byte[] segments are read into in place; other heap arrays through a byte[].
        boolean inPlace = dst.heapBase().map(base -> base instanceof byte[]).orElse(true);
        for (long done = 0; done < dst.byteSize(); ) {
            int n = (int) Math.min(dst.byteSize() - done, MAX_READ);
            MemorySegment part = dst.asSlice(done, n);
            boolean fromWindow = windows != null && windows.copy(offset + done, part);
            if (!fromWindow && inPlace) {
                fill(offset + done, part.asByteBuffer(), what);
            } else if (!fromWindow) {
                byte[] tmp = new byte[n];
                fill(offset + done, ByteBuffer.wrap(tmp), what);
                MemorySegment.copy(MemorySegment.ofArray(tmp), 0, part, 0, n);
            }
            done += n;
        }
    }

    private void fill(long offset, ByteBuffer buf, String what) throws IOException {
        long pos = offset;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                throw new EOFException(name + ": offset 0x" + Long.toHexString(pos) + ": " + what
                        + ": the file ends early (it shrank while being read)");
            }
            pos += n;
        }
    }

    @Override
    public void close() {
        if (windows != null) {
            windows.close();
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a read-only channel loses nothing; there is nothing to report.
        }
    }

    @Override
    public String toString() {
        return "PositionalImage(" + name + ", size=0x" + Long.toHexString(size) + ")";
    }
}

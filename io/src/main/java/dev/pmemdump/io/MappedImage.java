package dev.pmemdump.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Set;

/**
 * One file mapped into one {@link MemorySegment}: the only owner of the mapping and its arena.
 * Everything else works on bounds-checked slices that own nothing. Mapping costs what is touched,
 * so a sparse 1 TiB image is as cheap to open as a small one.
 *
 * <p>Read-only unless opened with {@link Access#READ_WRITE}; only commands whose job is to write an
 * image ask for that. Every page read stays resident as long as the mapping lives: readers of
 * dumps, whose input may be far larger than their memory, use a {@link PositionalImage} instead.
 */
public final class MappedImage implements ReadableImage {

    /** How the file is mapped. */
    public enum Access { READ_ONLY, READ_WRITE }

    /** What backs the mapping, and so what makes a store durable. */
    public enum Mapping {
        /** Page cache ({@code FileChannel.map}): durable after msync. */
        FILE("file"),
        /** A file on a DAX file system, {@code MAP_SHARED_VALIDATE | MAP_SYNC}: no page cache, durable
         *  once the CPU caches are written back (msync does that), file metadata always in step. */
        MAP_SYNC("map_sync"),
        /** A device-dax character device: stores go to the media; the kernel offers no flush call. */
        DEVICE_DAX("devdax");

        private final String label;

        Mapping(String label) {
            this.label = label;
        }

        /** The name printed by {@code -v} lines and reports. */
        public String label() {
            return label;
        }
    }

    private static final long PAGE = 4096;

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final Access access;
    private final Mapping mapping;

    private MappedImage(Path path, Arena arena, MemorySegment segment, Access access, Mapping mapping) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.access = access;
        this.mapping = mapping;
    }

    /**
     * Takes ownership of a mapping made with {@link Libc#mmap} ({@code size} bytes at {@code address}):
     * the returned image's arena munmaps it on {@link #close()}, so a slice used afterwards fails
     * with IllegalStateException instead of touching unmapped memory.
     */
    public static MappedImage ofNative(Path path, MemorySegment address, long size, Access access, Mapping mapping) {
        if (mapping == Mapping.FILE) {
            throw new IllegalArgumentException("a native mapping is MAP_SYNC or DEVICE_DAX");
        }
        Arena arena = Arena.ofShared();
        MemorySegment seg = address.reinterpret(size, arena, s -> {
            try {
                Libc.munmap(path, s);
            } catch (LibcException e) {
                // Nothing to recover at close: the address range stays reserved until exit.
            }
        });
        return new MappedImage(path, arena, seg, access, mapping);
    }

    /** Maps all of an existing regular file. */
    public static MappedImage open(Path path, Access access) throws IOException {
        Set<StandardOpenOption> options = access == Access.READ_WRITE
                ? EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                : EnumSet.of(StandardOpenOption.READ);
        InputFiles.check(path);
        try (FileChannel ch = FileChannel.open(path, options)) {
            return map(path, ch, ch.size(), access);
        }
    }

    /**
     * Creates (or truncates) a sparse file of {@code size} bytes and maps it read-write. No byte is
     * written: the file system hands out zero pages on first touch.
     */
    public static MappedImage create(Path path, long size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException(path + ": image size must be positive, got " + size);
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            // Extending with a one-byte write at the end keeps the file sparse on every file system.
            ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
            return map(path, ch, size, Access.READ_WRITE);
        }
    }

    private static MappedImage map(Path path, FileChannel ch, long size, Access access) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            FileChannel.MapMode mode = access == Access.READ_WRITE
                    ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY;
            MemorySegment seg = size == 0 ? MemorySegment.NULL.reinterpret(0) : ch.map(mode, 0, size, arena);
            return new MappedImage(path, arena, seg, access, Mapping.FILE);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() {
        return segment.byteSize();
    }

    public boolean writable() {
        return access == Access.READ_WRITE;
    }

    public Mapping mapping() {
        return mapping;
    }

    /** The whole mapping; callers should prefer {@link #slice}. */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * A view of {@code [offset, offset + length)}; a range outside the file is reported as
     * truncation of this file at that offset, naming {@code what} was being read.
     */
    public MemorySegment slice(long offset, long length, String what) throws EOFException {
        checkOpen(what);
        if (!Ranges.fits(offset, length, segment.byteSize())) {
            EOFException e = new EOFException(path + ": offset 0x" + Long.toHexString(offset) + ": " + what
                    + " (0x" + Long.toHexString(length) + " bytes) runs past the end of the file (size 0x"
                    + Long.toHexString(segment.byteSize()) + ")");
            throw e;
        }
        return segment.asSlice(offset, length);
    }

    /** A view, as {@link #slice}. */
    @Override
    public MemorySegment bytes(long offset, long length, String what) throws EOFException {
        return slice(offset, length, what);
    }

    @Override
    public void read(long offset, MemorySegment dst, String what) throws EOFException {
        MemorySegment.copy(slice(offset, dst.byteSize(), what), 0, dst, 0, dst.byteSize());
    }

    /** Makes every store so far durable; see {@link #force(long, long)}. */
    public void force() {
        try {
            force(0, segment.byteSize());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Makes the stores to {@code [offset, offset + length)} durable as far as the mapping allows:
     * msync for a file (page cache written back; on a DAX file the kernel writes back CPU caches);
     * on device-dax, where the kernel has no flush call, a full fence orders the stores.
     */
    public void force(long offset, long length) throws IOException {
        if (access != Access.READ_WRITE || length == 0) {
            return;
        }
        MemorySegment range = slice(offset, length, "flushed range");
        switch (mapping) {
            case FILE -> range.force();
            case MAP_SYNC -> {
                long start = offset & -PAGE;
                Libc.msync(path, segment.asSlice(start, offset + length - start), Libc.MS_SYNC);
            }
            case DEVICE_DAX -> java.lang.invoke.VarHandle.fullFence();
        }
    }

    /**
     * Reserves file blocks for {@code [offset, offset + length)} before it is written through the
     * mapping, so that a full file system is an ENOSPC {@link LibcException} here rather than a
     * SIGBUS (InternalError) at the store. Returns false where the file system cannot reserve
     * (no fallocate): the caller then writes with positional writes, which report ENOSPC.
     * A device has its blocks already: true.
     */
    public boolean reserve(long offset, long length) throws IOException {
        slice(offset, length, "reserved range");
        if (mapping == Mapping.DEVICE_DAX || length == 0) {
            return true;
        }
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC);
        try {
            Libc.fallocate(path, fd, 0, offset, length);
            return true;
        } catch (LibcException e) {
            if (e.errno() == Libc.EOPNOTSUPP || e.errno() == Libc.ENOSYS) {
                return false;
            }
            throw e;
        } finally {
            Libc.close(path, fd);
        }
    }

    /**
     * A named error instead of the arena's IllegalStateException for use after {@link #close()}
     * (unchecked: it is a caller's bug, not bad input, and slice's signature stays).
     */
    private void checkOpen(String what) {
        if (!arena.scope().isAlive()) {
            throw new UncheckedIOException(new ImageClosedException(path, what));
        }
    }

    /** Unmaps; idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "MappedImage(path=" + path + ", size=0x" + Long.toHexString(size()) + ", " + access + ", " + mapping.label() + ")";
    }
}

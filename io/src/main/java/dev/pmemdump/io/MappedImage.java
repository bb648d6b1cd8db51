package dev.pmemdump.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
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

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final Access access;

    private MappedImage(Path path, Arena arena, MemorySegment segment, Access access) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.access = access;
    }

    /** Maps all of an existing regular file. */
    public static MappedImage open(Path path, Access access) throws IOException {
        Set<StandardOpenOption> options = access == Access.READ_WRITE
                ? EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                : EnumSet.of(StandardOpenOption.READ);
        if (!path.toFile().exists()) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
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
            return new MappedImage(path, arena, seg, access);
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

    /** The whole mapping; callers should prefer {@link #slice}. */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * A view of {@code [offset, offset + length)}; a range outside the file is reported as
     * truncation of this file at that offset, naming {@code what} was being read.
     */
    public MemorySegment slice(long offset, long length, String what) throws EOFException {
        ReadableImage.checkRange(name(), offset, length, segment.byteSize(), what);
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

    /** Writes dirty pages back to the file (msync). */
    public void force() {
        if (access == Access.READ_WRITE && segment.byteSize() > 0) {
            segment.force();
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
        return "MappedImage(path=" + path + ", size=0x" + Long.toHexString(size()) + ", " + access + ")";
    }
}

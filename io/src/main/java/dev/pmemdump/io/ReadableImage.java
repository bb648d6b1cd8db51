package dev.pmemdump.io;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * An image (a file, a device, bytes in memory) read at any offset. Readers of dumps depend on this,
 * not on how the bytes arrive: a {@link PositionalImage} reads a vmcore with bounded memory, a
 * {@link MappedImage} or an in-memory segment serve the same calls from memory.
 */
public interface ReadableImage extends AutoCloseable {

    /** Names the image in messages (usually the path). */
    String name();

    long size();

    /**
     * Copies {@code dst.byteSize()} bytes at {@code offset} into {@code dst}; a range outside the image
     * is an {@link EOFException} naming the image, the offset and {@code what} was being read.
     */
    void read(long offset, MemorySegment dst, String what) throws IOException;

    /**
     * The bytes {@code [offset, offset + length)}: a view where the image is in memory, a copy
     * otherwise. For headers and notes, not for bulk data (a copy costs its length in heap).
     */
    MemorySegment bytes(long offset, long length, String what) throws IOException;

    @Override
    void close();

    /** An image held in {@code bytes} (an elfcorehdr built in memory, a file read whole); closing is a no-op. */
    static ReadableImage of(MemorySegment bytes, String name) {
        return new ReadableImage() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public long size() {
                return bytes.byteSize();
            }

            @Override
            public void read(long offset, MemorySegment dst, String what) throws EOFException {
                MemorySegment.copy(bytes(offset, dst.byteSize(), what), 0, dst, 0, dst.byteSize());
            }

            @Override
            public MemorySegment bytes(long offset, long length, String what) throws EOFException {
                checkRange(name, offset, length, bytes.byteSize(), what);
                return bytes.asSlice(offset, length);
            }

            @Override
            public void close() {
            }
        };
    }

    /** The error for {@code [offset, offset + length)} outside an image of {@code size} bytes, if it is. */
    static void checkRange(String name, long offset, long length, long size, String what) throws EOFException {
        if (!Ranges.fits(offset, length, size)) {
            throw new EOFException(name + ": offset 0x" + Long.toHexString(offset) + ": " + what
                    + " (0x" + Long.toHexString(length) + " bytes) runs past the end of the file (size 0x"
                    + Long.toHexString(size) + ")");
        }
    }
}

package dev.pmemdump.pmem;

import dev.pmemdump.io.Extent;
import dev.pmemdump.io.FileExtents;
import dev.pmemdump.io.MappedImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * Every write a command makes to an image, in order, each flushed before the next one starts
 * with the flush its mapping needs ({@link MappedImage#force(long, long)}): the ordering is what
 * makes updates atomic (personality, then label slot, then the index block that makes it current).
 * Space is reserved before a store goes through the mapping, so a full file system is an ENOSPC
 * error before the write, never a SIGBUS in the middle of it. Tests can cut the sequence after any
 * write to check that an interrupted update leaves the old or the new image.
 */
final class MediaWriter {
    private static final int ZERO_CHUNK = 64 * 1024;
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[ZERO_CHUNK]);

    private final MappedImage image;
    private long writesLeft = Long.MAX_VALUE;
    private long writes;
    private java.util.function.BiConsumer<Long, Long> flushed = (off, len) -> { };

    MediaWriter(MappedImage image) {
        this.image = image;
    }

    /** Thrown when a test's write budget runs out: the image is left as a power cut would leave it. */
    static final class SimulatedCrash extends IOException {
        private static final long serialVersionUID = 1L;

        SimulatedCrash(long n) {
            super("simulated crash before write #" + (n + 1));
        }
    }

    /** Sees the file range of every write once it is flushed, in order (flush-order tests). */
    void observe(java.util.function.BiConsumer<Long, Long> flushed) {
        this.flushed = flushed;
    }

    /** Lets only the next {@code n} writes happen (crash-consistency tests). */
    void crashAfter(long n) {
        writesLeft = n;
    }

    long writes() {
        return writes;
    }

    void write(long fileOffset, MemorySegment bytes) throws IOException {
        if (!image.writable()) {
            throw new IOException(image.path() + ": image is open read-only");
        }
        if (writesLeft-- <= 0) {
            throw new SimulatedCrash(writes);
        }
        MemorySegment dst = image.slice(fileOffset, bytes.byteSize(), "write");
        if (image.reserve(fileOffset, bytes.byteSize())) {
            dst.copyFrom(bytes);
        } else {
            writePositional(fileOffset, bytes);
        }
        image.force(fileOffset, bytes.byteSize());
        flushed.accept(fileOffset, bytes.byteSize());
        writes++;
    }

    /** Where blocks cannot be reserved: write(2) reports a full file system as an IOException. */
    private void writePositional(long fileOffset, MemorySegment bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(image.path(), StandardOpenOption.WRITE)) {
            ByteBuffer b = bytes.asByteBuffer();
            while (b.hasRemaining()) {
                ch.write(b, fileOffset + b.position());
            }
        } catch (IOException e) {
            throw new IOException(image.path() + ": offset 0x" + Long.toHexString(fileOffset) + ": write failed: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Zeroes {@code [off, off + len)}, writing only chunks that are not zero already and never
     * reading holes, so a sparse image stays sparse and the cost follows what was ever written.
     */
    void zero(long off, long len) throws IOException {
        MemorySegment image = this.image.slice(off, len, "zeroed range");
        // Holes already read as zeros: only extents holding data are looked at.
        for (Extent extent : FileExtents.within(this.image.path(), off, len)) {
            for (long pos = extent.start(); pos < extent.end(); ) {
                long n = Math.min(ZERO_CHUNK - (pos - off) % ZERO_CHUNK, extent.end() - pos);
                if (image.asSlice(pos - off, n).mismatch(ZEROS.asSlice(0, n)) != -1) {
                    write(pos, ZEROS.asSlice(0, n));
                }
                pos += n;
            }
        }
    }
}

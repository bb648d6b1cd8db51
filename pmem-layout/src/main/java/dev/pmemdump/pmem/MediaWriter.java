package dev.pmemdump.pmem;

import dev.pmemdump.io.Extent;
import dev.pmemdump.io.FileExtents;
import dev.pmemdump.io.MappedImage;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Every write a command makes to an image, in order, each flushed before the next one starts:
 * the ordering is what makes label updates atomic (label slot first, index block last). Tests can
 * cut the sequence after any write to check that an interrupted update leaves a readable image.
 */
final class MediaWriter {
    private static final int ZERO_CHUNK = 64 * 1024;
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[ZERO_CHUNK]);

    private final MappedImage image;
    private long writesLeft = Long.MAX_VALUE;
    private long writes;

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
        dst.copyFrom(bytes);
        dst.force();
        writes++;
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

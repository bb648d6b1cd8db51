package dev.pmemdump.filter.page;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a dump writer puts bytes: positioned writes, like makedumpfile's {@code write_buffer()}.
 * A regular file takes them as they are; the flattened format turns each into a record.
 */
public interface DumpSink {
    /** Writes all of {@code buf} at {@code offset}. */
    void write(long offset, ByteBuffer buf) throws IOException;

    /** Bytes written to the output, as makedumpfile's "Write bytes" counts them (a stream counts its framing). */
    long bytesWritten();
}

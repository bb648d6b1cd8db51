package dev.pmemdump.filter.flat;

import dev.pmemdump.filter.page.DumpSink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes a dump as a flattened stream, for a pipe where no seek is possible: every positioned
 * write becomes one record. {@link #finish()} appends the end marker.
 */
public final class FlattenedSink implements DumpSink {
    private final OutputStream out;
    private long written;

    public FlattenedSink(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer h = ByteBuffer.allocate(FlattenedFormat.HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        h.put(FlattenedFormat.SIGNATURE);
        h.putLong(FlattenedFormat.SIGNATURE_FIELD, FlattenedFormat.TYPE_FLAT_HEADER);
        h.putLong(FlattenedFormat.SIGNATURE_FIELD + 8, FlattenedFormat.VERSION_FLAT_HEADER);
        out.write(h.array());
        written = FlattenedFormat.HEADER_SIZE;
    }

    @Override
    public void write(long offset, ByteBuffer buf) throws IOException {
        int n = buf.remaining();
        if (n == 0) {
            return;
        }
        ByteBuffer rec = ByteBuffer.allocate(FlattenedFormat.RECORD_HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        rec.putLong(offset).putLong(n);
        out.write(rec.array());
        if (buf.hasArray()) {
            out.write(buf.array(), buf.arrayOffset() + buf.position(), n);
            buf.position(buf.limit());
        } else {
            byte[] tmp = new byte[n];
            buf.get(tmp);
            out.write(tmp);
        }
        written += FlattenedFormat.RECORD_HEADER_SIZE + n;
    }

    /** Bytes of the stream so far: flat header, record headers and data, end marker after {@link #finish()}. */
    @Override
    public long bytesWritten() {
        return written;
    }

    /** Writes the end marker and flushes. */
    public void finish() throws IOException {
        ByteBuffer end = ByteBuffer.allocate(FlattenedFormat.RECORD_HEADER_SIZE).order(ByteOrder.BIG_ENDIAN);
        end.putLong(FlattenedFormat.END_FLAG).putLong(FlattenedFormat.END_FLAG);
        out.write(end.array());
        written += FlattenedFormat.RECORD_HEADER_SIZE;
        out.flush();
    }
}

package dev.pmemdump.filter.flat;

import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.io.CorruptInputException;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads a flattened stream and replays its records into a {@link DumpSink} (-R: rearrange into a
 * regular dumpfile). Errors name the stream and the byte position in it.
 */
public final class FlattenedReader {
    private static final int CHUNK = 1 << 20;

    private final String name;
    private final InputStream in;
    private long pos;

    public FlattenedReader(String name, InputStream in) {
        this.name = name;
        this.in = in;
    }

    /** True when {@code head} (at least 16 bytes) starts a flattened stream. */
    public static boolean isFlattened(byte[] head) {
        return head.length >= FlattenedFormat.SIGNATURE_FIELD
                && Arrays.equals(head, 0, FlattenedFormat.SIGNATURE.length, FlattenedFormat.SIGNATURE, 0,
                FlattenedFormat.SIGNATURE.length)
                && head[FlattenedFormat.SIGNATURE.length] == 0;
    }

    /** Copies every record to {@code sink}; returns the end of the rebuilt file (highest offset written). */
    public long rebuild(DumpSink sink) throws IOException {
        byte[] header = readFully(FlattenedFormat.HEADER_SIZE, "flattened header");
        if (!isFlattened(header)) {
            throw new CorruptInputException(name, 0, "not a flattened dump (no \"makedumpfile\" signature)");
        }
        long type = ByteBuffer.wrap(header).order(ByteOrder.BIG_ENDIAN).getLong(FlattenedFormat.SIGNATURE_FIELD);
        if (type != FlattenedFormat.TYPE_FLAT_HEADER) {
            throw new CorruptInputException(name, FlattenedFormat.SIGNATURE_FIELD, "flattened header type " + type
                    + " is not 1");
        }
        long end = 0;
        byte[] buf = new byte[CHUNK];
        while (true) {
            long recPos = pos;
            ByteBuffer rec = ByteBuffer.wrap(readFully(FlattenedFormat.RECORD_HEADER_SIZE, "record header"))
                    .order(ByteOrder.BIG_ENDIAN);
            long offset = rec.getLong();
            long size = rec.getLong();
            if (offset == FlattenedFormat.END_FLAG && size == FlattenedFormat.END_FLAG) {
                return end;
            }
            if (offset < 0 || size <= 0 || offset > Long.MAX_VALUE - size) {
                throw new CorruptInputException(name, recPos, "record (offset " + offset + ", size " + size
                        + ") is neither data nor the end marker");
            }
            for (long done = 0; done < size; ) {
                int n = (int) Math.min(buf.length, size - done);
                readInto(buf, n, "record data");
                sink.write(offset + done, ByteBuffer.wrap(buf, 0, n));
                done += n;
            }
            end = Math.max(end, offset + size);
        }
    }

    private byte[] readFully(int n, String what) throws IOException {
        byte[] b = new byte[n];
        readInto(b, n, what);
        return b;
    }

    private void readInto(byte[] b, int n, String what) throws IOException {
        int got = in.readNBytes(b, 0, n);
        if (got < n) {
            throw new EOFException(name + ": offset 0x" + Long.toHexString(pos + got) + ": stream ends inside the "
                    + what + " (no end marker)");
        }
        pos += n;
    }
}

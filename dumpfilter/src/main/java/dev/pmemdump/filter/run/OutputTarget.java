package dev.pmemdump.filter.run;

import dev.pmemdump.filter.flat.FlattenedSink;
import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.io.AtomicOutput;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where a run's bytes go: every file a run writes (dumps, split parts, logs, reports) is created here,
 * complete under its name or not at all; a dump may go to a flattened stream instead.
 */
final class OutputTarget {
    private static final int STREAM_BUFFER = 1 << 20;

    private OutputTarget() {}

    /** What a writer does with its sink. */
    interface Body {
        void write(DumpSink sink) throws IOException;
    }

    /** A file under a temporary name until {@link AtomicOutput#commit()}. */
    static AtomicOutput create(Path path) throws IOException {
        return AtomicOutput.create(path);
    }

    /** Writes {@code bytes} as the whole of {@code path}. */
    static void write(Path path, byte[] bytes) throws IOException {
        try (AtomicOutput ao = create(path)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ao.channel().write(b);
            }
            ao.commit();
        }
    }

    /** Writes {@code path} through a temporary file; returns the bytes written. */
    static long file(Path path, Body body) throws IOException {
        try (AtomicOutput ao = create(path)) {
            FileSink sink = new FileSink(ao.channel());
            body.write(sink);
            long n = sink.bytesWritten();
            ao.commit();
            return n;
        }
    }

    /** Writes a flattened stream to {@code out}, end marker included; returns the dump bytes written. */
    static long flattened(OutputStream out, Body body) throws IOException {
        FlattenedSink sink = new FlattenedSink(new BufferedOutputStream(out, STREAM_BUFFER));
        body.write(sink);
        sink.finish();
        return sink.bytesWritten();
    }
}

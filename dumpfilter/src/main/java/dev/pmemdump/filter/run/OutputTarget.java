package dev.pmemdump.filter.run;

import dev.pmemdump.filter.flat.FlattenedSink;
import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputSet;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where a run's bytes go: every file a run writes (dumps, split parts, logs, reports) is created here,
 * in the caller's {@link OutputSet}, which publishes them all or none under their names (and applies
 * the output rules: force, never an input, devices written in place); a dump may go to a flattened
 * stream instead.
 */
final class OutputTarget {
    private static final int STREAM_BUFFER = 1 << 20;

    private final OutputSet set;
    /** --dry-run: dump bytes are counted, never written (reports still are). */
    private final boolean dry;

    OutputTarget(OutputSet set) {
        this(set, false);
    }

    private OutputTarget(OutputSet set, boolean dry) {
        this.set = set;
        this.dry = dry;
    }

    /** The target for a dump's own bytes: this one, or with {@code dryRun} one that only counts them. */
    OutputTarget forDump(boolean dryRun) {
        return dryRun ? new OutputTarget(set, true) : this;
    }

    /** What a writer does with its sink. */
    interface Body {
        void write(DumpSink sink) throws IOException;
    }

    /** A file under a temporary name, completed by {@link AtomicOutput#commit()}, published with the set. */
    AtomicOutput create(Path path) throws IOException {
        return set.create(path);
    }

    /** Writes {@code bytes} as the whole of {@code path}. */
    void write(Path path, byte[] bytes) throws IOException {
        set.write(path, bytes);
    }

    /** Writes {@code path} through a temporary file; returns the bytes written. */
    long file(Path path, Body body) throws IOException {
        if (dry) {
            DumpSink counter = new DumpSink() {
                private long written;

                @Override
                public void write(long offset, ByteBuffer buf) {
                    written += buf.remaining();
                    buf.position(buf.limit());
                }

                @Override
                public long bytesWritten() {
                    return written;
                }
            };
            body.write(counter);
            return counter.bytesWritten();
        }
        try (AtomicOutput ao = create(path)) {
            FileSink sink = new FileSink(ao.channel());
            body.write(sink);
            long n = sink.bytesWritten();
            ao.commit();
            return n;
        }
    }

    /**
     * Writes a flattened stream to {@code out} (nowhere on a dry run), end marker included; returns the bytes
     * of the whole stream, as makedumpfile's "Write bytes" counts them.
     */
    long flattened(OutputStream out, Body body) throws IOException {
        FlattenedSink sink = new FlattenedSink(dry ? OutputStream.nullOutputStream()
                : new BufferedOutputStream(out, STREAM_BUFFER));
        body.write(sink);
        sink.finish();
        return sink.bytesWritten();
    }
}

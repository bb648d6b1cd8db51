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
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

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
    /** -L: bytes a dump file may hold, as makedumpfile compares them (signed; 0 or -1: no limit). */
    private final long sizeLimit;

    OutputTarget(OutputSet set) {
        this(set, false, 0);
    }

    private OutputTarget(OutputSet set, boolean dry, long sizeLimit) {
        this.set = set;
        this.dry = dry;
        this.sizeLimit = sizeLimit;
    }

    /** The target for a dump's own bytes: with {@code dryRun} one that only counts them, with -L a limited one. */
    OutputTarget forDump(boolean dryRun, long limit) {
        return dryRun || limit != 0 ? new OutputTarget(set, dryRun, limit) : this;
    }

    /** What a writer does with its sink. */
    interface Body {
        void write(DumpSink sink) throws IOException;
    }

    /** Marks a dump file cut short by -L as incomplete, in its own format's header. */
    interface Incomplete {
        void mark(FileChannel file) throws IOException;
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
        return file(path, body, ch -> { });
    }

    /**
     * Writes {@code path} through a temporary file; returns the bytes written. When -L cuts it short the
     * file is kept, cut at the limit and marked by {@code incomplete}, and {@link SizeLimitReached} thrown.
     */
    long file(Path path, Body body, Incomplete incomplete) throws IOException {
        if (dry) {
            DumpSink counter = counter();
            body.write(limited(path, counter));
            return counter.bytesWritten();
        }
        try (AtomicOutput ao = create(path)) {
            FileSink sink = FileSink.of(ao);
            try {
                body.write(limited(path, sink));
            } catch (SizeLimitReached e) {
                incomplete.mark(ao.channel());
                ao.commit();
                throw e;
            }
            long n = sink.bytesWritten();
            ao.commit();
            return n;
        }
    }

    /**
     * Writes the parts of a --split dump, part {@code i} by {@code bodies.apply(i)}; returns the bytes
     * written. With -L each part is limited on its own, as each of makedumpfile's children is: a part that
     * reaches the limit stops there, the others are written whole, and then every part is marked
     * incomplete (check_and_modify_multiple_kdump_headers) and {@link SizeLimitReached} thrown.
     */
    long parts(List<Path> paths, IntFunction<Body> bodies, Incomplete incomplete) throws IOException {
        List<AtomicOutput> files = new ArrayList<>();
        SizeLimitReached reached = null;
        long bytes = 0;
        try {
            for (int i = 0; i < paths.size(); i++) {
                DumpSink sink = dry ? counter() : FileSink.of(open(files, paths.get(i)));
                try {
                    bodies.apply(i).write(limited(paths.get(i), sink));
                } catch (SizeLimitReached e) {
                    reached = reached == null ? e : reached.and(e);
                }
                bytes += sink.bytesWritten();
            }
            for (AtomicOutput f : files) {
                if (reached != null) {
                    incomplete.mark(f.channel());
                }
                f.commit();
            }
        } finally {
            for (AtomicOutput f : files) {
                f.close();
            }
        }
        if (reached != null) {
            throw reached;
        }
        return bytes;
    }

    private AtomicOutput open(List<AtomicOutput> files, Path path) throws IOException {
        AtomicOutput f = create(path);
        files.add(f);
        return f;
    }

    /** A dry run's sink: counts the bytes, writes none. */
    private static DumpSink counter() {
        return new DumpSink() {
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
    }

    /**
     * makedumpfile's rule (write_and_check_space): a write that would end past the limit writes only what
     * fits before it, and the dump stops there.
     */
    private DumpSink limited(Path path, DumpSink sink) {
        if (sizeLimit == 0 || sizeLimit == -1) {
            return sink;
        }
        return new DumpSink() {
            @Override
            public void write(long offset, ByteBuffer buf) throws IOException {
                if (offset + buf.remaining() > sizeLimit) {
                    if (offset < sizeLimit) {
                        sink.write(offset, buf.limit(buf.position() + (int) (sizeLimit - offset)));
                    }
                    throw new SizeLimitReached(path, sizeLimit);
                }
                sink.write(offset, buf);
            }

            @Override
            public long bytesWritten() {
                return sink.bytesWritten();
            }
        };
    }

    /**
     * Writes a flattened stream to {@code out} (nowhere on a dry run), end marker included; returns the bytes
     * of the whole stream, as makedumpfile's "Write bytes" counts them.
     */
    long flattened(OutputStream out, Body body) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(dry ? OutputStream.nullOutputStream() : out,
                STREAM_BUFFER);
        StreamLimit limit = sizeLimit == 0 || sizeLimit == -1 ? null : new StreamLimit(buffered, sizeLimit);
        try {
            FlattenedSink sink = new FlattenedSink(limit == null ? buffered : limit);
            body.write(limit == null ? sink : limit.watch(sink));
            sink.finish();
            return sink.bytesWritten();
        } catch (SizeLimitReached e) {
            buffered.flush(); // the stream keeps what fitted, as makedumpfile's does
            throw e;
        }
    }
}

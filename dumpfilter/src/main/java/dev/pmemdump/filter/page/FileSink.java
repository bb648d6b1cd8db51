package dev.pmemdump.filter.page;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.Writes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.LongConsumer;

/** A {@link DumpSink} on a file channel; regions never written stay holes. */
public final class FileSink implements DumpSink {
    private final FileChannel channel;
    private final LongConsumer afterWrite;
    private long written;

    public FileSink(FileChannel channel) {
        this(channel, n -> { });
    }

    private FileSink(FileChannel channel, LongConsumer afterWrite) {
        this.channel = channel;
        this.afterWrite = afterWrite;
    }

    /** Writes into {@code output}'s channel and tells it how much (its writeback starts as it grows). */
    public static FileSink of(AtomicOutput output) {
        return new FileSink(output.channel(), output::wrote);
    }

    @Override
    public void write(long offset, ByteBuffer buf) throws IOException {
        int n = buf.remaining();
        Writes.fully(channel, buf, offset);
        written += n;
        afterWrite.accept(n);
    }

    @Override
    public long bytesWritten() {
        return written;
    }
}

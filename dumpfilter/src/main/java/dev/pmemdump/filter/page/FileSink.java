package dev.pmemdump.filter.page;

import dev.pmemdump.io.Writes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A {@link DumpSink} on a file channel; regions never written stay holes. */
public final class FileSink implements DumpSink {
    private final FileChannel channel;
    private long written;

    public FileSink(FileChannel channel) {
        this.channel = channel;
    }

    @Override
    public void write(long offset, ByteBuffer buf) throws IOException {
        int n = buf.remaining();
        Writes.fully(channel, buf, offset);
        written += n;
    }

    @Override
    public long bytesWritten() {
        return written;
    }
}

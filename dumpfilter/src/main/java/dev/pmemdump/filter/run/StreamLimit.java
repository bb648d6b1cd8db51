package dev.pmemdump.filter.run;

import dev.pmemdump.filter.kdump.KdumpHeader;
import dev.pmemdump.filter.page.DumpSink;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * -L SIZE on a flattened stream (-F): makedumpfile counts every byte it sends to standard output (flat
 * header, record headers, data, end marker) against the limit, compared signed; the write that would
 * pass it sends only what fits, and the dump stops there.
 */
final class StreamLimit extends FilterOutputStream {
    private final long limit;
    private long written;
    /** For a kdump-compressed stream, the page_desc table's offset: records from there on are page writes. */
    private long pagesFrom = Long.MAX_VALUE;
    private boolean pageWrite;

    StreamLimit(OutputStream out, long limit) {
        super(out);
        this.limit = limit;
    }

    /** {@code sink} (writing through this stream), watched for the record being written. */
    DumpSink watch(DumpSink sink) {
        return new DumpSink() {
            @Override
            public void write(long offset, ByteBuffer buf) throws IOException {
                if (offset == 0 && KdumpHeader.isKdump(buf)) {
                    pagesFrom = KdumpHeader.pageDescOffset(buf);
                }
                pageWrite = offset >= pagesFrom;
                sink.write(offset, buf);
            }

            @Override
            public long bytesWritten() {
                return sink.bytesWritten();
            }
        };
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (written + len > limit) {
            long fit = written < limit ? limit - written : 0;
            out.write(b, off, (int) fit);
            written += fit;
            // A cut page write is reported twice: makedumpfile then writes its page_desc buffer once more
            // (write_kdump_page), past the limit as well.
            throw SizeLimitReached.onStream(limit, pageWrite ? 2 : 1);
        }
        out.write(b, off, len);
        written += len;
    }
}

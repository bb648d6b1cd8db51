package dev.pmemdump.filter.flat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.filter.page.DumpSink;
import dev.pmemdump.io.CorruptInputException;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Any bytes as a flattened stream (-F output read back by -R): the rebuild replays records or
 * stops with a named error ({@link CorruptInputException}, {@link EOFException} for a stream cut
 * short), never another exception; the end it reports is the end of the highest record replayed.
 */
class FlattenedReaderFuzzTest {

    @FuzzTest
    void flattenedReader(byte[] data) throws IOException {
        HighestOffset sink = new HighestOffset();
        try {
            long end = new FlattenedReader("fuzz.flat", new ByteArrayInputStream(data)).rebuild(sink);
            assertEquals(sink.end, end, "rebuilt file end");
        } catch (CorruptInputException | EOFException expected) {
            // a named error is a right answer to a corrupt stream
        }
    }

    /** Keeps only the end of the highest write: the rebuilt file need not be held. */
    private static final class HighestOffset implements DumpSink {
        long end;
        long written;

        @Override
        public void write(long offset, ByteBuffer buf) {
            end = Math.max(end, offset + buf.remaining());
            written += buf.remaining();
        }

        @Override
        public long bytesWritten() {
            return written;
        }
    }
}

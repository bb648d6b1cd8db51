package dev.pmemdump.vmcore;

import dev.pmemdump.io.AtomicOutput;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Small outputs (an extracted note or device dump) written whole through {@link AtomicOutput}. */
public final class OutputFiles {
    private OutputFiles() {}

    public static void write(Path target, MemorySegment bytes) throws IOException {
        try (AtomicOutput o = AtomicOutput.create(target)) {
            ByteBuffer buf = bytes.asByteBuffer();
            long pos = 0;
            while (buf.hasRemaining()) {
                pos += o.channel().write(buf, pos);
            }
            o.commit();
        }
    }
}

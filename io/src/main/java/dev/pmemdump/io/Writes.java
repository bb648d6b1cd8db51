package dev.pmemdump.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;

/** A channel write may take fewer bytes than asked; these loop until the buffer is drained. */
public final class Writes {
    private Writes() {}

    /** Writes all of {@code buf} at the channel's position (works on pipes and devices too). */
    public static void fully(WritableByteChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Writes all of {@code buf} at {@code position}, leaving the channel's position alone. */
    public static void fully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += ch.write(buf, pos);
        }
    }
}

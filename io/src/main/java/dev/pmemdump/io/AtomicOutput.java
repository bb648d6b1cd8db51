package dev.pmemdump.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * An output file that appears under its name only when complete. A new or replaced regular file is
 * built in a temporary file beside it ({@code .NAME.pmemdump-PID-N.partial}), fsynced when the
 * {@link OutputRules} ask for it, and renamed over the target by {@link #commit()}; closing without
 * committing deletes the temporary file, and so does a SIGTERM, SIGINT or SIGHUP. A character device
 * or FIFO at the path is written in place. What may be replaced at all is decided by the rules (see
 * {@link OutputTarget}). Outputs created by an {@link OutputSet} are renamed together by the set.
 */
public final class AtomicOutput implements AutoCloseable {
    private enum State { OPEN, FINISHED, PUBLISHED, DISCARDED }

    private final Path target;
    private final Path written;
    private final Path temp;
    private final FileChannel channel;
    private final boolean sync;
    private final OutputSet owner;
    private final Writeback writeback;
    private State state = State.OPEN;

    private AtomicOutput(Path target, Path written, Path temp, FileChannel channel, boolean sync, OutputSet owner) {
        this.target = target;
        this.written = written;
        this.temp = temp;
        this.channel = channel;
        this.sync = sync;
        this.owner = owner;
        this.writeback = sync && temp != null ? new Writeback(temp) : null;
    }

    /** One output on its own: {@link #commit()} publishes it. */
    public static AtomicOutput create(Path target, OutputRules rules) throws IOException {
        return open(target, rules, null);
    }

    /** Writes {@code bytes} as the whole of {@code target}: complete or not at all. */
    public static void write(Path target, OutputRules rules, MemorySegment bytes) throws IOException {
        try (AtomicOutput o = create(target, rules)) {
            o.writeAll(bytes);
            o.commit();
        }
    }

    public static void write(Path target, OutputRules rules, byte[] bytes) throws IOException {
        write(target, rules, MemorySegment.ofArray(bytes));
    }

    static AtomicOutput open(Path target, OutputRules rules, OutputSet owner) throws IOException {
        OutputTarget where = OutputTarget.resolve(target, rules);
        if (where.inPlace()) {
            FileChannel ch = FileChannel.open(where.path(), StandardOpenOption.WRITE);
            return new AtomicOutput(target, where.path(), null, ch, false, owner);
        }
        TempFiles.removeStale(where.path());
        Path temp = TempFiles.create(where.path());
        try {
            FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new AtomicOutput(target, where.path(), temp, ch, rules.sync(), owner);
        } catch (IOException | RuntimeException e) {
            TempFiles.delete(temp);
            throw e;
        }
    }

    /** The name as given. */
    public Path target() {
        return target;
    }

    /** Where bytes are written until {@link #commit()}: the temporary file, or the device itself. */
    public Path tempPath() {
        return temp != null ? temp : written;
    }

    /** Read-write channel on the temporary file (positioned writes are fine; not on a FIFO). */
    public FileChannel channel() {
        return channel;
    }

    /**
     * {@code bytes} more were written through {@link #channel()}: when the output is fsynced, its
     * writeback is started as it grows (see {@link Writeback}), so the final fsync is short.
     */
    public void wrote(long bytes) {
        if (writeback != null) {
            writeback.wrote(bytes);
        }
    }

    /** Appends all of {@code bytes} at the channel's position. */
    public void writeAll(MemorySegment bytes) throws IOException {
        try {
            Writes.fully(channel, bytes.asByteBuffer());
        } catch (IOException e) {
            throw named(e);
        }
    }

    /** Completes the bytes (fsync if asked) and, unless a set owns this output, renames it to the target. */
    public void commit() throws IOException {
        finish();
        if (owner == null) {
            publish();
        }
    }

    void finish() throws IOException {
        if (state != State.OPEN) {
            throw new IllegalStateException(target + ": output already " + state.name().toLowerCase());
        }
        try {
            if (sync && temp != null) {
                channel.force(true);
            }
            closeWriteback();
            channel.close();
        } catch (IOException e) {
            throw named(e);
        }
        state = State.FINISHED;
    }

    boolean finished() {
        return state == State.FINISHED;
    }

    void publish() throws IOException {
        if (temp != null) {
            try {
                Files.move(temp, written, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, written, StandardCopyOption.REPLACE_EXISTING);
            }
            TempFiles.published(temp);
        }
        state = State.PUBLISHED;
    }

    /** Takes a published output back from under its name (a later output of its set failed). */
    void withdraw() throws IOException {
        if (temp != null && state == State.PUBLISHED) {
            Files.deleteIfExists(written);
        }
    }

    void discard() throws IOException {
        if (state == State.PUBLISHED || state == State.DISCARDED) {
            return;
        }
        state = State.DISCARDED;
        closeWriteback();
        channel.close();
        if (temp != null) {
            TempFiles.delete(temp);
        }
    }

    private void closeWriteback() {
        if (writeback != null) {
            writeback.close();
        }
    }

    /** True when bytes go to a temporary file renamed to the target (false: a device or FIFO, in place). */
    boolean renamed() {
        return temp != null;
    }

    /** The file written in the end: the target, or what a symbolic link at the target names. */
    Path written() {
        return written;
    }

    private IOException named(IOException e) {
        String m = e.getMessage();
        return m != null && m.startsWith(target.toString()) ? e : new IOException(target + ": " + m, e);
    }

    @Override
    public void close() throws IOException {
        if (owner != null && state == State.FINISHED) {
            return; // the set renames or discards it
        }
        discard();
    }
}

package dev.pmemdump.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every output of one command (a dump and its reports, --split parts, a scenario's images): each is
 * built beside its target under the same {@link OutputRules}, and {@link #commit()} renames them all
 * only when every one is complete. If a rename fails, the ones already renamed are taken back, so a
 * failure leaves none of them under its final name; closing without committing deletes them all.
 */
public final class OutputSet implements AutoCloseable {
    private final OutputRules rules;
    private final List<AtomicOutput> members = new ArrayList<>();

    public OutputSet(OutputRules rules) {
        this.rules = rules;
    }

    public OutputRules rules() {
        return rules;
    }

    /** A new member; its {@link AtomicOutput#commit()} only completes it, the set renames it. */
    public AtomicOutput create(Path target) throws IOException {
        AtomicOutput o = AtomicOutput.open(target, rules, this);
        for (AtomicOutput m : members) {
            // a device or FIFO may well be named twice (--json-report /dev/null --html-report /dev/null)
            if (o.renamed() && m.written().equals(o.written())) {
                o.discard();
                throw new OutputRefusedException(target, OutputRefusedException.Reason.DUPLICATE,
                        "given twice as an output");
            }
        }
        members.add(o);
        return o;
    }

    /** Writes {@code bytes} as the whole of member {@code target}. */
    public void write(Path target, MemorySegment bytes) throws IOException {
        try (AtomicOutput o = create(target)) {
            o.writeAll(bytes);
            o.commit();
        }
    }

    public void write(Path target, byte[] bytes) throws IOException {
        write(target, MemorySegment.ofArray(bytes));
    }

    /** Renames every member to its target; all of them, or (after a failure) none. */
    public void commit() throws IOException {
        for (AtomicOutput m : members) {
            if (!m.finished()) {
                throw new IllegalStateException(m.target() + ": output was not completed");
            }
        }
        List<AtomicOutput> done = new ArrayList<>();
        try {
            for (AtomicOutput m : members) {
                m.publish();
                done.add(m);
            }
        } catch (IOException | RuntimeException e) {
            for (AtomicOutput m : done) {
                try {
                    m.withdraw();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (AtomicOutput m : members) {
            try {
                m.discard();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}

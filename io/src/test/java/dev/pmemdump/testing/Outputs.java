package dev.pmemdump.testing;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.OutputRules;

import java.io.IOException;
import java.nio.file.Path;

/** Tests that write one file through a writer taking an {@link AtomicOutput}. */
public final class Outputs {
    private Outputs() {}

    /** The body of a write: fills {@code out}, returns what the writer returns. */
    @FunctionalInterface
    public interface Body<T> {
        T write(AtomicOutput out) throws IOException;
    }

    /** Runs {@code body} on a fresh output at {@code target} (replacing any file there) and commits it. */
    public static <T> T written(Path target, Body<T> body) throws IOException {
        try (AtomicOutput o = AtomicOutput.create(target, OutputRules.REPLACE)) {
            T result = body.write(o);
            o.commit();
            return result;
        }
    }
}

package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What one command allows its outputs to do: replace an existing regular file only when the user
 * gave the command's force option ({@code forceOption} names it in the refusal), never be one of
 * the command's {@code inputs} (compared by device and inode), and be fsynced before the rename
 * when the command's job is to preserve data ({@code sync}).
 */
public record OutputRules(boolean force, String forceOption, List<Path> inputs, boolean sync) {

    /** Library callers that always replace their output, as before these rules (tests, scratch files). */
    public static final OutputRules REPLACE = new OutputRules(true, "", List.of(), true);

    public OutputRules {
        Objects.requireNonNull(forceOption);
        inputs = List.copyOf(inputs);
    }

    /** Rules of a command whose force option is {@code forceOption} (given when {@code force}). */
    public static OutputRules of(boolean force, String forceOption) {
        return new OutputRules(force, forceOption, List.of(), true);
    }

    /** These rules, also refusing to write over any of {@code more}. */
    public OutputRules notOver(Collection<Path> more) {
        List<Path> all = new ArrayList<>(inputs);
        all.addAll(more);
        return new OutputRules(force, forceOption, all, sync);
    }

    public OutputRules notOver(Path... more) {
        return notOver(List.of(more));
    }

    /**
     * Throws the refusal {@link AtomicOutput#create} would throw for {@code target}, without creating
     * anything: for commands that check every output before they start (makedumpfile does).
     */
    public void check(Path target) throws IOException {
        OutputTarget.resolve(target, this);
    }

    /** These rules without the fsync: for outputs that can be regenerated (scenario images). */
    public OutputRules unsynced() {
        return new OutputRules(force, forceOption, inputs, false);
    }
}

package dev.pmemdump.filter.page;

import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.ReadMethod;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One input format's answer to "is this file yours?", as libkdumpfile asks each format in turn: not
 * mine, mine (opened: its pages and what it tells translation), or mine but broken (the error names the
 * file and the offset). Only the first bytes decide "mine"; everything after that is checked on open.
 */
public interface InputProbe {

    /** What a probe says of one file. */
    sealed interface Answer permits NotMine, Mine, Broken {}

    /** The file does not start with this format's signature. */
    record NotMine() implements Answer {}

    /** The file is this format and opened; the caller owns (and closes) the dump. */
    record Mine(ProbedDump dump) implements Answer {}

    /**
     * The file is this format but cannot be read as it: a {@link CorruptInputException}, or an
     * {@link EOFException} when a structure runs past the end of a truncated file. Nothing stays open.
     */
    record Broken(IOException problem) implements Answer {}

    /** Number of leading bytes {@link #claims} looks at (a shorter file is padded with zeros). */
    int HEAD_BYTES = 16;

    /** True when {@code head} starts with this format's signature. */
    boolean claims(byte[] head);

    /**
     * Opens a file whose head this probe claims; a {@link CorruptInputException} or {@link EOFException}
     * means mine but broken.
     */
    ProbedDump open(Path path, ReadMethod method) throws IOException;

    /** Asks this probe about {@code path}, whose first {@link #HEAD_BYTES} are {@code head}. */
    default Answer probe(Path path, byte[] head, ReadMethod method) throws IOException {
        if (!claims(head)) {
            return new NotMine();
        }
        try {
            return new Mine(open(path, method));
        } catch (CorruptInputException | EOFException e) {
            return new Broken(e);
        }
    }
}

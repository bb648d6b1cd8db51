package dev.pmemdump.filter.flat;

import dev.pmemdump.filter.page.InputProbe;
import dev.pmemdump.filter.page.ProbedDump;
import dev.pmemdump.io.CorruptInputException;

import dev.pmemdump.io.ReadMethod;

import java.nio.file.Path;

/** A flattened stream is recognised but never read as a dump: like makedumpfile, it must be rebuilt with -R first. */
public final class FlattenedProbe implements InputProbe {

    @Override
    public boolean claims(byte[] head) {
        return FlattenedReader.isFlattened(head);
    }

    @Override
    public ProbedDump open(Path path, ReadMethod method) throws CorruptInputException {
        throw new CorruptInputException(path.toString(), 0, "is a flattened dump: rebuild it first with -R");
    }
}

package dev.pmemdump.filter.request;

import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Where a filtered dump goes. */
public sealed interface DumpTarget permits DumpTarget.File, DumpTarget.Split, DumpTarget.Flattened {

    /** One dumpfile, written under a temporary name and renamed when complete. */
    record File(Path path) implements DumpTarget {
        public File {
            Objects.requireNonNull(path);
        }
    }

    /**
     * --split: kdump-compressed parts, cut as makedumpfile cuts them.
     *
     * @param splitblockSize bytes per splitblock (--splitblock-size), the unit the parts are cut in
     */
    record Split(List<Path> parts, long splitblockSize) implements DumpTarget {
        /** makedumpfile's DEFAULT_SPLITBLOCK_SIZE. */
        public static final long DEFAULT_SPLITBLOCK_SIZE = 1L << 30;

        public Split {
            parts = List.copyOf(parts);
            if (parts.size() < 2) {
                throw new IllegalArgumentException("--split needs at least two dumpfiles");
            }
        }

        public Split(List<Path> parts) {
            this(parts, DEFAULT_SPLITBLOCK_SIZE);
        }
    }

    /** -F: a flattened stream (standard output for the command line). */
    record Flattened(OutputStream out) implements DumpTarget {
        public Flattened {
            Objects.requireNonNull(out);
        }
    }
}

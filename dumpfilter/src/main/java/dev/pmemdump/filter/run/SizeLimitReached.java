package dev.pmemdump.filter.run;

import java.io.IOException;
import java.nio.file.Path;

/**
 * -L SIZE: the dump reached its size limit. The file stays, cut at the limit and marked incomplete in
 * its header, as makedumpfile leaves it; the run fails.
 */
public final class SizeLimitReached extends IOException {
    private static final long serialVersionUID = 1L;

    SizeLimitReached(Path file, long limit) {
        super("Can't write the dump file(" + file + "). Size limit(" + Long.toUnsignedString(limit) + ") reached.");
    }
}

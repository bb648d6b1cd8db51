package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Path;

/** An input path that is not something the command can read: a directory, a FIFO, a socket. */
public final class InputRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    InputRefusedException(Path path, String problem) {
        super(path + ": " + problem);
    }
}

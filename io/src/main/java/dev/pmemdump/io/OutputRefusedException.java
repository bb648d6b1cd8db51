package dev.pmemdump.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An output path the {@link OutputRules} do not allow: an existing file without the force option, a
 * directory, a block device, a socket, or one of the command's own inputs. Nothing was written.
 */
public final class OutputRefusedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why, for callers that word the refusal their own way (makedumpfile's "File exists"). */
    public enum Reason { EXISTS, NOT_A_FILE, SAME_AS_INPUT, DUPLICATE }

    private final transient Path path;
    private final Reason reason;

    OutputRefusedException(Path path, Reason reason, String problem) {
        super(path + ": " + problem);
        this.path = path;
        this.reason = reason;
    }

    public Path path() {
        return path;
    }

    public Reason reason() {
        return reason;
    }
}

package dev.pmemdump.filter.run;

import dev.pmemdump.filter.level.MessageLevel;
import dev.pmemdump.io.Progress;

import java.io.PrintWriter;
import java.io.Writer;

/**
 * makedumpfile's message levels: common, debug and report messages go to standard output, or to
 * standard error when the dump itself goes to standard output (-F); errors always to standard error.
 */
public final class Console {
    private final PrintWriter info;
    private final PrintWriter err;
    private final int level;

    public Console(PrintWriter out, PrintWriter err, int level, boolean dumpOnStdout) {
        this.info = dumpOnStdout ? err : out;
        this.err = err;
        this.level = level;
    }

    /** A console that prints nothing: for callers that only want the run's result. */
    public static Console silent() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        return new Console(none, none, 0, false);
    }

    public boolean enabled(int bit) {
        return (level & bit) != 0;
    }

    /** Common message (level bit 2). */
    public void msg(String text) {
        print(MessageLevel.COMMON, text);
    }

    /** Debug message (level bit 8). */
    public void debug(String text) {
        print(MessageLevel.DEBUG, text);
    }

    /** Error message (level bit 4). */
    public void error(String text) {
        if (enabled(MessageLevel.ERROR)) {
            err.print(text);
            err.flush();
        }
    }

    /** Where report lines go, or null when the report bit is off. */
    public PrintWriter report() {
        return enabled(MessageLevel.REPORT) ? info : null;
    }

    /** The "Copying data" progress, shown only at the progress level (and only on a terminal). */
    public Progress copyProgress() {
        return enabled(MessageLevel.PROGRESS) ? Progress.onTerminal("Copying data") : Progress.silent();
    }

    private void print(int bit, String text) {
        if (enabled(bit)) {
            info.print(text);
            info.flush();
        }
    }
}

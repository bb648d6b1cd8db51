package dev.pmemdump.filter;

import dev.pmemdump.filter.cli.MakedumpfileArgs;

import java.io.PrintWriter;

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

    public boolean enabled(int bit) {
        return (level & bit) != 0;
    }

    /** Common message (level bit 2). */
    public void msg(String text) {
        print(MakedumpfileArgs.ML_COMMON, text);
    }

    /** Debug message (level bit 8). */
    public void debug(String text) {
        print(MakedumpfileArgs.ML_DEBUG, text);
    }

    /** Error message (level bit 4). */
    public void error(String text) {
        if (enabled(MakedumpfileArgs.ML_ERROR)) {
            err.print(text);
            err.flush();
        }
    }

    /** Where report lines go, or null when the report bit is off. */
    public PrintWriter report() {
        return enabled(MakedumpfileArgs.ML_REPORT) ? info : null;
    }

    public boolean progress() {
        return enabled(MakedumpfileArgs.ML_PROGRESS);
    }

    private void print(int bit, String text) {
        if (enabled(bit)) {
            info.print(text);
            info.flush();
        }
    }
}

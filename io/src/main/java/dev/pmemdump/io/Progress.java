package dev.pmemdump.io;

import java.io.PrintStream;

/**
 * A one-line progress indicator for long runs, like makedumpfile's "Copying data : [ 42.0 %]".
 * It draws only when standard error is a terminal, so pipes and logs stay quiet, and redraws at
 * most every 100 ms.
 */
public final class Progress {
    private final String label;
    private final PrintStream out;
    private final boolean enabled;
    private long lastDraw;

    private Progress(String label, PrintStream out, boolean enabled) {
        this.label = label;
        this.out = out;
        this.enabled = enabled;
    }

    /** Progress on stderr when the process has a terminal, silent otherwise. */
    public static Progress onTerminal(String label) {
        return new Progress(label, System.err, System.console() != null && System.getenv("CI") == null);
    }

    /** Progress that never draws. */
    public static Progress silent() {
        return new Progress("", System.err, false);
    }

    public void update(long done, long total) {
        if (!enabled || total <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        out.printf("\r%-20s: [%5.1f %%]", label, 100.0 * done / total);
        out.flush();
    }

    public void finish() {
        if (enabled) {
            out.printf("\r%-20s: [100.0 %%]%n", label);
            out.flush();
        }
    }
}

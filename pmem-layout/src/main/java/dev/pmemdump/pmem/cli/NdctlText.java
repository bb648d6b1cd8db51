package dev.pmemdump.pmem.cli;

import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ndctl's own stderr conventions: {@code error()} lines ("  Error: ...", then a blank line),
 * {@code usage_with_options()} (exit status 129) and dimm_action's {@code <nmem>} arguments, for an
 * image that holds one DIMM, nmem0.
 */
final class NdctlText {
    /** ndctl exits with this after printing a verb's usage. */
    static final int USAGE_EXIT = 129;
    private static final Pattern DIMM_NAME = Pattern.compile("nmem[0-9]+.*");

    private NdctlText() {}

    static void error(CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("  Error: " + message);
        err.println();
    }

    static void warning(CommandSpec spec, String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("  Warning: " + message);
        err.println();
    }

    /** Prints the verb's usage to stderr; returns ndctl's exit status for it. */
    static int usage(CommandSpec spec) {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE_EXIT;
    }

    /** ndctl's exit status for a negative errno return: the low byte of it. */
    static int errnoExit(int errno) {
        return (256 - errno) & 0xff;
    }

    /** What dimm_action makes of the {@code <nmem>} arguments. */
    enum Dimms { USAGE, NMEM0, NONE }

    /**
     * "all" or "nmem0" select the image's DIMM; any other nmemN selects nothing (the action counts
     * 0); other words are "not a valid dimm name", and when every argument is one, or there is none,
     * ndctl prints its usage.
     */
    static Dimms dimms(CommandSpec spec, List<String> args) {
        if (args == null || args.isEmpty()) {
            return Dimms.USAGE;
        }
        int invalid = 0;
        boolean selected = false;
        for (String a : args) {
            if (a.equals("all") || a.equals("nmem0")) {
                selected = true;
            } else if (!DIMM_NAME.matcher(a).matches()) {
                spec.commandLine().getErr().println("'" + a + "' is not a valid dimm name");
                invalid++;
            }
        }
        if (invalid == args.size()) {
            return Dimms.USAGE;
        }
        return selected ? Dimms.NMEM0 : Dimms.NONE;
    }

    /** "wrote 1 nmem", "zeroed 0 nmem", "successfully verified 2 nmem labels": ndctl's plural rule (> 1). */
    static String count(String verb, int n, String noun) {
        return verb + " " + n + " " + noun + (n > 1 ? "s" : "");
    }
}

package dev.pmemdump.images.kernel;

import dev.pmemdump.pmem.cli.NdctlCommand;
import picocli.CommandLine;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs in the QEMU guest: several {@code pmemdump ndctl} command lines in one JVM, because a JVM
 * start under TCG costs seconds. Arguments are groups separated by {@code +}, each
 * {@code NAME VERB ARGS...}; stdout goes to {@code NAME.out}, stderr to {@code NAME.err}. Stops at
 * the first command that does not exit 0 and exits with its status.
 */
public final class GuestNdctlBatch {
    private GuestNdctlBatch() {}

    public static void main(String[] args) throws IOException {
        List<List<String>> groups = new ArrayList<>(List.of(new ArrayList<>()));
        for (String a : args) {
            if (a.equals("+")) {
                groups.add(new ArrayList<>());
            } else {
                groups.getLast().add(a);
            }
        }
        for (List<String> g : groups) {
            String name = g.getFirst();
            try (PrintWriter out = writer(name + ".out"); PrintWriter err = writer(name + ".err")) {
                CommandLine cl = new CommandLine(new NdctlCommand());
                cl.setOut(out);
                cl.setErr(err);
                cl.setExecutionExceptionHandler((ex, c, p) -> {
                    c.getErr().println(c.getCommandName() + ": " + ex);
                    return 70;
                });
                int rc = cl.execute(g.subList(1, g.size()).toArray(String[]::new));
                if (rc != 0) {
                    System.err.println(name + ": " + String.join(" ", g) + " exited " + rc);
                    System.exit(rc);
                }
            }
        }
        System.err.println("ran " + groups.size() + " commands: " + Arrays.toString(groups.stream().map(List::getFirst).toArray()));
    }

    private static PrintWriter writer(String file) throws IOException {
        return new PrintWriter(new java.io.OutputStreamWriter(new FileOutputStream(file), StandardCharsets.UTF_8), true);
    }
}

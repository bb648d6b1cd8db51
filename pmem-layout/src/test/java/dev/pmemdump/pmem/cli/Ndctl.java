package dev.pmemdump.pmem.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code pmemdump ndctl ...} in-process for tests. */
public final class Ndctl {
    private Ndctl() {}

    /** Exit status, stdout and stderr of one run. */
    public record Result(int exit, String out, String err) {}

    public static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new NdctlCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            c.getErr().println(c.getCommandName() + ": " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 65;
        });
        int rc = cl.execute(args);
        return new Result(rc, out.toString(), err.toString());
    }

    /** The recorded output of a fixture file: without the "$ command" line and the "[rc=N]" trailer. */
    public static String recorded(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("$ ") || line.startsWith("[rc=") || line.equals("read 1 nmem")) {
                continue;
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }
}

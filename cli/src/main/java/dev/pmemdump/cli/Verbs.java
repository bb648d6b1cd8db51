package dev.pmemdump.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** Every verb of {@code pmemdump} through picocli's model of {@link PmemdumpCommand}. */
final class Verbs {
    private Verbs() {}

    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new PmemdumpCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        return cl.execute(args);
    }
}

package dev.pmemdump.cli;

import picocli.CommandLine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;

/** Entry point of the {@code pmemdump} tool. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Not System.out: a PrintStream hides write errors even from checkError() of a writer on it.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                System.out.charset()), true);
        System.exit(run(out, new PrintWriter(System.err, true), args));
    }

    /** Runs one command line in-process with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new PmemdumpCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setExitCodeExceptionMapper(ErrorHandler::exitCode);
        try {
            int status = cl.execute(args);
            if (out.checkError()) {
                // a closed pipe or a full device: what was printed is lost, so the run failed
                err.println("pmemdump: standard output: write error (closed pipe or device full)");
                return status == 0 ? 74 : status;
            }
            return status;
        } finally {
            out.flush();
            err.flush();
        }
    }
}

package dev.pmemdump.cli;

import dev.pmemdump.filter.cli.Makedumpfile;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Entry point of the {@code pmemdump} tool. The filter ({@code makedumpfile}, which parses its own
 * command line) and {@code --version} run without picocli: building picocli's model of every verb
 * costs more than the JVM's own start-up, and a capture waits for it.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Not System.out: a PrintStream hides write errors even from checkError() of a writer on it.
        PrintWriter out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                System.out.charset()), true);
        int status = run(out, new PrintWriter(System.err, true), args);
        if (status != 0) {
            System.exit(status);
        }
        // Success ends as main returns (every thread pmemdump starts is a daemon): System.exit would
        // first look up a System.Logger for its exit event, tens of milliseconds of class loading.
    }

    /** Runs one command line in-process with the given streams; returns the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            int status = dispatch(out, err, args);
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

    private static int dispatch(PrintWriter out, PrintWriter err, String... args) {
        if (args.length > 0 && args[0].equals("makedumpfile")) {
            try {
                return new Makedumpfile(Arrays.asList(args).subList(1, args.length),
                        new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out)).run(out, err);
            } catch (RuntimeException e) {
                return Failure.report("makedumpfile", e, err);
            }
        }
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            for (String line : versionLines()) {
                out.println(line);
            }
            return 0;
        }
        return Verbs.run(out, err, args);
    }

    /** What {@code pmemdump --version} prints, a line an element: the jar's version and the Java runtime. */
    static String[] versionLines() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"pmemdump " + (v == null ? "(development build)" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}

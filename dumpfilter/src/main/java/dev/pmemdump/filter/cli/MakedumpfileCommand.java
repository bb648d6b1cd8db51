package dev.pmemdump.filter.cli;

import dev.pmemdump.filter.Console;
import dev.pmemdump.filter.DumpFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pmemdump makedumpfile [options] VMCORE DUMPFILE}: a drop-in for the makedumpfile command
 * lines kdump scripts run. The arguments are parsed as makedumpfile parses them (not by picocli),
 * so that unknown options, messages and exit codes (0 completed, 1 failed) match it.
 */
@Command(name = "makedumpfile",
        description = "Filter and compress a crash dump like makedumpfile 1.7.2, keeping pmem metadata and never "
                + "pmem user data. See dumpfilter/USAGE.md.")
public final class MakedumpfileCommand implements Callable<Integer> {
    public static final int COMPLETED = 0;
    public static final int FAILED = 1;

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> argv = new ArrayList<>();

    private final InputStream stdin;
    private final OutputStream stdout;

    public MakedumpfileCommand() {
        this(new FileInputStream(FileDescriptor.in), new FileOutputStream(FileDescriptor.out));
    }

    /** With explicit binary streams for -F / -R (tests). */
    public MakedumpfileCommand(InputStream stdin, OutputStream stdout) {
        this.stdin = stdin;
        this.stdout = stdout;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (MakedumpfileArgs.wantsHelp(argv)) {
            out.print(USAGE);
            out.flush();
            return COMPLETED;
        }
        MakedumpfileArgs args;
        try {
            args = MakedumpfileArgs.parse(argv);
        } catch (MakedumpfileArgs.InvalidCommandLine e) {
            if (e.badValue()) {
                err.println(e.getMessage());
            } else {
                err.println("makedumpfile: " + e.getMessage());
                err.print("Commandline parameter is invalid.\nTry `makedumpfile --help' for more information.\n");
            }
            err.print("\nmakedumpfile Failed.\n");
            err.flush();
            return FAILED;
        }
        Console console = new Console(out, err, args.messageLevel(), args.flatten());
        console.debug("command line: makedumpfile " + String.join(" ", argv) + "\n");
        try {
            new DumpFilter(args, console, stdin, stdout).run();
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            console.error(describe(e) + "\n");
            err.print("\nmakedumpfile Failed.\n");
            err.flush();
            return FAILED;
        }
        console.msg("\nmakedumpfile Completed.\n");
        return COMPLETED;
    }

    private static String describe(Throwable t) {
        if (t instanceof UncheckedIOException u) {
            t = u.getCause();
        }
        if (t instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied";
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    static final String USAGE = """
            Usage:
              pmemdump makedumpfile [-c|-l|-p|-z|-E] [-d DL] [-F] [--num-threads N] [--message-level ML]
                                    [--json-report FILE] [--html-report FILE] [--pmem-infoblock PATH]...
                                    VMCORE DUMPFILE
              pmemdump makedumpfile -F [options] VMCORE > FLATTENED
              pmemdump makedumpfile -R DUMPFILE < FLATTENED
              pmemdump makedumpfile --split [options] VMCORE DUMPFILE1 DUMPFILE2 [DUMPFILE3 ...]

            Options:
              -d DL   dump level, sum of: 1 zero pages, 2 non-private cache, 4 private cache, 8 user data,
                      16 free pages, 32 pmem metadata (pmem user data is always excluded)
              -c, -l, -p, -z
                      compress pages with zlib, lzo, snappy or zstd (kdump-compressed format)
              -E      ELF output
              -F      flattened format to standard output; -R rebuilds a dumpfile from it
              --split several kdump-compressed files, each with part of the pages
              --num-threads N   compress with N threads
              --message-level ML  1 progress, 2 common, 4 error, 8 debug, 16 report (default 7)
              --json-report FILE  the report's figures as JSON
              --html-report FILE  the run as an HTML page: address map by page class, hashes, counts, timings
              --pmem-infoblock PATH  a pmem namespace image or device whose info block bounds the metadata
              -f      force
            """;
}

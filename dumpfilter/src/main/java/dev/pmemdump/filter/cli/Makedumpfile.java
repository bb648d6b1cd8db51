package dev.pmemdump.filter.cli;

import dev.pmemdump.filter.memusage.LiveSystem;
import dev.pmemdump.filter.memusage.MemUsage;
import dev.pmemdump.filter.run.Console;
import dev.pmemdump.filter.run.Filter;
import dev.pmemdump.filter.run.SizeLimitReached;
import dev.pmemdump.io.InputFiles;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.io.OutputSet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code makedumpfile [options] VMCORE DUMPFILE}, run as makedumpfile runs it: a drop-in for the
 * command lines kdump scripts run. The arguments are parsed as makedumpfile parses them (not by
 * picocli), so that unknown options, messages and exit codes (0 completed, 1 failed) match it. Free of
 * picocli, so that the installed {@code sbin/makedumpfile} starts without building the verbs' model;
 * {@link MakedumpfileCommand} is the same command as a picocli verb of {@code pmemdump}.
 */
public final class Makedumpfile {
    public static final int COMPLETED = 0;
    public static final int FAILED = 1;

    private final List<String> argv;
    private final InputStream stdin;
    private final OutputStream stdout;

    /** argv: the arguments after the command name; stdin, stdout: the binary streams of -F and -R. */
    public Makedumpfile(List<String> argv, InputStream stdin, OutputStream stdout) {
        this.argv = List.copyOf(argv);
        this.stdin = stdin;
        this.stdout = stdout;
    }

    /** Runs the command line; out and err are the text streams. Returns the exit status. */
    public int run(PrintWriter out, PrintWriter err) {
        MakedumpfileArgs args;
        try {
            args = MakedumpfileArgs.parse(argv);
        } catch (MakedumpfileArgs.InvalidCommandLine e) {
            return refuse(e, out, err);
        }
        switch (args.action()) {
            case HELP -> out.print(USAGE);
            case VERSION -> out.print(version());
            case CHECK_PARAMS -> { } // mkdumprd's question: is this command line right? Nothing is read.
            case RUN -> {
                return run(args, out, err);
            }
        }
        out.flush();
        return COMPLETED;
    }

    private int run(MakedumpfileArgs args, PrintWriter out, PrintWriter err) {
        Console console = new Console(out, err, args.messageLevel(), args.flatten());
        if (args.memUsage()) {
            return MemUsage.command(args, LiveSystem.current(), console);
        }
        console.debug("command line: makedumpfile " + String.join(" ", argv) + "\n");
        OutputRules rules = OutputRules.of(args.force(), "-f").notOver(args.inputs());
        try (OutputSet outputs = new OutputSet(rules)) {
            checkFiles(args, rules);
            try {
                Filter.run(args.toRequest(stdin, stdout), console, outputs);
            } catch (SizeLimitReached e) {
                // makedumpfile keeps the dump it cut at -L SIZE, marked incomplete, and fails
                outputs.commit();
                console.msg(e.report());
                return failed(console);
            }
            outputs.commit();
        } catch (FileAlreadyExistsException e) {
            console.error("check_dump_file: Can't open the dump file (" + e.getFile() + "). File exists\n");
            return failed(console);
        } catch (IOException | UncheckedIOException | IllegalArgumentException | UnsupportedOperationException e) {
            console.error(describe(e) + "\n");
            return failed(console);
        } catch (OutOfMemoryError e) {
            // Unwound to here, the heap is free again: say it in one line as any other failure.
            console.error("makedumpfile: out of memory (Java heap limit " + (Runtime.getRuntime().maxMemory() >> 20)
                    + " MiB)\n");
            return failed(console);
        }
        console.msg("\nmakedumpfile Completed.\n");
        return COMPLETED;
    }

    /**
     * Up front, as makedumpfile's check_dump_file() does: without -f any existing output path is
     * refused, a device node too; with -f the io rules still keep inputs and directories safe.
     */
    private static void checkFiles(MakedumpfileArgs args, OutputRules rules) throws IOException {
        for (Path in : args.inputs()) {
            InputFiles.check(in);
        }
        for (Path out : args.outputs()) {
            if (!args.force() && Files.exists(out)) {
                throw new FileAlreadyExistsException(out.toString());
            }
            rules.check(out);
        }
    }

    /** makedumpfile's words for a refused command line. */
    private static int refuse(MakedumpfileArgs.InvalidCommandLine e, PrintWriter out, PrintWriter err) {
        Console console = new Console(out, err, e.messageLevel(), e.flatten());
        switch (e.kind()) {
            case GETOPT -> { // getopt's own line is not one of makedumpfile's messages
                err.print("makedumpfile: " + e.getMessage() + "\n");
                err.flush();
                console.msg(INVALID);
            }
            case PARAMETERS -> console.msg((e.getMessage().isEmpty() ? "" : e.getMessage() + "\n") + INVALID);
            case VALUE -> console.msg(e.getMessage() + "\n");
            case REFUSED -> {
                err.print(e.getMessage() + "\n");
                err.flush();
            }
        }
        return e.checkParams() ? FAILED : failed(console);
    }

    /** makedumpfile's last line of a failed run: a common message (standard output, standard error with -F). */
    private static int failed(Console console) {
        console.msg("\nmakedumpfile Failed.\n");
        return FAILED;
    }

    /** makedumpfile -v: its version line (pmemdump named in it) and the page codecs it writes. */
    static String version() {
        String v = Makedumpfile.class.getPackage().getImplementationVersion();
        return "makedumpfile: version 1.7.2 (pmemdump " + (v == null ? "development build" : v)
                + ", compatible with makedumpfile 1.7.2 released on 20 Oct 2022)\n"
                + "lzo\tenabled\nsnappy\tenabled\nzstd\tenabled\n\n";
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

    private static final String INVALID =
            "Commandline parameter is invalid.\nTry `makedumpfile --help' for more information.\n";

    static final String USAGE = """
            Usage:
              pmemdump makedumpfile [-c|-l|-p|-z|-E] [-d DL] [-F] [--num-threads N] [--message-level ML]
                                    [--json-report FILE] [--html-report FILE] [--pmem-infoblock PATH]...
                                    VMCORE DUMPFILE
              pmemdump makedumpfile -F [options] VMCORE > FLATTENED
              pmemdump makedumpfile -R DUMPFILE < FLATTENED
              pmemdump makedumpfile --split [options] VMCORE DUMPFILE1 DUMPFILE2 [DUMPFILE3 ...]
              pmemdump makedumpfile --reassemble DUMPFILE1 DUMPFILE2 [DUMPFILE3 ...] DUMPFILE
              pmemdump makedumpfile --dump-dmesg [--partial-dmesg] VMCORE LOGFILE
              pmemdump makedumpfile --dump-dmesg [--partial-dmesg] -F VMCORE > LOGFILE
              pmemdump makedumpfile --mem-usage /proc/kcore
              pmemdump makedumpfile --check-params [options] VMCORE DUMPFILE
              pmemdump makedumpfile -v | -h

            Options:
              -d DL   dump level, sum of: 1 zero pages, 2 non-private cache, 4 private cache, 8 user data,
                      16 free pages, 32 pmem metadata (pmem user data is always excluded); read as
                      makedumpfile reads it (C atoi: -d 0x1f is 0, not 31)
              -c, -l, -p, -z
                      compress pages with zlib, lzo, snappy or zstd (kdump-compressed format)
              -E      ELF output
              -F      flattened format to standard output; -R rebuilds a dumpfile from it
              --split several kdump-compressed files, each with part of the pages
              --splitblock-size KIB  --split cuts in blocks of this many KiB of pages (default 1 GiB)
              --reassemble      join the files of --split into one dumpfile
              --num-threads N   compress with N threads (0: none; more than 256: 256)
              --message-level ML  1 progress, 2 common, 4 error, 8 debug, 16 report (default 7)
              -D, --show-stats  add debug (8) or report (16) messages
              --check-params    check the command line as makedumpfile does and exit (0: valid); reads nothing
              --partial-dmesg   with --dump-dmesg: only the log since the last dmesg -c (clear_seq)
              --mem-usage       on a live system with memory reserved for a crash kernel: the pages of
                                /proc/kcore by class at dump level 31 (makedumpfile's table)
              -v      version and the page codecs pmemdump writes
              --json-report FILE  the report's figures as JSON
              --html-report FILE  the run as an HTML page: address map by page class, hashes, counts, timings
              --pmem-infoblock PATH  a pmem namespace image or device whose info block bounds the metadata
              -f      force
              --dry-run         do everything but write the dump (an existing DUMPFILE is still refused)
              -L SIZE           stop writing the dump at SIZE bytes: it is kept, marked incomplete; exit 1
                              (--split: each part on its own, all marked; -F: the stream ends at SIZE)

            Accepted, without effect (they tune makedumpfile's own memory; pmemdump's is bounded by its
            design and by the heap cap of its launcher):
              --cyclic-buffer KIB, --work-dir DIR, --non-mmap, -b ORDER

            Refused (pmemdump does not do what they ask): -x, -i, -g, --config, --eppic, -e, -X, --vtop,
            --diskset, --xen-syms, --xen-vmcoreinfo, --xen_phys_start.
            """;
}

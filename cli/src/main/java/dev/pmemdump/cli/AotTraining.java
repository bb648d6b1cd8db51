package dev.pmemdump.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The run that trains the installed tree's AOT cache. The JVM records one process, so this one runs,
 * in turn, every command line a capture or its setup runs, on a scenario's vmcore: the cache then
 * holds the classes of each path loaded and linked, and their profiles. Run by scripts/install with
 * the launcher's JVM options plus {@code -XX:AOTCacheOutput}: {@code AotTraining VMCORE WORKDIR}
 * (the filter's text and -F stream go to standard output).
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: AotTraining VMCORE WORKDIR");
            System.exit(2);
        }
        String vmcore = args[0];
        Path work = Path.of(args[1]);
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        for (List<String> commandLine : commandLines(vmcore, work)) {
            int status = Main.run(out, err, commandLine.toArray(String[]::new));
            if (status != 0) {
                err.println("AotTraining: exit status " + status + " of " + String.join(" ", commandLine));
                System.exit(1);
            }
            try (var files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    /**
     * What kdump setups run (Fedora's core_collector -l, Debian's -F -c, mkdumprd's --check-params and
     * -v), the other output formats, and pmemdump's own --version. Not --dump-dmesg: a scenario's
     * kernel has no log.
     */
    static List<List<String>> commandLines(String vmcore, Path work) {
        String dump = work.resolve("dump").toString();
        return List.of(
                List.of("--version"),
                List.of("makedumpfile", "-v"),
                List.of("makedumpfile", "--check-params", "-l", "--message-level", "7", "-d", "31", vmcore, dump),
                List.of("makedumpfile", "-l", "--message-level", "7", "-d", "31", vmcore, dump),
                List.of("makedumpfile", "-c", "-d", "31", vmcore, dump),
                List.of("makedumpfile", "-E", "-d", "31", vmcore, dump),
                List.of("makedumpfile", "-F", "-c", "-d", "31", vmcore));
    }
}

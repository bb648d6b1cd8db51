package dev.pmemdump.filter.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code pmemdump makedumpfile [options] VMCORE DUMPFILE}: {@link Makedumpfile} as a picocli verb,
 * so that it has its place in pmemdump's help, man page and completion. Picocli passes every
 * argument through unparsed.
 */
@Command(name = "makedumpfile",
        description = "Filter and compress a crash dump like makedumpfile 1.7.2, keeping pmem metadata and never "
                + "pmem user data. See dumpfilter/USAGE.md.")
public final class MakedumpfileCommand implements Callable<Integer> {
    CommandSpec spec;

    /**
     * Injected when the model is built, before any parsing: "--" must reach makedumpfile's own
     * parser, which ends options there (picocli would swallow it).
     */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.parser().endOfOptionsDelimiter("\0");
    }

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
        return new Makedumpfile(argv, stdin, stdout).run(spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}

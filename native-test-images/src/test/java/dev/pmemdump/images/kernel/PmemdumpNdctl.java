package dev.pmemdump.images.kernel;

import dev.pmemdump.pmem.cli.NdctlCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code pmemdump ndctl ARGS} run in-process: what it prints on stdout, after it exited 0. */
final class PmemdumpNdctl {
    private PmemdumpNdctl() {}

    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new NdctlCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        assertEquals(0, rc, () -> "pmemdump ndctl " + String.join(" ", args) + " exited " + rc + ": " + err);
        return out.toString();
    }
}

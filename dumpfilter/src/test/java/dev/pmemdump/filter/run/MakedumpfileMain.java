package dev.pmemdump.filter.run;

import dev.pmemdump.filter.cli.MakedumpfileCommand;
import picocli.CommandLine;

/** {@code makedumpfile ARGS} as a program of its own, for tests that run it in a JVM with a small heap. */
public final class MakedumpfileMain {
    private MakedumpfileMain() {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new MakedumpfileCommand(System.in, System.out)).execute(args));
    }
}

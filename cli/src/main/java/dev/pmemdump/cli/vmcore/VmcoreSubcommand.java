package dev.pmemdump.cli.vmcore;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** A command that opens VMCORE (its first positional), runs, and closes the mapping whatever happens. */
abstract class VmcoreSubcommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin VmcoreArgs args;

    @Override
    public final Integer call() throws Exception {
        validate();
        try (VmcoreFile f = args.open()) {
            return run(f, spec.commandLine().getOut());
        }
    }

    /** Checks options that need no file; runs before VMCORE is opened. */
    void validate() {
    }

    abstract int run(VmcoreFile vmcore, PrintWriter out) throws Exception;
}

package dev.pmemdump.pmem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code pmemdump ndctl <verb> --image FILE}: ndctl's namespace verbs applied to an image file. */
@Command(name = "ndctl", mixinStandardHelpOptions = true,
        description = "ndctl-compatible namespace management on region images (QEMU NVDIMM or legacy e820).",
        subcommands = {InitLabelsCommand.class, CreateNamespaceCommand.class, DestroyNamespaceCommand.class,
                ListCommand.class, ReadLabelsCommand.class, CheckNamespaceCommand.class, CreateImageCommand.class})
public final class NdctlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}

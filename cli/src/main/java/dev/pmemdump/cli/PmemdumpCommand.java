package dev.pmemdump.cli;

import picocli.CommandLine.Command;

/**
 * The top-level {@code pmemdump} command. Each module owns its own verbs; this class only gathers
 * them, so the dependency arrows point from here to the modules and never back.
 */
@Command(name = "pmemdump",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Linux crash dumps of persistent memory: pmem namespaces, VMCOREINFO, kexec load plans, "
                + "a makedumpfile-compatible filter and verifiable test scenarios.",
        subcommands = {
                dev.pmemdump.pmem.cli.NdctlCommand.class,
                dev.pmemdump.filter.cli.MakedumpfileCommand.class,
                dev.pmemdump.cli.vmcore.VmcoreinfoCommand.class,
                dev.pmemdump.cli.vmcore.NotesCommand.class,
                dev.pmemdump.loadplan.cli.LoadplanCommand.class,
                dev.pmemdump.images.cli.ImageCommand.class,
                dev.pmemdump.cli.verify.VerifyCommand.class,
        },
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success",
                "1:a check failed (verify, check-namespace)",
                "2:bad command line",
                "65:corrupt input (the message names file and offset)",
                "66:input file missing or not readable as a file (directory, FIFO)",
                "73:output refused (exists without the force option, an input, a directory)",
                "74:I/O error"})
public final class PmemdumpCommand {
}

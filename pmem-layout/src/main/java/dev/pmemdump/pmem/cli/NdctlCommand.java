package dev.pmemdump.pmem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code pmemdump ndctl <verb> --image FILE}: ndctl's namespace verbs applied to an image file. */
@Command(name = "ndctl", mixinStandardHelpOptions = true, versionProvider = NdctlCommand.Version.class,
        description = "ndctl-compatible namespace management on region images (QEMU NVDIMM or legacy e820).",
        subcommands = {InitLabelsCommand.class, CreateNamespaceCommand.class, DestroyNamespaceCommand.class,
                ListCommand.class, ReadLabelsCommand.class, CheckNamespaceCommand.class, CreateImageCommand.class,
                WriteLabelsCommand.class, ZeroLabelsCommand.class, CheckLabelsCommand.class,
                ReadInfoblockCommand.class, WriteInfoblockCommand.class, NdctlCommand.VersionCommand.class})
public final class NdctlCommand implements Callable<Integer> {
    /** The ndctl release whose behaviour the verbs follow, as {@code ndctl --version} prints it. */
    public static final String NDCTL_VERSION = "76.1";

    /** ndctl 76's verbs that act on a live kernel bus only (DIMM state, firmware, security, scrub). */
    private static final Set<String> BUS_ONLY_VERBS = Set.of("enable-namespace", "disable-namespace",
            "clear-errors", "enable-region", "disable-region", "enable-dimm", "disable-dimm", "inject-error",
            "update-firmware", "inject-smart", "wait-scrub", "activate-firmware", "start-scrub",
            "setup-passphrase", "update-passphrase", "remove-passphrase", "freeze-security", "sanitize-dimm",
            "load-keys", "wait-overwrite", "monitor");

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> unmatched = new ArrayList<>();

    @Override
    public Integer call() {
        if (unmatched.isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
        String verb = unmatched.getFirst();
        if (BUS_ONLY_VERBS.contains(verb)) {
            spec.commandLine().getErr().println("ndctl " + verb + ": needs a kernel nvdimm bus; an image has none");
        } else {
            // ndctl's own message and status for a verb it does not know.
            spec.commandLine().getErr().println("Unknown command: '" + verb + "'");
        }
        return 1;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {NDCTL_VERSION};
        }
    }

    /** {@code ndctl version}. */
    @Command(name = "version", description = "Print the ndctl version these verbs follow.")
    static final class VersionCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().println(NDCTL_VERSION);
            return 0;
        }
    }
}

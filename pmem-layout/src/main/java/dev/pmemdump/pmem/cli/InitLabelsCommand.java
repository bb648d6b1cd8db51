package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.Region;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ndctl init-labels [nmem0|all] [-V 1.1|1.2] [-f]}. */
@Command(name = "init-labels",
        description = "Write fresh namespace index blocks (all label slots free) to the image's label area.")
final class InitLabelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ImageOptions img;
    @Mixin
    HelpOption help;

    @Option(names = {"-v", "--verbose"}, description = "Say which mapping the image got (DAX, device-dax or page cache).")
    boolean verbose;

    @Parameters(arity = "0..1", paramLabel = "nmem0|all", description = "The DIMM (an image has one: nmem0).")
    String dimm;

    @Option(names = {"-V", "--label-version"}, defaultValue = "1.1", description = "Label version 1.1 or 1.2 (default 1.1).")
    String version;

    @Option(names = {"-f", "--force"}, description = "Overwrite labels that are already initialized.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (dimm != null && !dimm.equals("nmem0") && !dimm.equals("all")) {
            throw new IllegalArgumentException("dimm '" + dimm + "' not found (an image holds nmem0)");
        }
        try (MappedImage m = img.map(true, verbose, spec.commandLine().getErr())) {
            Region r = img.open(m);
            if (r.labels() != null && !force) {
                spec.commandLine().getErr().println("nmem0: error: labels already initialized, use --force to overwrite");
                spec.commandLine().getErr().println("initialized 0 nmem");
                return 1;
            }
            r.initLabels(version);
        }
        spec.commandLine().getErr().println("initialized 1 nmem");
        return 0;
    }
}

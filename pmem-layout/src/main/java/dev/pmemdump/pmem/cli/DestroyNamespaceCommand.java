package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.Region;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code ndctl destroy-namespace <namespace|all> [-f]}. */
@Command(name = "destroy-namespace", mixinStandardHelpOptions = true,
        description = "Zero a namespace's info blocks and free its labels.")
final class DestroyNamespaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ImageOptions img;
    @Option(names = {"-v", "--verbose"}, description = "Say which mapping the image got (DAX, device-dax or page cache).")
    boolean verbose;

    @Parameters(paramLabel = "<namespace>|all")
    String target;
    @Option(names = {"-r", "--region"})
    String region;
    @Option(names = {"-f", "--force"}, description = "Destroy even though the namespace is active.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        ImageOptions.checkRegion(region);
        int destroyed = 0, refused = 0;
        try (MappedImage m = img.map(true, verbose, spec.commandLine().getErr())) {
            Region r = img.open(m);
            List<Namespace> victims = target.equals("all") ? r.namespaces() : List.of(r.namespace(target));
            for (Namespace n : victims) {
                if (!force) {
                    spec.commandLine().getErr().println(n.dev() + " is active, specify --force for re-configuration");
                    refused++;
                    continue;
                }
                // Names shift after each destroy: look the namespace up again by its place.
                Namespace now = r.namespaces().stream().filter(x -> x.offset() == n.offset()).findFirst().orElseThrow();
                r.destroy(now);
                destroyed++;
            }
        }
        spec.commandLine().getErr().println("destroyed " + destroyed + " namespace" + (destroyed == 1 ? "" : "s"));
        return refused > 0 ? 1 : 0;
    }
}

package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.pmem.MapLocation;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.NamespaceSpec;
import dev.pmemdump.pmem.Region;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code ndctl create-namespace}: prints the new namespace as ndctl does. */
@Command(name = "create-namespace", mixinStandardHelpOptions = true,
        description = "Provision a namespace (or reconfigure one with -e) and print it as JSON.")
final class CreateNamespaceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ImageOptions img;
    @Option(names = {"-v", "--verbose"}, description = "Say which mapping the image got (DAX, device-dax or page cache).")
    boolean verbose;

    @Option(names = {"-r", "--region"}, description = "Region (region0).")
    String region;
    @Option(names = {"-m", "--mode"}, description = "fsdax (default), devdax, sector or raw.")
    String mode;
    @Option(names = {"-M", "--map"}, description = "mem or dev (default dev): where the struct pages live.")
    String map;
    @Option(names = {"-s", "--size"}, description = "Namespace size (default: largest free extent).")
    String size;
    @Option(names = {"-a", "--align"}, description = "pfn/dax alignment (default 2M).")
    String align;
    @Option(names = {"-n", "--name"}, description = "Free-form namespace name.")
    String name;
    @Option(names = {"-u", "--uuid"}, description = "Namespace uuid (default: random).")
    String uuid;
    @Option(names = {"-l", "--sector-size"}, description = "Logical sector size (sector default 4096, else 512).")
    String sectorSize;
    @Option(names = {"-e", "--reconfig"}, paramLabel = "NAMESPACE", description = "Reconfigure this namespace.")
    String reconfig;
    @Option(names = {"-f", "--force"}, description = "Reconfigure even though the namespace is active.")
    boolean force;
    @Option(names = {"-t", "--type"}, defaultValue = "pmem", description = "pmem (blk is not emulated).")
    String type;

    @Override
    public Integer call() throws Exception {
        ImageOptions.checkRegion(region);
        if (!type.equals("pmem")) {
            throw new IllegalArgumentException("invalid type '" + type + "': only pmem regions are emulated");
        }
        NamespaceSpec s = NamespaceSpec.of(mode == null ? Mode.FSDAX : Mode.parse(mode))
                .withMap(map == null ? null : MapLocation.parse(map))
                .withSize(size == null ? 0 : MemParse.parse(size))
                .withAlign(align == null ? 0 : MemParse.parse(align))
                .withName(name)
                .withUuid(uuid == null ? null : UUID.fromString(uuid))
                .withSectorSize(sectorSize == null ? 0 : MemParse.parse(sectorSize));
        Namespace created;
        try (MappedImage m = img.map(true, verbose, spec.commandLine().getErr())) {
            Region r = img.open(m);
            if (reconfig != null) {
                Namespace old = r.namespace(reconfig);
                if (!force) {
                    throw new IllegalArgumentException(old.dev() + " is active, specify --force for re-configuration");
                }
                created = r.reconfigure(old, s);
            } else {
                created = r.create(s);
            }
        }
        boolean human = System.console() != null && System.console().isTerminal();
        spec.commandLine().getOut().println(JsonC.pretty(
                NdctlJson.namespace(created, new NdctlJson.Flags(false, human, true))));
        return 0;
    }
}

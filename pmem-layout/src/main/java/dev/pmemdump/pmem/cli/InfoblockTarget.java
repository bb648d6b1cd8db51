package dev.pmemdump.pmem.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * What the info block verbs act on: a namespace of the image (or "all"), narrowed by {@code -b} and
 * {@code -r} to the image's one bus and region; without a namespace, a plain file instead.
 */
final class InfoblockTarget {
    @Mixin
    ImageOptions img;
    @Mixin
    HelpOption help;

    @Parameters(arity = "0..*", paramLabel = "<namespace>|all")
    List<String> args = new ArrayList<>();
    @Option(names = {"-b", "--bus"}, paramLabel = "bus-id", description = "Limit to this bus (ndbus0, all).")
    String bus;
    @Option(names = {"-r", "--region"}, paramLabel = "region-id", description = "Limit to this region (region0, all).")
    String region;
    @Option(names = {"-v", "--verbose"}, description = "Accepted for compatibility.")
    boolean verbose;

    /** Whether the image's bus and region pass the filters. */
    boolean matchesImage() {
        return (bus == null || bus.equals("all") || bus.equals("ndbus0"))
                && (region == null || region.equals("all") || region.equals("region0") || region.equals("0"));
    }

    /** Whether {@code dev} is the namespace named (or "all" were named). */
    boolean selects(String dev) {
        return args.getFirst().equals("all") || args.getFirst().equals(dev);
    }

    /** The arguments after the namespace, which ndctl reports one by one as errors. */
    List<String> extra() {
        return args.subList(Math.min(1, args.size()), args.size());
    }
}

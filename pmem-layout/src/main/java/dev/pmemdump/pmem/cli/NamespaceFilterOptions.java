package dev.pmemdump.pmem.cli;

import picocli.CommandLine.Option;

/** {@code -b}, {@code -r} and {@code -v} of the info block verbs, for an image's one bus and region. */
final class NamespaceFilterOptions {
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
}

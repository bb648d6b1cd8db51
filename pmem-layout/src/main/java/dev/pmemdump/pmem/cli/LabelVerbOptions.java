package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.RegionLayout;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What the label-area verbs (write-labels, zero-labels, check-labels) share: the {@code <nmem>}
 * arguments, the image, {@code -b} and {@code -v}, and the extent {@code -s}/{@code -O} select.
 */
final class LabelVerbOptions {
    @Mixin
    ImageOptions img;
    @Mixin
    HelpOption help;

    @Parameters(arity = "0..*", paramLabel = "nmem0|all", description = "The DIMM (an image holds nmem0).")
    List<String> dimms = new ArrayList<>();
    @Option(names = {"-b", "--bus"}, paramLabel = "bus-id",
            description = "<nmem> must be on a bus with this id or provider (ndbus0, ACPI.NFIT, all).")
    String bus;
    @Option(names = {"-v", "--verbose"}, description = "Say why a check failed.")
    boolean verbose;

    /** dimm_action's reading of the arguments and {@code -b}: usage, the image's nmem0, or nothing. */
    NdctlText.Dimms select(CommandSpec spec) {
        NdctlText.Dimms d = NdctlText.dimms(spec, dimms);
        boolean busMatches = bus == null || bus.equals("all") || bus.equals("ndbus0") || bus.equals("0")
                || bus.equals("ACPI.NFIT");
        return d == NdctlText.Dimms.NMEM0 && !busMatches ? NdctlText.Dimms.NONE : d;
    }

    /** The label storage area of an nvdimm image. */
    MemorySegment labelArea(MappedImage m) throws IOException {
        RegionLayout layout = img.regionLayout();
        if (!layout.hasLabels()) {
            throw new IllegalArgumentException("a legacy e820 image has no label area");
        }
        return m.slice(layout.labelOffset(m.size()), layout.labelSize(), "label storage area");
    }
}

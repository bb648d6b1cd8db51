package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Callable;

/** {@code ndctl zero-labels <nmem0|all> [-s SIZE] [-O OFFSET]}: zero (part of) the label area. */
@Command(name = "zero-labels", description = "Zero the label storage area (or -s bytes from -O) of nmem0.")
final class ZeroLabelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LabelVerbOptions o;
    @Mixin
    LabelExtentOptions extent;

    @Override
    public Integer call() throws Exception {
        NdctlText.Dimms d = o.select(spec);
        if (d == NdctlText.Dimms.USAGE) {
            return NdctlText.usage(spec);
        }
        int zeroed = 0;
        boolean failed = false;
        if (d == NdctlText.Dimms.NMEM0) {
            try (MappedImage m = o.img.map(true)) {
                MemorySegment lsa = o.labelArea(m);
                long[] e = extent.extent(lsa.byteSize());
                if (e == null) {
                    failed = true;
                } else {
                    lsa.asSlice(e[0], e[1]).fill((byte) 0);
                    m.force();
                    zeroed++;
                }
            }
        }
        spec.commandLine().getErr().println(NdctlText.count("zeroed", zeroed, "nmem"));
        return failed ? 1 : 0;
    }
}

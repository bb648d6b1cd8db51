package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.LabelArea;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code ndctl check-labels <nmem0|all>}: is there a valid namespace index block? As libndctl
 * checks it: signature, label size, checksum, sequence, offsets, size and slot count of each copy;
 * one valid copy is enough. Exit 1 when the area has none.
 */
@Command(name = "check-labels", description = "Verify that nmem0's label area has a valid index block.")
final class CheckLabelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LabelVerbOptions o;

    @Override
    public Integer call() throws Exception {
        NdctlText.Dimms d = o.select(spec);
        if (d == NdctlText.Dimms.USAGE) {
            return NdctlText.usage(spec);
        }
        int verified = 0;
        boolean failed = false;
        if (d == NdctlText.Dimms.NMEM0) {
            try (MappedImage m = o.img.map(false)) {
                if (LabelArea.hasValidIndex(o.labelArea(m))) {
                    verified++;
                } else {
                    failed = true;
                    if (o.verbose) {
                        spec.commandLine().getErr().println("nmem0: no valid namespace index block");
                    }
                }
            }
        }
        spec.commandLine().getErr().println(NdctlText.count("successfully verified", verified, "nmem label"));
        return failed ? 1 : 0;
    }
}

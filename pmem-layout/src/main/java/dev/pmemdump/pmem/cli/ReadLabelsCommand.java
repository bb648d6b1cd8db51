package dev.pmemdump.pmem.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.pmem.LabelArea;
import dev.pmemdump.pmem.LabelIndex;
import dev.pmemdump.pmem.NamespaceLabel;
import dev.pmemdump.pmem.RegionLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ndctl read-labels [nmem0] -j | -o FILE}: both index blocks as stored, and the label slots
 * from slot 0 on while each slot records its own number (stale labels included, as ndctl shows them).
 */
@Command(name = "read-labels", mixinStandardHelpOptions = true,
        description = "Dump the label storage area as JSON (-j) or raw bytes (-o FILE).")
final class ReadLabelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ImageOptions img;
    @Option(names = {"-v", "--verbose"}, description = "Say which mapping the image got (DAX, device-dax or page cache).")
    boolean verbose;

    @Parameters(arity = "0..1", paramLabel = "nmem0|all")
    String dimm;
    @Option(names = {"-j", "--json"}, description = "Parse the label data into JSON.")
    boolean json;
    @Option(names = {"-o", "--output"}, description = "Write the raw label area to this file.")
    Path output;
    @Option(names = "--force", description = "Replace the -o file if it exists.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        if (dimm != null && !dimm.equals("nmem0") && !dimm.equals("all")) {
            throw new IllegalArgumentException("dimm '" + dimm + "' not found (an image holds nmem0)");
        }
        RegionLayout layout = img.regionLayout();
        if (!layout.hasLabels()) {
            throw new IllegalArgumentException("a legacy e820 image has no label area");
        }
        if (!json && output == null) {
            throw new IllegalArgumentException("specify -j for JSON or -o FILE for the raw label area");
        }
        try (MappedImage m = img.map(false, verbose, spec.commandLine().getErr())) {
            long base = layout.labelOffset(m.size());
            MemorySegment lsa = m.slice(base, layout.labelSize(), "label storage area");
            if (output != null) {
                AtomicOutput.write(output, OutputRules.of(force, "--force").notOver(img.image), lsa);
            }
            if (json) {
                int labelSize = labelSize(m, base, lsa);
                long idx = Math.max(LabelIndex.indexSizeFor(lsa.byteSize(), labelSize), 256);
                ObjectNode d = NdctlJson.object();
                d.put("dev", "nmem0");
                ArrayNode index = d.putArray("index");
                index.add(NdctlJson.labelIndex(LabelIndex.decode(lsa.asSlice(0, idx))));
                index.add(NdctlJson.labelIndex(LabelIndex.decode(lsa.asSlice(idx, idx))));
                ArrayNode labels = d.putArray("label");
                for (long slot = 0; 2 * idx + (slot + 1) * labelSize <= lsa.byteSize(); slot++) {
                    NamespaceLabel l = NamespaceLabel.decode(lsa.asSlice(2 * idx + slot * labelSize, labelSize), labelSize);
                    if (l.slot() != slot) {
                        break;
                    }
                    labels.add(NdctlJson.label(l, labelSize));
                }
                ArrayNode all = NdctlJson.array();
                all.add(d);
                spec.commandLine().getOut().println(JsonC.pretty(all));
            }
        }
        spec.commandLine().getErr().println("read 1 nmem");
        return 0;
    }

    /** The label size of the valid index; when there is none, the one index0 declares (else 128). */
    private static int labelSize(MappedImage m, long base, MemorySegment lsa) {
        try {
            LabelArea area = LabelArea.open(m.path().toString(), base, lsa);
            if (area != null) {
                return area.labelSize();
            }
        } catch (CorruptInputException e) {
            // A damaged area is still dumped, as ndctl dumps it.
        }
        return LabelIndex.decode(lsa.asSlice(0, 256)).declaredLabelSize() == 256 ? 256 : 128;
    }
}

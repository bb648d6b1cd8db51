package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code ndctl write-labels <nmem0> [-i FILE]}: copy a file (or stdin) over the label area. As ndctl:
 * at most the extent's size is read; a shorter input replaces only the bytes it has, an empty one
 * writes nothing.
 */
@Command(name = "write-labels", description = "Write label-area bytes from -i FILE (or stdin) to nmem0.")
final class WriteLabelsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    LabelVerbOptions o;
    @Option(names = {"-i", "--input"}, paramLabel = "input-file", description = "File with the label area data.")
    Path input;
    @Mixin
    LabelExtentOptions extent;

    @Override
    public Integer call() throws Exception {
        NdctlText.Dimms d = o.select(spec);
        if (d == NdctlText.Dimms.USAGE) {
            return NdctlText.usage(spec);
        }
        int wrote = 0;
        boolean failed = false;
        if (d == NdctlText.Dimms.NMEM0) {
            try (MappedImage m = o.img.map(true);
                 InputStream in = input == null ? System.in : Files.newInputStream(input)) {
                MemorySegment lsa = o.labelArea(m);
                long[] e = extent.extent(lsa.byteSize());
                if (e == null) {
                    failed = true;
                } else {
                    // Read first, write after: a failed read leaves the area as it was.
                    byte[] data = in.readNBytes(Math.toIntExact(e[1]));
                    MemorySegment.copy(MemorySegment.ofArray(data), 0, lsa, e[0], data.length);
                    m.force();
                    wrote++;
                }
            }
        }
        spec.commandLine().getErr().println(NdctlText.count("wrote", wrote, "nmem"));
        return failed ? 1 : 0;
    }
}

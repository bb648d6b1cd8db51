package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MemParse;
import picocli.CommandLine.Option;

/** {@code -s}/{@code -O} of write-labels and zero-labels: the part of the label area they touch. */
final class LabelExtentOptions {
    @Option(names = {"-s", "--size"}, paramLabel = "n", description = "Number of label bytes (0: the whole area).")
    String size;
    @Option(names = {"-O", "--offset"}, paramLabel = "n", description = "Offset into the label area.")
    String offset;

    /**
     * libndctl's label extent {offset, length}: size 0 (the default) means the whole area, and an
     * extent reaching past the area is refused (null), so {@code -O} needs a {@code -s} that fits.
     */
    long[] extent(long areaSize) {
        long len = size == null ? 0 : MemParse.parse(size);
        long off = offset == null ? 0 : MemParse.parse(offset);
        if (len == 0) {
            len = areaSize;
        }
        if (off < 0 || len < 0 || off > areaSize || len > areaSize - off) {
            return null;
        }
        return new long[] {off, len};
    }
}

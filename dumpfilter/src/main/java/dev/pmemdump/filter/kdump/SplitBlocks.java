package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.page.WindowedBitmap;

import java.io.IOException;

/**
 * Where makedumpfile 1.7.2 cuts a --split dump (docs/dump-formats.md §3.3): the pfn range is cut into
 * splitblocks of {@code --splitblock-size} bytes of pages, and each part but the last takes whole
 * splitblocks until it holds at least its share (dumpable pages / parts, rounded down) of the dumpable
 * pages; the last part takes the rest. Counts come from the 2nd bitmap before zero pages are found.
 * A splitblock that ends past max_mapnr counts as empty, as in makedumpfile's table.
 */
public final class SplitBlocks {
    private SplitBlocks() {}

    /**
     * @param dumpable       the 2nd bitmap
     * @param parts          number of dumpfiles (at least 2)
     * @param maxMapnr       pfns of the dump
     * @param splitblockSize bytes per splitblock, a positive multiple of {@code pageSize}
     * @return {@code parts + 1} boundaries: part i holds pfns [b[i], b[i+1])
     */
    public static long[] bounds(WindowedBitmap dumpable, int parts, long maxMapnr, long splitblockSize, int pageSize)
            throws IOException {
        if (splitblockSize <= 0 || splitblockSize % pageSize != 0) {
            throw new IllegalArgumentException("check_splitblock_size: The splitblock size must be align to "
                    + "page_size.");
        }
        long perBlock = splitblockSize / pageSize;
        long blocks = Math.ceilDiv(maxMapnr, perBlock);
        long share = dumpable.cardinality(0, maxMapnr) / parts;
        long[] bounds = new long[parts + 1];
        long block = 0;
        long end = 0;
        for (int i = 1; i < parts; i++) {
            if (end < maxMapnr) {
                for (long needed = share; block < blocks && needed > 0; block++) {
                    needed -= countOf(dumpable, block, perBlock, maxMapnr);
                }
                end = Math.min(Math.multiplyExact(block, perBlock), maxMapnr);
            }
            bounds[i] = end;
        }
        bounds[parts] = maxMapnr;
        return bounds;
    }

    private static long countOf(WindowedBitmap dumpable, long block, long perBlock, long maxMapnr)
            throws IOException {
        long from = block * perBlock;
        long to = from + perBlock;
        return to > maxMapnr ? 0 : dumpable.cardinality(from, to);
    }
}

package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import dev.pmemdump.pmem.dax.DaxMapping;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The image every ndctl verb works on, and how its region is laid out. */
final class ImageOptions {
    @Option(names = "--image", paramLabel = "FILE",
            description = "Region image: a QEMU NVDIMM backing file (labels at the end) or a legacy e820 pmem file.")
    Path image;

    @Option(names = "--layout", defaultValue = "nvdimm", paramLabel = "nvdimm|e820",
            description = "nvdimm: QEMU NVDIMM, label area in the last --label-size bytes (default); "
                    + "e820: memmap=nn!ss legacy pmem, whole file, no labels.")
    String layout;

    @Option(names = "--label-size", defaultValue = "128K", paramLabel = "SIZE",
            description = "Size of the label storage area at the end of an nvdimm image (QEMU label-size; default 128K).")
    String labelSize;

    @Option(names = "--phys-start", paramLabel = "ADDR",
            description = "Physical address of the region (default 0x100000000 for nvdimm, 0x30000000 for e820).")
    String physStart;

    RegionLayout regionLayout() {
        return switch (layout) {
            case "nvdimm", "qemu" -> RegionLayout.qemuNvdimm(MemParse.parse(labelSize),
                    physStart == null ? RegionLayout.QEMU_DEFAULT_BASE : MemParse.parse(physStart));
            case "e820", "legacy" -> RegionLayout.legacyE820(
                    physStart == null ? RegionLayout.E820_DEFAULT_BASE : MemParse.parse(physStart));
            default -> throw new IllegalArgumentException("unknown --layout '" + layout + "' (nvdimm or e820)");
        };
    }

    /** {@link #map(boolean, boolean, PrintWriter)} without the -v line; a MAP_SYNC fallback goes to stderr. */
    MappedImage map(boolean write) throws IOException {
        return map(write, false, new PrintWriter(System.err, true));
    }

    /**
     * Maps the image as what it is (a DAX file with MAP_SYNC, a device-dax device, else the page
     * cache); a MAP_SYNC fallback is always said on {@code err}, the mapping itself with {@code -v}.
     */
    MappedImage map(boolean write, boolean verbose, PrintWriter err) throws IOException {
        if (image == null) {
            // Checked here, not by picocli, so --help and the file-only infoblock forms need no image.
            throw new IllegalArgumentException("Missing required option: '--image=FILE'");
        }
        MappedImage m = DaxMapping.open(image, write ? MappedImage.Access.READ_WRITE : MappedImage.Access.READ_ONLY,
                err::println);
        if (verbose) {
            err.println(DaxMapping.describe(m));
        }
        return m;
    }

    Region open(MappedImage img) throws IOException {
        return Region.open(img, regionLayout());
    }

    /** ndctl's region filter: region0, 0 or all are the one region of an image. */
    static void checkRegion(String region) {
        if (region != null && !region.equals("all") && !region.equals("region0") && !region.equals("0")) {
            throw new IllegalArgumentException("region '" + region + "' not found (an image holds region0)");
        }
    }
}

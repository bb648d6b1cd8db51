package dev.pmemdump.pmem.cli;

import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import picocli.CommandLine.Model.CommandSpec;

/**
 * ndctl list's filters applied to an image's one bus, DIMM and pmem region, all on NUMA node 0.
 * Bad values get ndctl's error line and its exit status (-EINVAL).
 */
record ListFilter(boolean typeMatches, boolean nodeMatches) {
    static final int EINVAL = 22;

    /** ndctl_filter_walk's up-front checks of -t, -m and -U; null when one failed (message printed). */
    static ListFilter check(CommandSpec spec, String type, String mode, String numaNode) {
        if (type != null && !type.equals("pmem") && !type.equals("blk")) {
            NdctlText.error(spec, "unknown type \"" + type + "\" must be \"pmem\" or \"blk\"");
            return null;
        }
        if (mode != null) {
            try {
                Mode.parse(mode);
            } catch (IllegalArgumentException e) {
                NdctlText.error(spec, "invalid mode: '" + mode + "'");
                return null;
            }
        }
        boolean node = true;
        if (numaNode != null && !numaNode.equals("all")) {
            try {
                node = Long.decode(numaNode) == 0;
            } catch (NumberFormatException e) {
                NdctlText.error(spec, "invalid numa_node: '" + numaNode + "'");
                return null;
            }
        }
        return new ListFilter(type == null || type.equals("pmem"), node);
    }

    /** Whether anything of the image passes the bus, DIMM, type and node filters. */
    boolean matches(Region r, String bus, String dimm) {
        boolean labelled = r.layout().kind() == RegionLayout.Kind.QEMU_NVDIMM;
        boolean busOk = bus == null || bus.equals("all") || bus.equals("ndbus0") || bus.equals("0")
                || bus.equals(labelled ? "ACPI.NFIT" : "e820");
        boolean dimmOk = dimm == null || dimm.equals("all") || labelled && (dimm.equals("nmem0") || dimm.equals("0"));
        return busOk && dimmOk && typeMatches && nodeMatches;
    }
}

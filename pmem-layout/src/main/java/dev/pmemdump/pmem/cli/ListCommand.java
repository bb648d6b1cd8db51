package dev.pmemdump.pmem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pmemdump.io.MappedImage;
import dev.pmemdump.pmem.dax.DaxMapping;
import dev.pmemdump.pmem.KernfsOrder;
import dev.pmemdump.pmem.Mode;
import dev.pmemdump.pmem.Namespace;
import dev.pmemdump.pmem.Region;
import dev.pmemdump.pmem.RegionLayout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ndctl list}: buses, DIMMs, regions and namespaces of the image as ndctl 76 prints them. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the image's namespaces (default), "
        + "regions, DIMMs and bus as JSON.")
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    ImageOptions img;

    @Option(names = {"-N", "--namespaces"}, description = "Include namespaces (default).")
    boolean namespaces;
    @Option(names = {"-R", "--regions"}, description = "Include regions.")
    boolean regions;
    @Option(names = {"-D", "--dimms"}, description = "Include DIMMs.")
    boolean dimms;
    @Option(names = {"-B", "--buses"}, description = "Include the bus.")
    boolean buses;
    @Option(names = {"-i", "--idle"}, description = "Include idle (seed) namespaces.")
    boolean idle;
    @Option(names = {"-v", "--verbose"}, description = "More detail (repeatable).")
    boolean[] verbose = new boolean[0];
    @Option(names = {"-C", "--capabilities"}, description = "Include region capabilities (also with -vvv).")
    boolean capabilities;
    @Option(names = {"-u", "--human"}, description = "Human-readable sizes; a single object is not wrapped in an array.")
    boolean human;
    @Option(names = {"-r", "--region"}, description = "Only this region.")
    String region;
    @Option(names = {"-n", "--namespace"}, description = "Only this namespace.")
    String namespace;
    @Option(names = {"-m", "--mode"}, description = "Only namespaces in this mode.")
    String mode;
    @Option(names = {"-b", "--bus"}, description = "Only this bus (ndbus0, its provider, all).")
    String bus;
    @Option(names = {"-d", "--dimm"}, description = "Only this DIMM (nmem0, all).")
    String dimm;
    @Option(names = {"-t", "--type"}, description = "Only regions of this type (pmem or blk).")
    String type;
    @Option(names = {"-U", "--numa-node"}, description = "Only this NUMA node (an image is node 0).")
    String numaNode;
    @Option(names = {"-X", "--device-dax"}, description = "Include device-dax details (alone: devdax namespaces only).")
    boolean deviceDax;
    @Option(names = {"-M", "--media-errors"}, description = "Include media errors (an image has none).")
    boolean mediaErrors;
    @Option(names = {"-c", "--configured"}, description = "Include configured namespaces, disabled or not.")
    boolean configured;
    @Option(names = {"-F", "--firmware"}, description = "Refused: DIMM firmware needs a kernel bus.")
    boolean firmware;
    @Option(names = {"-H", "--health"}, description = "Refused: DIMM health needs a kernel bus.")
    boolean health;

    @Override
    public Integer call() throws Exception {
        ImageOptions.checkRegion(region);
        if (firmware || health) {
            spec.commandLine().getErr().println("list: --" + (firmware ? "firmware" : "health")
                    + " needs a kernel nvdimm bus (an image holds no DIMM firmware or health data)");
            return 1;
        }
        ListFilter filter = ListFilter.check(spec, type, mode, numaNode);
        if (filter == null) {
            return NdctlText.errnoExit(ListFilter.EINVAL);
        }
        if (!namespaces && !regions && !dimms && !buses) {
            // ndctl: a filter alone lists what it filters; -X alone lists devdax namespaces.
            buses = bus != null;
            regions = region != null;
            dimms = dimm != null;
            if (deviceDax && mode == null) {
                mode = "devdax";
            }
        }
        boolean showNs = namespaces || (!regions && !dimms && !buses);
        NdctlJson.Flags flags = new NdctlJson.Flags(verbose.length > 0, human, verbose.length > 0 || deviceDax);
        JsonNode out;
        try (MappedImage m = img.map(false, false, spec.commandLine().getErr())) {
            if (verbose.length > 0 && m.mapping() != MappedImage.Mapping.FILE) {
                // ndctl's list -v prints nothing on stderr: only a DAX mapping is worth a line.
                spec.commandLine().getErr().println(DaxMapping.describe(m));
            }
            Region r = img.open(m);
            if (!filter.matches(r, bus, dimm)) {
                return 0;
            }
            ArrayNode ns = namespaceArray(r, flags);
            boolean labelled = r.layout().kind() == RegionLayout.Kind.QEMU_NVDIMM;
            ArrayNode dimmArray = NdctlJson.array();
            if (dimms && labelled) {
                dimmArray.add(NdctlJson.dimm());
            }
            ArrayNode regionArray = NdctlJson.array();
            if (regions) {
                ObjectNode ro = NdctlJson.region(r, flags, dimms, capabilities || verbose.length >= 3);
                if (showNs && !ns.isEmpty()) {
                    ro.set("namespaces", ns);
                }
                regionArray.add(ro);
            }
            if (buses) {
                ObjectNode bus = NdctlJson.object();
                bus.put("provider", labelled ? "ACPI.NFIT" : "e820");
                bus.put("dev", "ndbus0");
                if (!dimmArray.isEmpty()) {
                    bus.set("dimms", dimmArray);
                }
                if (!regionArray.isEmpty()) {
                    bus.set("regions", regionArray);
                } else if (showNs && !ns.isEmpty()) {
                    bus.set("namespaces", ns);
                }
                out = wrap(List.of(bus));
            } else if (dimms && regions) {
                ObjectNode top = NdctlJson.object();
                if (!dimmArray.isEmpty()) {
                    top.set("dimms", dimmArray);
                }
                top.set("regions", regionArray);
                out = top;
            } else if (regions) {
                out = wrap(list(regionArray));
            } else if (dimms) {
                out = dimmArray.isEmpty() ? null : wrap(list(dimmArray));
            } else {
                out = ns.isEmpty() ? null : wrap(list(ns));
            }
        }
        if (out != null) {
            spec.commandLine().getOut().println(JsonC.pretty(out));
        }
        return 0;
    }

    private ArrayNode namespaceArray(Region r, NdctlJson.Flags flags) {
        List<Object[]> entries = new ArrayList<>();
        for (Namespace n : r.namespaces()) {
            if ((namespace == null || namespace.equals(n.dev()) || namespace.equals("all"))
                    && (mode == null || Mode.parse(mode) == n.mode())) {
                entries.add(new Object[] {n.dev(), NdctlJson.namespace(n, flags)});
            }
        }
        if (idle && r.labels() != null && namespace == null && mode == null) {
            String seed = "namespace" + Region.REGION_ID + "." + r.namespaces().size();
            entries.add(new Object[] {seed, NdctlJson.seed(seed, flags)});
        }
        ArrayNode a = NdctlJson.array();
        for (Object[] e : KernfsOrder.ndctlOrder(entries, e -> (String) e[0])) {
            a.add((JsonNode) e[1]);
        }
        return a;
    }

    private static List<JsonNode> list(ArrayNode a) {
        List<JsonNode> l = new ArrayList<>();
        a.forEach(l::add);
        return l;
    }

    /** Since ndctl v62 a list is always an array, except one element with --human. */
    private JsonNode wrap(List<JsonNode> items) {
        if (human && items.size() == 1) {
            return items.get(0);
        }
        ArrayNode a = NdctlJson.array();
        items.forEach(a::add);
        return a;
    }
}

package dev.pmemdump.cli.verify;

import dev.pmemdump.images.Scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * The RFC's four cases (docs/rfc.md §3d): where the memmap of the pmem namespaces lives (RAM for
 * {@code --map=mem}, the device for {@code --map=dev}) and whether the dump keeps all of pmem (A, B:
 * what upstream makedumpfile does with pmem PT_LOADs, run only as negative controls) or only the
 * metadata (C, D: pmemdump's job).
 */
enum DumpCase {
    A("mem", true), B("dev", true), C("mem", false), D("dev", false);

    private final String map;
    private final boolean wholePmem;

    DumpCase(String map, boolean wholePmem) {
        this.map = map;
        this.wholePmem = wholePmem;
    }

    /** A and B dump the whole of pmem: a negative control, not a configuration pmemdump offers. */
    boolean negativeControl() {
        return wholePmem;
    }

    /** The case whose vmcore a negative control reuses (A reuses C's, B reuses D's). */
    DumpCase filtered() {
        return this == A ? C : this == B ? D : this;
    }

    /** The scenario with every pmem namespace's memmap where this case puts it. */
    Scenario apply(Scenario s) {
        List<Scenario.PmemRegion> regions = new ArrayList<>();
        for (Scenario.PmemRegion r : s.pmem()) {
            List<Scenario.Namespace> namespaces = new ArrayList<>();
            for (Scenario.Namespace n : r.namespaces()) {
                boolean hasMemmap = "fsdax".equals(n.mode()) || "devdax".equals(n.mode());
                namespaces.add(hasMemmap ? new Scenario.Namespace(n.name(), n.mode(), map, n.size(), n.align()) : n);
            }
            regions.add(new Scenario.PmemRegion(r.start(), r.size(), r.legacy(), namespaces));
        }
        return s.withPmem(regions);
    }

    static List<DumpCase> parse(String list) {
        List<DumpCase> out = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim().toUpperCase(java.util.Locale.ROOT);
            try {
                out.add(valueOf(p));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown case '" + part + "' (cases are A, B, C, D)");
            }
        }
        return out;
    }
}

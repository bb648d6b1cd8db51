package dev.pmemdump.vmcore.iomem;

import dev.pmemdump.io.Range;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first kernel's pmem as kernel command-line parameters of the capture kernel, put there at load
 * time: {@code pmemdump.pmem=START-END[,START-END...]} (physical, both ends inside, as /proc/iomem
 * writes them) and {@code pmemdump.ns=START[,START...]}, where each namespace starts (so that a raw
 * namespace, which has no info block, does not hide the ones after it). The capture kernel ignores
 * unknown {@code name.param}s; the filter reads them back from {@code /proc/cmdline}, so a PT_LOAD
 * without PF_DEV is still known to be pmem and nothing has to be copied into the capture environment.
 */
public record PmemParameter(List<Range> ranges, List<Long> namespaceStarts) {
    public static final String NAME = "pmemdump.pmem";
    public static final String NAMESPACES = "pmemdump.ns";
    /** Far more ranges or namespaces than any machine has; bounds what a command line can make us allocate. */
    private static final int MAX_ITEMS = 1024;

    public PmemParameter {
        ranges = Range.normalize(ranges);
        namespaceStarts = namespaceStarts.stream().sorted().distinct().toList();
        if (ranges.isEmpty()) {
            throw new IllegalArgumentException(NAME + " needs at least one range");
        }
    }

    /**
     * What the first kernel's /proc/iomem says of its pmem: each top-level "Persistent Memory" range
     * (and "Persistent Memory (legacy)" with {@code legacy}) and where the namespaces inside start;
     * empty when there is none.
     */
    public static Optional<PmemParameter> of(Iomem iomem, boolean legacy) {
        List<Resource> roots = iomem.roots().stream()
                .filter(r -> r.name().equals(Resource.PERSISTENT_MEMORY)
                        || legacy && r.name().equals(Resource.PERSISTENT_MEMORY_LEGACY))
                .toList();
        if (roots.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PmemParameter(roots.stream().map(Resource::range).toList(),
                roots.stream().flatMap(r -> r.children().stream()).filter(c -> c.name().startsWith("namespace"))
                        .map(Resource::start).toList()));
    }

    /** {@code pmemdump.pmem=0x100000000-0x11ffdffff pmemdump.ns=0x100000000,0x108000000}. */
    public String format() {
        StringBuilder sb = new StringBuilder(NAME).append('=');
        for (int i = 0; i < ranges.size(); i++) {
            Range r = ranges.get(i);
            sb.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString(r.start()))
                    .append("-0x").append(Long.toHexString(r.inclusiveEnd()));
        }
        if (!namespaceStarts.isEmpty()) {
            sb.append(' ').append(NAMESPACES).append('=');
            for (int i = 0; i < namespaceStarts.size(); i++) {
                sb.append(i == 0 ? "" : ",").append("0x").append(Long.toHexString(namespaceStarts.get(i)));
            }
        }
        return sb.toString();
    }

    /**
     * The parameters in a kernel command line ({@code /proc/cmdline}), the last of each if repeated
     * as the kernel's own parameters go; empty when {@code pmemdump.pmem} is absent.
     *
     * @throws IllegalArgumentException naming the parameter when a value is malformed
     */
    public static Optional<PmemParameter> fromCmdline(String cmdline) {
        String ranges = null;
        String namespaces = null;
        for (String word : cmdline.trim().split("\\s+")) {
            if (word.startsWith(NAME + "=")) {
                ranges = word.substring(NAME.length() + 1);
            } else if (word.startsWith(NAMESPACES + "=")) {
                namespaces = word.substring(NAMESPACES.length() + 1);
            }
        }
        if (ranges == null) {
            return Optional.empty();
        }
        List<Range> out = new ArrayList<>();
        for (String part : items(NAME, ranges)) {
            int dash = part.indexOf('-');
            try {
                out.add(Range.ofInclusive(Long.decode(part.substring(0, Math.max(dash, 0))),
                        Long.decode(part.substring(dash + 1))));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(NAME + ": bad range \"" + part + "\" (want START-END, e.g. "
                        + "0x100000000-0x11ffdffff)");
            }
        }
        List<Long> starts = new ArrayList<>();
        for (String part : namespaces == null ? List.<String>of() : items(NAMESPACES, namespaces)) {
            try {
                long start = Long.decode(part);
                if (start < 0) {
                    throw new NumberFormatException();
                }
                starts.add(start);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(NAMESPACES + ": bad address \"" + part + "\"");
            }
        }
        return Optional.of(new PmemParameter(out, starts));
    }

    private static List<String> items(String name, String value) {
        String[] parts = value.split(",", -1);
        if (parts.length > MAX_ITEMS) {
            throw new IllegalArgumentException(name + ": more than " + MAX_ITEMS + " items");
        }
        return List.of(parts);
    }
}
